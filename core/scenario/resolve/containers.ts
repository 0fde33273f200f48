/**
 * Resolve containers: their host, network mode, endpoints (interface name, address from
 * the network's allocator, Docker's MAC, host-side veth name; on overlays the node's
 * load balancer and the docker_gwbridge leg: overlay.ts) and published ports (ephemeral
 * host ports allocated from 32768, conflicts reported as Docker reports them).
 */
import { formatCidr, formatIpv4, parseIpv4, type Ipv4 } from '../../addr.js';
import type { Path } from '../diagnostics.js';
import type { AddressAllocator } from '../ipam.js';
import { EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST } from '../defaults.js';
import type { EndpointModel, HostModel, NetworkMode, PortModel, Proto } from '../model.js';
import type { RawContainer } from '../schema/index.js';
import { dockerMacFromIpv4 } from '../../addr.js';
import { pickDockerHost, type ResolveContext } from './context.js';
import { checkContainerName } from './container-name.js';
import { parseListen } from './hosts.js';
import { defaultBridgeKey } from './networks.js';
import { ensureLoadBalancer, settleGatewayLeg } from './overlay.js';

/** Per container, the next ethN index (libnetwork's osl keeps a counter per sandbox). */
export type IfIndexCounters = Map<string, number>;

/** Published ports taken so far, per Docker host. */
type PortBook = Map<string, { hostIp?: Ipv4; port: number; proto: Proto; owner: string }[]>;

/** Resolves every container into the context; returns the ethN counters for the timeline. */
export function resolveContainers(ctx: ResolveContext): IfIndexCounters {
  const counters: IfIndexCounters = new Map();
  const ports: PortBook = new Map();
  for (const [name, c] of Object.entries(ctx.raw.containers ?? {})) {
    const path = ['containers', name];
    checkContainerName(ctx, name, path);
    if (ctx.hosts.has(name))
      ctx.sink.error(path, `"${name}" is also a host; probes name both, so names must be unique`, name);
    const host = pickDockerHost(ctx, c.host, path);
    if (host === undefined) continue;
    const mode = modeOf(c);
    const shared = mode === 'container' ? sharedContainer(ctx, name, c, host, path) : undefined;
    const sharesWith = shared?.owner;
    const namespace = shared?.namespace ?? (mode === 'host' ? host.name : name);
    if (mode !== 'bridge' && c.networks !== undefined)
      ctx.sink.error([...path, 'networks'], `conflicting options: network-mode ${c['network-mode']} and networks`);
    counters.set(name, 0);
    const joined = mode === 'bridge' ? attachAll(ctx, name, c, host, counters) : [];
    // Several networks at start: the leg is decided once, after all of them (see docs: the gwbridge leg).
    const endpoints = settleGatewayLeg(ctx, name, host, joined, counters, path).eps;
    const published = resolvePorts(ctx, name, c, host, mode, ports);
    if (
      published.length > 0 &&
      endpoints.length > 0 &&
      endpoints.every((e) => ctx.networks.get(e.network)?.internal === true)
    ) {
      ctx.sink.warn(
        [...path, 'ports'],
        'the container is only on internal networks, and Docker silently publishes nothing for it (docker-semantics.md 6f)',
      );
    }
    ctx.containers.set(name, {
      name,
      host: host.name,
      mode,
      ...(sharesWith && { sharesWith }),
      namespace,
      endpoints,
      ports: published,
      listen: parseListen(ctx, c.listen ?? [], [...path, 'listen']),
      path,
    });
  }
  return counters;
}

function modeOf(c: RawContainer): NetworkMode {
  const m = c['network-mode'] ?? 'bridge';
  return m.startsWith('container:') ? 'container' : (m as NetworkMode);
}

/** Follows `container:` chains to the container that owns the namespace, and that namespace. */
function sharedContainer(
  ctx: ResolveContext,
  name: string,
  c: RawContainer,
  host: HostModel,
  path: Path,
): { owner: string; namespace: string } | undefined {
  const seen = new Set([name]);
  let target = (c['network-mode'] ?? '').slice('container:'.length);
  for (;;) {
    const t = ctx.raw.containers?.[target];
    if (t === undefined || seen.has(target)) {
      const why = t === undefined ? `no container "${target}"` : 'the container: chain loops';
      ctx.sink.error(
        [...path, 'network-mode'],
        `${why}; expected container:NAME of another container`,
        c['network-mode'],
      );
      return undefined;
    }
    if ((t.host ?? host.name) !== host.name) {
      ctx.sink.error(
        [...path, 'network-mode'],
        `container "${target}" runs on host ${t.host}; a shared namespace must be on the same host`,
        c['network-mode'],
      );
      return undefined;
    }
    const next = t['network-mode'] ?? '';
    if (next === 'host') return { owner: target, namespace: host.name };
    if (!next.startsWith('container:')) return { owner: target, namespace: target };
    seen.add(target);
    target = next.slice('container:'.length);
  }
}

function attachAll(
  ctx: ResolveContext,
  name: string,
  c: RawContainer,
  host: HostModel,
  counters: IfIndexCounters,
): EndpointModel[] {
  const list = c.networks ?? ['bridge'];
  const out: EndpointModel[] = [];
  list.forEach((a, i) => {
    const path = c.networks === undefined ? ['containers', name] : ['containers', name, 'networks', i];
    const net = typeof a === 'string' ? a : a.network;
    const ip = typeof a === 'string' ? undefined : a['ipv4-address'];
    const prio = typeof a === 'string' ? 0 : (a['gw-priority'] ?? 0);
    const key = net === 'bridge' ? defaultBridgeKey(host.name) : net;
    if (out.some((e) => e.network === key))
      ctx.sink.error(
        path,
        `container is already connected to network ${net} ("endpoint with name ${name} already exists in network ${net}")`,
        net,
      );
    else {
      const ep = attach(
        ctx,
        name,
        host,
        { network: net, ip, prio, path, ipPath: typeof a === 'string' ? path : [...path, 'ipv4-address'] },
        counters,
      );
      if (ep !== undefined) out.push(ep);
      const n = ctx.networks.get(key);
      if (ep !== undefined && n !== undefined) ensureLoadBalancer(ctx, n, host.name, path);
    }
  });
  return out;
}

/** What a connection asks for: the network, an optional static address, the priority. */
export interface AttachRequest {
  readonly network: string;
  readonly ip: string | undefined;
  readonly prio: number;
  readonly path: Path;
  /** Where a bad static address is reported. */
  readonly ipPath: Path;
}

/**
 * Connects a container to a network as `docker network connect` would: checks the
 * network is reachable from the host, allocates or takes the address, names the
 * interface. Used for the initial networks and for timeline `connect` events.
 */
export function attach(
  ctx: ResolveContext,
  container: string,
  host: HostModel,
  req: AttachRequest,
  counters: IfIndexCounters,
): EndpointModel | undefined {
  const key = req.network === 'bridge' ? defaultBridgeKey(host.name) : req.network;
  const net = ctx.networks.get(key);
  const alloc = ctx.addresses.get(key);
  if (net === undefined || alloc === undefined) {
    if (req.network === 'bridge' && host.docker?.defaultBridge === false) {
      const others = Object.keys(ctx.raw.networks ?? {});
      const hint =
        others.length === 0
          ? 'declare a network under networks and connect the container to it'
          : `expected one of: ${others.join(', ')}`;
      ctx.sink.error(
        req.path,
        `host ${host.name} has no default bridge (bridge: none), so there is no network bridge to join (Docker: "network bridge not found"); ${hint}`,
        req.network,
      );
    } else if (ctx.raw.networks?.[req.network] === undefined && req.network !== 'bridge') {
      ctx.sink.error(
        req.path,
        `unknown network; expected bridge or one of: ${Object.keys(ctx.raw.networks ?? {}).join(', ') || '(none declared)'}`,
        req.network,
      );
    }
    return undefined;
  }
  if (!net.hosts.includes(host.name)) {
    const where = net.driver === 'overlay' ? `spans ${net.hosts.join(', ')}` : `lives on host ${net.hosts[0]}`;
    ctx.sink.error(req.path, `network ${net.name} ${where}; container ${container} runs on ${host.name}`, req.network);
    return undefined;
  }
  const address =
    req.ip === undefined
      ? dynamicAddress(ctx, container, net.name, alloc, req.path)
      : staticAddress(ctx, container, net, alloc, req);
  if (address === undefined) return undefined;
  const n = counters.get(container) ?? 0;
  counters.set(container, n + 1);
  const hostVeth =
    net.driver === 'overlay'
      ? ctx.overlay.nextPort(key, host.name)
      : ctx.vethNames.name(host, `${host.name}/${container}/${key}/${n}`);
  return {
    network: key,
    ifname: `eth${n}`,
    address: { addr: address, len: net.subnet.len },
    mac: dockerMacFromIpv4(address),
    gwPriority: req.prio,
    static: req.ip !== undefined,
    hostVeth,
    path: req.path,
  };
}

function dynamicAddress(
  ctx: ResolveContext,
  container: string,
  net: string,
  alloc: AddressAllocator,
  path: Path,
): Ipv4 | undefined {
  const a = alloc.next(container);
  if (a === undefined) ctx.sink.error(path, `network ${net} (${formatCidr(alloc.subnet)}) has no free address left`);
  return a;
}

function staticAddress(
  ctx: ResolveContext,
  container: string,
  net: { name: string; isDefault: boolean; userSubnet: boolean; subnet: { addr: number; len: number } },
  alloc: AddressAllocator,
  req: AttachRequest,
): Ipv4 | undefined {
  const p = req.ipPath;
  const a = parseIpv4(req.ip ?? '');
  if (a === undefined) return undefined;
  if (net.isDefault)
    return void ctx.sink.error(
      p,
      'user specified IP address is supported on user defined networks only (Docker)',
      req.ip,
    );
  if (!net.userSubnet)
    return void ctx.sink.error(
      p,
      `user specified IP address is supported only when connecting to networks with user configured subnets (Docker); give network ${net.name} a subnet`,
      req.ip,
    );
  if (!alloc.assignable(a))
    return void ctx.sink.error(
      p,
      `address is not a usable host address of ${net.name}'s subnet ${formatCidr(net.subnet)}`,
      req.ip,
    );
  const holder = alloc.holder(a);
  if (holder !== undefined) {
    const why =
      holder === 'the gateway'
        ? 'is the gateway'
        : `is already taken by ${holder} (Docker hands out addresses in start order, so ${holder} got it first)`;
    return void ctx.sink.error(p, `${formatIpv4(a)} ${why}; expected a free address`, req.ip);
  }
  alloc.take(a, container);
  return a;
}

const PUBLISH_RE = /^(?:(?:(\d+\.\d+\.\d+\.\d+):)?(\d*):)?(\d+)(?:\/(tcp|udp))?$/;

function resolvePorts(
  ctx: ResolveContext,
  name: string,
  c: RawContainer,
  host: HostModel,
  mode: NetworkMode,
  book: PortBook,
): PortModel[] {
  const specs = c.ports ?? [];
  if (specs.length === 0) return [];
  const path = ['containers', name, 'ports'];
  if (mode === 'container')
    return (
      void ctx.sink.error(path, 'conflicting options: port publishing and the container type network mode (Docker)'),
      []
    );
  if (mode === 'host' || mode === 'none')
    return (void ctx.sink.warn(path, `published ports are discarded when using ${mode} network mode (Docker)`), []);
  const taken = book.get(host.name) ?? [];
  book.set(host.name, taken);
  return specs.flatMap((spec, i) => {
    const p = publishOne(ctx, spec, [...path, i], name, taken);
    return p === undefined ? [] : [p];
  });
}

function publishOne(
  ctx: ResolveContext,
  spec: string,
  path: Path,
  owner: string,
  taken: NonNullable<ReturnType<PortBook['get']>>,
): PortModel | undefined {
  const m = PUBLISH_RE.exec(spec);
  if (m === null)
    return void ctx.sink.error(
      path,
      'expected [IP:]HOSTPORT:CONTAINERPORT[/PROTO]; port ranges are not supported',
      spec,
    );
  const hostIp = m[1] === undefined ? undefined : parseIpv4(m[1]);
  if (m[1] !== undefined && hostIp === undefined)
    return void ctx.sink.error(path, 'expected a host IPv4 address before the host port', spec);
  const proto = (m[4] ?? 'tcp') as Proto;
  const containerPort = Number(m[3]);
  const ephemeral = m[2] === undefined || m[2] === '';
  const clash = (port: number) =>
    taken.find(
      (t) =>
        t.proto === proto && t.port === port && (t.hostIp === undefined || hostIp === undefined || t.hostIp === hostIp),
    );
  let hostPort = Number(m[2]);
  if (ephemeral) {
    hostPort = EPHEMERAL_PORT_FIRST;
    while (hostPort <= EPHEMERAL_PORT_LAST && clash(hostPort) !== undefined) hostPort++;
  }
  if (!(containerPort >= 1 && containerPort <= 65535) || !(hostPort >= 1 && hostPort <= 65535))
    return void ctx.sink.error(path, 'expected ports from 1 to 65535', spec);
  const other = clash(hostPort);
  if (other !== undefined) {
    const ip = hostIp === undefined ? '0.0.0.0' : formatIpv4(hostIp);
    return void ctx.sink.error(
      path,
      `host port ${hostPort}/${proto} is already published by ${other.owner}; Docker fails with "Bind for ${ip}:${hostPort} failed: port is already allocated"`,
      spec,
    );
  }
  taken.push({ ...(hostIp !== undefined && { hostIp }), port: hostPort, proto, owner });
  return { ...(hostIp !== undefined && { hostIp }), hostPort, containerPort, proto, ephemeral, path };
}
