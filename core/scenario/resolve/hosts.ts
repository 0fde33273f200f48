/**
 * Resolve hosts, segments and links: interfaces cabled to segments (a link is a segment
 * of exactly two cables), addresses, MTUs, bridges, learning-mode VXLAN devices, routes,
 * sysctls, firewall lines and services. Docker daemon options get Docker's defaults here
 * (with the swarm advertise address); firewall lines are parsed.
 */
import {
  cidrContains,
  formatCidr,
  formatIpv4,
  parseCidr,
  parseIfAddr,
  subnetOf,
  type Cidr,
  type IfAddr,
} from '../../addr.js';
import type { Path } from '../diagnostics.js';
import {
  DEFAULT_DOCKER_VERSION,
  DOCKER_DEFAULT_POOLS,
  ETHERNET_MTU,
  LINUX_BRIDGE_MCAST_SNOOPING,
  VXLAN_PORT,
} from '../defaults.js';
import type {
  DaemonModel,
  HostBridgeModel,
  HostInterfaceModel,
  HostModel,
  HostVxlanModel,
  ListenModel,
  RouteModel,
} from '../model.js';
import type { RawHost, RawLink } from '../schema/index.js';
import { resolveUserRules } from './iptables-line.js';
import { impaired } from '../shape.js';
import { cidr, ifAddr, ipv4, shapeOf, type ResolveContext } from './context.js';

/** Resolves segments, links, then hosts, into the context. */
export function resolveHostsAndSegments(ctx: ResolveContext): void {
  for (const [name, s] of Object.entries(ctx.raw.segments ?? {})) {
    const path = ['segments', name];
    const subnet = s.subnet === undefined ? undefined : cidr(ctx, s.subnet, [...path, 'subnet']);
    ctx.segments.set(name, {
      name,
      kind: 'segment',
      ...(subnet && { subnet }),
      mtu: s.mtu ?? ETHERNET_MTU,
      shape: shapeOf(ctx, s, path),
      path,
    });
  }
  const linkOf = resolveLinks(ctx);
  for (const [name, h] of Object.entries(ctx.raw.hosts ?? {})) ctx.hosts.set(name, resolveHost(ctx, name, h, linkOf));
}

/** Default name of a link: its two endpoints, `r1.eth1-r2.eth1`. */
export function defaultLinkName(l: RawLink): string {
  return l.endpoints.map((e) => e.replace(':', '.')).join('-');
}

/** Registers links as two-cable segments; returns "host:if" -> link name. */
function resolveLinks(ctx: ResolveContext): Map<string, string> {
  const linkOf = new Map<string, string>();
  (ctx.raw.links ?? []).forEach((l, i) => {
    const path = ['links', i];
    const name = l.name ?? defaultLinkName(l);
    if (ctx.segments.has(name))
      ctx.sink.error(
        [...path, 'name'],
        `the name "${name}" is already used by a segment or link; expected a unique name`,
        name,
      );
    l.endpoints.forEach((ep, j) => {
      const [host, ifn] = ep.split(':');
      const h = host === undefined ? undefined : ctx.raw.hosts?.[host];
      if (h === undefined || ifn === undefined) {
        ctx.sink.error(
          [...path, 'endpoints', j],
          `expected HOST:IFNAME naming a host of the scenario (${Object.keys(ctx.raw.hosts ?? {}).join(', ') || 'none'})`,
          ep,
        );
      } else if (h.interfaces?.[ifn] === undefined) {
        ctx.sink.error(
          [...path, 'endpoints', j],
          `host "${host}" has no interface "${ifn}"; expected one of: ${Object.keys(h.interfaces ?? {}).join(', ') || '(none)'}`,
          ep,
        );
      } else if (linkOf.has(ep)) {
        ctx.sink.error(
          [...path, 'endpoints', j],
          `interface ${ep} is already an endpoint of link "${linkOf.get(ep)}"; an interface has one cable`,
          ep,
        );
      } else linkOf.set(ep, name);
    });
    if (l.endpoints[0] === l.endpoints[1])
      ctx.sink.error([...path, 'endpoints'], 'a link joins two different interfaces', l.endpoints[0]);
    ctx.segments.set(name, { name, kind: 'link', mtu: l.mtu ?? ETHERNET_MTU, shape: shapeOf(ctx, l, path), path });
  });
  return linkOf;
}

function resolveHost(ctx: ResolveContext, name: string, h: RawHost, linkOf: Map<string, string>): HostModel {
  const path = ['hosts', name];
  const kind = h.kind ?? 'linux';
  if (h.docker !== undefined && kind !== 'docker')
    ctx.sink.error([...path, 'docker'], `daemon options need kind: docker (this host is kind ${kind})`);
  if (h.bridges !== undefined && kind === 'docker')
    ctx.sink.error([...path, 'bridges'], "a Docker host's bridges are its networks; declare them under networks");
  if (h.vxlans !== undefined && kind === 'docker')
    ctx.sink.error(
      [...path, 'vxlans'],
      "a Docker host's VXLAN devices are its overlays' (networks with driver: overlay)",
    );
  const interfaces = Object.entries(h.interfaces ?? {}).map(([ifn, i]) =>
    resolveInterface(ctx, name, ifn, i, linkOf.get(`${name}:${ifn}`), [...path, 'interfaces', ifn]),
  );
  const vxlans = resolveVxlans(ctx, h, interfaces, path);
  const bridges = resolveBridges(ctx, h, [...interfaces, ...vxlans], path);
  const sysctls = Object.fromEntries(Object.entries(h.sysctls ?? {}).map(([k, v]) => [k, String(v)]));
  return {
    name,
    kind,
    ...(kind === 'docker' && { docker: resolveDaemon(ctx, h, interfaces, [...path, 'docker']) }),
    interfaces,
    bridges,
    vxlans,
    routes: resolveRoutes(ctx, h, [...interfaces, ...vxlans], bridges, path),
    sysctls,
    iptables: resolveUserRules(ctx.sink, h.iptables ?? [], [...path, 'iptables']),
    listen: parseListen(ctx, h.listen ?? [], [...path, 'listen']),
    path,
  };
}

type RawInterface = NonNullable<RawHost['interfaces']>[string];

function resolveInterface(
  ctx: ResolveContext,
  host: string,
  ifn: string,
  i: RawInterface,
  link: string | undefined,
  path: Path,
): HostInterfaceModel {
  if (i.segment !== undefined && link !== undefined)
    ctx.sink.error(
      [...path, 'segment'],
      `interface is also an endpoint of link "${link}"; expected either a segment or a link`,
      i.segment,
    );
  const segName = i.segment ?? link;
  const seg = segName === undefined ? undefined : ctx.segments.get(segName);
  if (segName === undefined)
    ctx.sink.error(
      path,
      `interface ${host}:${ifn} is not cabled; expected a segment, or this interface in a link's endpoints`,
    );
  else if (seg === undefined)
    ctx.sink.error(
      [...path, 'segment'],
      `unknown segment; expected one of: ${
        [...ctx.segments.values()]
          .filter((s) => s.kind === 'segment')
          .map((s) => s.name)
          .join(', ') || '(none)'
      }`,
      segName,
    );
  if (i.address !== undefined && i.addresses !== undefined)
    ctx.sink.error([...path, 'addresses'], 'expected address or addresses, not both');
  const texts = i.addresses ?? (i.address === undefined ? [] : [i.address]);
  const addresses = texts.flatMap((t, k) => {
    const p = i.addresses === undefined ? [...path, 'address'] : [...path, 'addresses', k];
    const a = ifAddr(ctx, t, p);
    if (a !== undefined && seg?.subnet !== undefined && !cidrContains(seg.subnet, a.addr)) {
      ctx.sink.error(p, `address outside its segment's subnet ${formatCidr(seg.subnet)}`, t);
    }
    return a === undefined ? [] : [a];
  });
  const mtu = i.mtu ?? seg?.mtu ?? ETHERNET_MTU;
  if (seg !== undefined && i.mtu !== undefined && i.mtu !== seg.mtu) {
    ctx.sink.warn(
      [...path, 'mtu'],
      `MTU ${i.mtu} differs from ${seg.kind} "${seg.name}" (${seg.mtu}); frames larger than the smaller MTU are lost on that segment`,
      i.mtu,
    );
  }
  const shape = shapeOf(ctx, i, path);
  if (impaired(shape) && seg !== undefined && (seg.kind === 'link' || impaired(seg.shape))) {
    const where =
      seg.kind === 'link' ? `link "${seg.name}"` : `segment "${seg.name}", which has impairments of its own`;
    ctx.sink.error(path, `this interface is cabled to ${where}; give the impairments on one of the two, not both`);
  }
  return { name: ifn, segment: segName ?? '', addresses, mtu, ...(i.mac && { mac: i.mac }), shape, path };
}

/** A device a bridge may enslave and a route may use: a cabled interface or a VXLAN device. */
type PortDevice = Pick<HostInterfaceModel, 'name' | 'addresses'>;

function resolveBridges(ctx: ResolveContext, h: RawHost, ifs: readonly PortDevice[], path: Path): HostBridgeModel[] {
  const enslaved = new Map<string, string>();
  return Object.entries(h.bridges ?? {}).map(([br, b]) => {
    const p = [...path, 'bridges', br];
    if (h.interfaces?.[br] !== undefined || h.vxlans?.[br] !== undefined)
      ctx.sink.error(p, `"${br}" is also an interface of this host; expected a unique name`, br);
    b.interfaces.forEach((m, k) => {
      const member = ifs.find((x) => x.name === m);
      if (member === undefined)
        ctx.sink.error(
          [...p, 'interfaces', k],
          `no interface "${m}" on this host; expected one of: ${ifs.map((x) => x.name).join(', ') || '(none)'}`,
          m,
        );
      else if (enslaved.has(m))
        ctx.sink.error([...p, 'interfaces', k], `"${m}" is already a port of bridge ${enslaved.get(m)}`, m);
      else if (member.addresses.length > 0)
        ctx.sink.error(
          [...p, 'interfaces', k],
          `"${m}" has an address; Linux does not use the address of a bridge port, put it on the bridge`,
          m,
        );
      enslaved.set(m, br);
    });
    const addresses =
      b.address === undefined
        ? []
        : [ifAddr(ctx, b.address, [...p, 'address'])].filter((a): a is IfAddr => a !== undefined);
    return {
      name: br,
      members: b.interfaces,
      addresses,
      ...(b.mtu && { mtu: b.mtu }),
      ...(b.mac && { mac: b.mac }),
      mcastSnooping: b['mcast-snooping'] ?? LINUX_BRIDGE_MCAST_SNOOPING,
      path: p,
    };
  });
}

function resolveRoutes(
  ctx: ResolveContext,
  h: RawHost,
  ifs: readonly PortDevice[],
  brs: readonly HostBridgeModel[],
  path: Path,
): RouteModel[] {
  const devs = [...ifs.map((i) => ({ name: i.name, addresses: i.addresses })), ...brs];
  const onLink = devs.flatMap((d) => d.addresses.map((a) => ({ dev: d.name, subnet: subnetOf(a) })));
  return (h.routes ?? []).flatMap((r, i) => {
    const p = [...path, 'routes', i];
    const to: Cidr | undefined = r.to === 'default' ? { addr: 0, len: 0 } : cidr(ctx, r.to, [...p, 'to']);
    const via = r.via === undefined ? undefined : ipv4(ctx, r.via, [...p, 'via']);
    if (r.dev !== undefined && !devs.some((d) => d.name === r.dev))
      ctx.sink.error(
        [...p, 'dev'],
        `no interface "${r.dev}" on this host; expected one of: ${devs.map((d) => d.name).join(', ')}`,
        r.dev,
      );
    if (via === undefined && r.dev === undefined)
      ctx.sink.error(p, 'a route needs via (a gateway) or dev (an interface)');
    if (
      via !== undefined &&
      !onLink.some((o) => cidrContains(o.subnet, via) && (r.dev === undefined || o.dev === r.dev))
    ) {
      ctx.sink.error(
        [...p, 'via'],
        'gateway is not on any connected subnet of this host (ip route: "Nexthop has invalid gateway")',
        r.via,
      );
    }
    return to === undefined
      ? []
      : [{ to, ...(via !== undefined && { via }), ...(r.dev && { dev: r.dev }), metric: r.metric ?? 0, path: p }];
  });
}

function resolveDaemon(ctx: ResolveContext, h: RawHost, ifs: readonly HostInterfaceModel[], path: Path): DaemonModel {
  const d = h.docker ?? {};
  const v = d.version === undefined ? DEFAULT_DOCKER_VERSION : String(d.version);
  // Without bip, docker0 takes the first free prefix of the pools (resolve/networks.ts).
  const bip = d.bip === undefined ? undefined : (parseIfAddr(d.bip) ?? { addr: 0, len: 0 });
  if (d.bip !== undefined && bip !== undefined && bip.addr === subnetOf(bip).addr)
    ctx.sink.error(
      [...path, 'bip'],
      "bip is the bridge's own address (such as 172.17.0.1/16), not the network address",
      d.bip,
    );
  // dockerd refuses both: "You specified -b & --bip, mutually incompatible options" (daemon/config).
  if (d.bridge !== undefined && d.bip !== undefined)
    ctx.sink.error(
      [...path, 'bip'],
      'bip sets up the default bridge, which bridge: none disables; dockerd refuses both ("You specified -b & --bip, mutually incompatible options")',
      d.bip,
    );
  const pools = (d['default-address-pools'] ?? DOCKER_DEFAULT_POOLS).flatMap((p, i) => {
    const base =
      d['default-address-pools'] === undefined
        ? parseCidr(p.base)
        : cidr(ctx, p.base, [...path, 'default-address-pools', i, 'base']);
    if (base !== undefined && p.size < base.len)
      ctx.sink.error(
        [...path, 'default-address-pools', i, 'size'],
        `size must be at least the base's prefix length (${base.len})`,
        p.size,
      );
    return base === undefined ? [] : [{ base, size: p.size }];
  });
  const advertiseAddr = advertiseAddress(ctx, d['advertise-addr'], ifs, [...path, 'advertise-addr']);
  return {
    version: v as DaemonModel['version'],
    userlandProxy: d['userland-proxy'] ?? true,
    icc: d.icc ?? true,
    ipMasq: d['ip-masq'] ?? true,
    iptables: d.iptables ?? true,
    defaultBridge: d.bridge !== 'none',
    mtu: d.mtu ?? ETHERNET_MTU,
    ...(bip !== undefined && { bip }),
    pools,
    ...(advertiseAddr !== undefined && { advertiseAddr }),
  };
}

/**
 * The swarm advertise address: the one given, which must be the host's own, else the
 * host's only address. With several and none given, `docker swarm init` refuses to choose
 * (daemon/cluster/listen_addr.go resolveSystemAddr); that is reported for hosts an overlay
 * spans (resolve/networks.ts), since only they join a swarm.
 */
function advertiseAddress(
  ctx: ResolveContext,
  given: string | undefined,
  ifs: readonly HostInterfaceModel[],
  path: Path,
): number | undefined {
  const own = ifs.flatMap((i) => i.addresses.map((a) => a.addr));
  if (given === undefined) return own.length === 1 ? own[0] : undefined;
  const a = ipv4(ctx, given, path);
  if (a !== undefined && !own.includes(a))
    ctx.sink.error(
      path,
      `expected one of this host's addresses (${own.map(formatIpv4).join(', ') || 'it has none'}); overlay peers send their VXLAN packets to it`,
      given,
    );
  return a;
}

/** Learning-mode VXLAN devices of a plain host or router. */
function resolveVxlans(
  ctx: ResolveContext,
  h: RawHost,
  ifs: readonly HostInterfaceModel[],
  path: Path,
): HostVxlanModel[] {
  const own = ifs.flatMap((i) => i.addresses.map((a) => a.addr));
  const seen = new Map<string, string>();
  return Object.entries(h.vxlans ?? {}).map(([name, x]) => {
    const p = [...path, 'vxlans', name];
    const local = x.local === undefined ? undefined : ipv4(ctx, x.local, [...p, 'local']);
    if (local !== undefined && !own.includes(local))
      ctx.sink.error(
        [...p, 'local'],
        `expected one of this host's addresses (${own.map(formatIpv4).join(', ') || 'it has none'})`,
        x.local,
      );
    const dstPort = x.dstport ?? VXLAN_PORT;
    // The kernel refuses a second device with the same VNI, port and local address in a namespace
    // (vxlan_vni_in_use: "A VXLAN device with the specified VNI already exists").
    const key = `${x.vni}/${dstPort}/${local ?? ''}`;
    if (seen.has(key))
      ctx.sink.error(
        [...p, 'vni'],
        `vxlan ${seen.get(key)} already has VNI ${x.vni} on port ${dstPort}; Linux refuses a second one ("A VXLAN device with the specified VNI already exists")`,
        x.vni,
      );
    seen.set(key, name);
    const remotes = (x.remotes ?? []).flatMap((r, k) => {
      const a = ipv4(ctx, r, [...p, 'remotes', k]);
      if (a !== undefined && own.includes(a))
        ctx.sink.error([...p, 'remotes', k], "this is the host's own address; expected a remote tunnel endpoint", r);
      return a === undefined ? [] : [a];
    });
    const address = x.address === undefined ? undefined : ifAddr(ctx, x.address, [...p, 'address']);
    return {
      name,
      vni: x.vni,
      dstPort,
      ...(local !== undefined && { local }),
      learning: x.learning ?? true,
      remotes,
      mtu: x.mtu ?? ETHERNET_MTU,
      addresses: address === undefined ? [] : [address],
      ...(x.mac && { mac: x.mac }),
      path: p,
    };
  });
}

/** Parses `tcp/80` entries; duplicates are errors. */
export function parseListen(ctx: ResolveContext, specs: readonly string[], path: Path): ListenModel[] {
  const seen = new Set<string>();
  return specs.flatMap((s, i) => {
    const [proto, portText] = s.split('/');
    const port = Number(portText);
    if (!(port >= 1 && port <= 65535)) {
      ctx.sink.error([...path, i], 'expected a port from 1 to 65535', s);
      return [];
    }
    if (seen.has(s)) {
      ctx.sink.error([...path, i], `${s} is listed twice`, s);
      return [];
    }
    seen.add(s);
    return [{ proto: proto as ListenModel['proto'], port, path: [...path, i] }];
  });
}
