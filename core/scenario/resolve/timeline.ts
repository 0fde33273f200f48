/**
 * Resolve the timeline: order entries by time (file order breaks ties), resolve each
 * probe's source and destination against the network state at that moment (connects and
 * disconnects earlier in the timeline count), and turn expectations into integers.
 */
import { parseIpv4 } from '../../addr.js';
import type { Path } from '../diagnostics.js';
import { LINUX_DEFAULT_TTL, PING_DEFAULT_COUNT, PING_DEFAULT_INTERVAL_NS, PING_DEFAULT_SIZE, PING_DEFAULT_TIMEOUT_NS, PROBE_DEFAULT_REQUEST, TCP_DEFAULT_TIMEOUT_NS, UDP_DEFAULT_TIMEOUT_NS } from '../defaults.js';
import type { CableRef, EventModel, ExpectModel, FaultModel, ProbeModel } from '../model.js';
import type { RawTimelineEntry } from '../schema/index.js';
import { ACTION_KINDS, type ActionKind } from '../schema/timeline.js';
import { duration, partialShape, type ResolveContext } from './context.js';
import { attach, type IfIndexCounters } from './containers.js';
import { endpointsOf, resolveTarget, type EndpointState } from './targets.js';

/** Resolves the timeline, in time order. */
export function resolveTimeline(ctx: ResolveContext, counters: IfIndexCounters): EventModel[] {
  const entries = (ctx.raw.timeline ?? []).map((e, i) => ({ e, i, at: duration(ctx, e.at, ['timeline', i, 'at'], 0) }));
  entries.sort((a, b) => a.at - b.at || a.i - b.i);
  const state: EndpointState = new Map([...ctx.containers.values()].map((c) => [c.name, c.endpoints]));
  const names = new Set<string>();
  return entries.flatMap(({ e, i, at }) => {
    const path = ['timeline', i];
    const kinds = ACTION_KINDS.filter((k) => e[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.sink.error(path, kinds.length === 0 ? `expected one action: ${ACTION_KINDS.join(', ')}` : `expected one action per entry, found ${kinds.join(' and ')}`);
      return [];
    }
    const kind = kinds[0] as ActionKind;
    const name = uniqueName(ctx, names, e, kind, path);
    const ev: { probe?: ProbeModel; fault?: FaultModel } | undefined = kind === 'ping' || kind === 'tcp' || kind === 'udp' || kind === 'pmtu'
      ? probeEvent(ctx, state, e, kind, path)
      : faultEvent(ctx, state, counters, e, kind, path);
    if (ev === undefined) return [];
    if (e.expect !== undefined && ev.probe === undefined) ctx.sink.error([...path, 'expect'], 'expectations belong to probes (ping, tcp, udp, pmtu)');
    const expect = e.expect === undefined || ev.probe === undefined ? undefined : resolveExpect(ctx, e.expect, ev.probe.kind, [...path, 'expect']);
    return [{ atNs: at, name, ...ev, ...(expect && { expect }), path }];
  });
}

function uniqueName(ctx: ResolveContext, names: Set<string>, e: RawTimelineEntry, kind: ActionKind, path: Path): string {
  if (e.name !== undefined) {
    if (names.has(e.name)) ctx.sink.error([...path, 'name'], 'another timeline entry has this name; expected a unique name', e.name);
    names.add(e.name);
    return e.name;
  }
  const body = e[kind] as { from?: string; to?: unknown } | string | undefined;
  const what = typeof body === 'object' && body.from !== undefined ? `${body.from}->${typeof body.to === 'string' ? body.to : 'target'}` : typeof body === 'string' ? body : '';
  const base = what === '' ? kind : `${kind} ${what}`;
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base} #${n}`;
  names.add(name);
  return name;
}

function probeEvent(ctx: ResolveContext, state: EndpointState, e: RawTimelineEntry, kind: 'ping' | 'tcp' | 'udp' | 'pmtu', path: Path): { probe: ProbeModel } | undefined {
  const body = e[kind];
  if (body === undefined) return undefined;
  const p = [...path, kind];
  if (!ctx.hosts.has(body.from) && !ctx.containers.has(body.from)) {
    ctx.sink.error([...p, 'from'], `expected the name of a host or container (${[...ctx.hosts.keys(), ...ctx.containers.keys()].join(', ')})`, body.from);
    return undefined;
  }
  const proto = kind === 'tcp' || kind === 'udp' ? kind : 'icmp';
  const to = resolveTarget(ctx, state, { raw: body.to, from: body.from, proto, path: [...p, 'to'] });
  if (to === undefined) return undefined;
  const base = { from: body.from, to };
  if (e.ping !== undefined) {
    const b = e.ping;
    return { probe: { ...base, kind: 'ping', count: b.count ?? PING_DEFAULT_COUNT, intervalNs: duration(ctx, b.interval, [...p, 'interval'], PING_DEFAULT_INTERVAL_NS), size: b.size ?? PING_DEFAULT_SIZE, df: b.df ?? false, ttl: b.ttl ?? LINUX_DEFAULT_TTL, timeoutNs: duration(ctx, b.timeout, [...p, 'timeout'], PING_DEFAULT_TIMEOUT_NS) } };
  }
  if (e.pmtu !== undefined) return { probe: { ...base, kind: 'pmtu' } };
  const b = (e.tcp ?? e.udp) as { port?: number | undefined; request?: string | undefined; timeout?: string | undefined };
  const port = to.port ?? b.port;
  if (to.port !== undefined && b.port !== undefined) ctx.sink.error([...p, 'port'], 'the published target already gives the port', b.port);
  if (port === undefined) return void ctx.sink.error(p, 'missing port; expected port: N, or to: {container, published}');
  const dflt = kind === 'tcp' ? TCP_DEFAULT_TIMEOUT_NS : UDP_DEFAULT_TIMEOUT_NS;
  const common = { ...base, port, request: b.request ?? PROBE_DEFAULT_REQUEST, timeoutNs: duration(ctx, b.timeout, [...p, 'timeout'], dflt) };
  return { probe: kind === 'tcp' ? { ...common, kind: 'tcp' } : { ...common, kind: 'udp' } };
}

function faultEvent(ctx: ResolveContext, state: EndpointState, counters: IfIndexCounters, e: RawTimelineEntry, kind: ActionKind, path: Path): { fault: FaultModel } | undefined {
  const p = [...path, kind];
  if (kind === 'link-down' || kind === 'link-up') {
    const target = cableRef(ctx, state, e[kind] as string, p);
    return target === undefined ? undefined : { fault: { kind, target } };
  }
  if (kind === 'impair' && e.impair !== undefined) {
    const target = cableRef(ctx, state, e.impair.target, [...p, 'target']);
    const shape = partialShape(ctx, e.impair, p);
    if (Object.keys(shape).length === 0) ctx.sink.error(p, 'expected at least one of delay, jitter, loss, rate, limit');
    return target === undefined ? undefined : { fault: { kind, target, shape } };
  }
  const m = (kind === 'connect' ? e.connect : e.disconnect) as { container: string; network: string; 'ipv4-address'?: string | undefined; 'gw-priority'?: number | undefined };
  const c = ctx.containers.get(m.container);
  if (c === undefined) return void ctx.sink.error([...p, 'container'], `unknown container; expected one of: ${[...ctx.containers.keys()].join(', ')}`, m.container);
  if (c.mode !== 'bridge') return void ctx.sink.error([...p, 'container'], `container ${c.name} uses network-mode ${c.mode}; it has no networks to ${kind}`, m.container);
  const current = state.get(c.name) ?? [];
  const net = m.network === 'bridge' ? `bridge@${c.host}` : m.network;
  if (kind === 'disconnect') {
    const ep = current.find((x) => x.network === net);
    if (ep === undefined) return void ctx.sink.error([...p, 'network'], `container ${c.name} is not connected to ${m.network} at that time`, m.network);
    ctx.addresses.get(net)?.release(ep.address.addr);
    state.set(c.name, current.filter((x) => x !== ep));
    return { fault: { kind, container: c.name, network: net } };
  }
  if (current.some((x) => x.network === net)) return void ctx.sink.error([...p, 'network'], `container ${c.name} is already connected to ${m.network} at that time`, m.network);
  const host = ctx.hosts.get(c.host);
  const endpoint = host && attach(ctx, c.name, host, { network: m.network, ip: m['ipv4-address'], prio: m['gw-priority'] ?? 0, path: [...p, 'network'], ipPath: [...p, 'ipv4-address'] }, counters);
  if (endpoint === undefined) return undefined;
  state.set(c.name, [...current, endpoint]);
  return { fault: { kind: 'connect', container: c.name, endpoint } };
}

/**
 * A cable named by a fault: `NAME:IFNAME` (a host's or container's interface) or the
 * name of a link or segment (all its cables).
 */
function cableRef(ctx: ResolveContext, state: EndpointState, text: string, path: Path): CableRef | undefined {
  const seg = ctx.segments.get(text);
  if (seg !== undefined) {
    const ends = [...ctx.hosts.values()].flatMap((h) => h.interfaces.filter((i) => i.segment === seg.name).map((i) => ({ owner: h.name, ifname: i.name })));
    return { label: text, ends };
  }
  const [owner, ifname] = text.split(':');
  const h = owner === undefined ? undefined : ctx.hosts.get(owner);
  if (h !== undefined && h.interfaces.some((i) => i.name === ifname)) return { label: text, ends: [{ owner: h.name, ifname: ifname as string }] };
  const c = owner === undefined ? undefined : ctx.containers.get(owner);
  if (c !== undefined && endpointsOf(ctx, state, c).some((x) => x.ifname === ifname)) return { label: text, ends: [{ owner: c.name, ifname: ifname as string }] };
  const links = [...ctx.segments.keys()].join(', ');
  ctx.sink.error(path, `expected HOST:IFNAME, CONTAINER:IFNAME, or a link or segment name (${links || 'none'})`, text);
  return undefined;
}

function resolveExpect(ctx: ResolveContext, x: NonNullable<RawTimelineEntry['expect']>, kind: ProbeModel['kind'], path: Path): ExpectModel {
  const bad = (field: string, kinds: string) => ctx.sink.error([...path, field], `${field} is checked for ${kinds} probes only`);
  if (x.outcome !== undefined && x.reachable !== undefined && (x.outcome === 'delivered') !== x.reachable) {
    ctx.sink.error([...path, 'reachable'], `contradicts outcome: ${x.outcome}`, x.reachable);
  }
  if (x['seen-source'] !== undefined && kind !== 'tcp' && kind !== 'udp') bad('seen-source', 'tcp and udp');
  if (x['path-mtu'] !== undefined && kind !== 'pmtu') bad('path-mtu', 'pmtu');
  if (x.received !== undefined && kind !== 'ping') bad('received', 'ping');
  if (x.ttl !== undefined && kind !== 'ping') bad('ttl', 'ping');
  if (x.rtt !== undefined && kind === 'pmtu') bad('rtt', 'ping, tcp and udp');
  const seen = x['seen-source']?.split(':');
  const seenAddr = seen?.[0] === undefined ? undefined : parseIpv4(seen[0]);
  if (seen !== undefined && seenAddr === undefined) ctx.sink.error([...path, 'seen-source'], 'expected ADDRESS or ADDRESS:PORT', x['seen-source']);
  return {
    ...(x.outcome !== undefined && { outcome: x.outcome }),
    ...(x.reachable !== undefined && { reachable: x.reachable }),
    ...(seenAddr !== undefined && { seenSource: { address: seenAddr, ...(seen?.[1] !== undefined && { port: Number(seen[1]) }) } }),
    ...(x.ttl !== undefined && { ttl: x.ttl }),
    ...(x.rtt?.min !== undefined && { rttMinNs: duration(ctx, x.rtt.min, [...path, 'rtt', 'min'], 0) }),
    ...(x.rtt?.max !== undefined && { rttMaxNs: duration(ctx, x.rtt.max, [...path, 'rtt', 'max'], 0) }),
    ...(x['path-mtu'] !== undefined && { pathMtu: x['path-mtu'] }),
    ...(x.received !== undefined && { received: x.received }),
  };
}
