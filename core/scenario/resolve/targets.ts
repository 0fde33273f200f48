/**
 * Resolve a probe's `to`: an address, a host or container name, a specific endpoint, or
 * a published port. Names are resolved by twinnet at compile time, not by DNS: a
 * container name means its address on a network it shares with the probe's source
 * (else its first network), a host name means the host's primary address.
 */
import { formatIpv4, parseIpv4, type Ipv4 } from '../../addr.js';
import type { Path } from '../diagnostics.js';
import type { ContainerModel, EndpointModel, HostModel, Proto, TargetModel } from '../model.js';
import type { ResolveContext } from './context.js';

type RawTarget =
  | string
  | { container: string; network?: string | undefined }
  | { host: string; interface?: string | undefined }
  | { container: string; published: number; address?: string | undefined };

/** The current endpoints of every container, as the timeline has changed them. */
export type EndpointState = Map<string, readonly EndpointModel[]>;

/** Who is probing: the endpoints of the source, to prefer a shared network. */
export interface TargetQuery {
  readonly raw: RawTarget;
  readonly from: string;
  readonly proto: Proto | 'icmp';
  readonly path: Path;
}

/** Resolves a target; reports and returns undefined when it names nothing usable. */
export function resolveTarget(ctx: ResolveContext, state: EndpointState, q: TargetQuery): TargetModel | undefined {
  const { raw, path } = q;
  if (typeof raw === 'string') return byName(ctx, state, q, raw);
  if ('published' in raw) return published(ctx, raw, q.proto, path);
  if ('host' in raw) return hostAddress(ctx, raw.host, raw.interface, path);
  const c = ctx.containers.get(raw.container);
  if (c === undefined)
    return void ctx.sink.error([...path, 'container'], unknown('container', ctx.containers), raw.container);
  const eps = endpointsOf(ctx, state, c);
  const ep = raw.network === undefined ? eps[0] : eps.find((e) => ctx.networks.get(e.network)?.name === raw.network);
  if (ep === undefined) {
    return void ctx.sink.error(
      [...path, raw.network === undefined ? 'container' : 'network'],
      `container ${c.name} is not connected to ${raw.network ?? 'any network'} at that time`,
      raw.network ?? raw.container,
    );
  }
  return { address: ep.address.addr, label: `${c.name}@${ctx.networks.get(ep.network)?.name ?? ep.network}` };
}

function byName(ctx: ResolveContext, state: EndpointState, q: TargetQuery, name: string): TargetModel | undefined {
  const literal = parseIpv4(name);
  if (literal !== undefined) return { address: literal, label: name };
  if (ctx.hosts.has(name)) return hostAddress(ctx, name, undefined, q.path);
  const c = ctx.containers.get(name);
  if (c === undefined) {
    return void ctx.sink.error(
      q.path,
      `expected an IPv4 address or the name of a host or container (${[...ctx.hosts.keys(), ...ctx.containers.keys()].join(', ')})`,
      name,
    );
  }
  const eps = endpointsOf(ctx, state, c);
  if (c.mode === 'host') return hostAddress(ctx, c.host, undefined, q.path);
  const mine = new Set(sourceNetworks(ctx, state, q.from));
  const ep = eps.find((e) => mine.has(e.network)) ?? eps[0];
  if (ep === undefined)
    return void ctx.sink.error(
      q.path,
      `container ${name} has no network address at that time (network-mode ${c.mode})`,
      name,
    );
  return { address: ep.address.addr, label: name };
}

/** The source's networks where names resolve: docker_gwbridge has no DNS, so it is left out. */
function sourceNetworks(ctx: ResolveContext, state: EndpointState, from: string): string[] {
  const c = ctx.containers.get(from);
  return c === undefined
    ? []
    : endpointsOf(ctx, state, c)
        .map((e) => e.network)
        .filter((n) => ctx.networks.get(n)?.gwBridge !== true);
}

/** A container's endpoints, following `container:` sharing. */
export function endpointsOf(ctx: ResolveContext, state: EndpointState, c: ContainerModel): readonly EndpointModel[] {
  const owner = c.sharesWith === undefined ? c : ctx.containers.get(c.sharesWith);
  return owner === undefined ? [] : (state.get(owner.name) ?? owner.endpoints);
}

function hostAddress(
  ctx: ResolveContext,
  name: string,
  ifname: string | undefined,
  path: Path,
): TargetModel | undefined {
  const h = ctx.hosts.get(name);
  if (h === undefined) return void ctx.sink.error([...path, 'host'], unknown('host', ctx.hosts), name);
  const a = primaryAddress(h, ifname);
  if (a === undefined) {
    return void ctx.sink.error(
      path,
      ifname === undefined ? `host ${name} has no address` : `host ${name} has no address on "${ifname}"`,
      ifname ?? name,
    );
  }
  return { address: a, label: ifname === undefined ? name : `${name}:${ifname}` };
}

/** The first address of the named interface or bridge, or of the host's first addressed one. */
export function primaryAddress(h: HostModel, ifname?: string): Ipv4 | undefined {
  const devs = [...h.interfaces, ...h.bridges, ...h.vxlans].filter((d) => ifname === undefined || d.name === ifname);
  return devs.flatMap((d) => d.addresses)[0]?.addr;
}

function published(
  ctx: ResolveContext,
  raw: { container: string; published: number; address?: string | undefined },
  proto: Proto | 'icmp',
  path: Path,
): TargetModel | undefined {
  const c = ctx.containers.get(raw.container);
  if (c === undefined)
    return void ctx.sink.error([...path, 'container'], unknown('container', ctx.containers), raw.container);
  const m = c.ports.find((p) => p.containerPort === raw.published && p.proto === proto);
  if (m === undefined) {
    const list = c.ports.map((p) => `${p.containerPort}/${p.proto}`).join(', ') || 'none';
    return void ctx.sink.error(
      [...path, 'published'],
      `container ${c.name} publishes no ${proto} port ${raw.published}; it publishes: ${list}`,
      raw.published,
    );
  }
  const given = raw.address === undefined ? undefined : parseIpv4(raw.address);
  const host = ctx.hosts.get(c.host);
  if (given !== undefined && m.hostIp !== undefined && given !== m.hostIp) {
    return void ctx.sink.error(
      [...path, 'address'],
      `the mapping is published on ${formatIpv4(m.hostIp)} only`,
      raw.address,
    );
  }
  if (given !== undefined && host !== undefined && !hostAddresses(ctx, host).includes(given) && given >>> 24 !== 127) {
    return void ctx.sink.error(
      [...path, 'address'],
      `expected an address of Docker host ${host.name} (${hostAddresses(ctx, host).map(formatIpv4).join(', ')}, or 127.0.0.1)`,
      raw.address,
    );
  }
  const address = m.hostIp ?? given ?? (host === undefined ? undefined : primaryAddress(host));
  if (address === undefined)
    return void ctx.sink.error(path, `host ${c.host} has no address to reach the published port on`);
  return {
    address,
    port: m.hostPort,
    label: `${c.name}:${raw.published} published at ${formatIpv4(address)}:${m.hostPort}`,
  };
}

/** Addresses a Docker host holds: its interfaces' and its bridge networks' gateways. */
function hostAddresses(ctx: ResolveContext, h: HostModel): Ipv4[] {
  const own = [...h.interfaces, ...h.bridges, ...h.vxlans].flatMap((d) => d.addresses.map((a) => a.addr));
  const gateways = [...ctx.networks.values()]
    .filter((n) => n.driver === 'bridge' && n.hosts[0] === h.name)
    .map((n) => n.gateway);
  return [...own, ...gateways];
}

function unknown(kind: string, m: Map<string, unknown>): string {
  return `unknown ${kind}; expected one of: ${[...m.keys()].join(', ') || '(none)'}`;
}
