/**
 * Resolve the timeline: order entries by time (file order breaks ties), resolve each
 * probe's source and destination against the network state at that moment (connects and
 * disconnects earlier in the timeline count, with the docker_gwbridge legs and overlay
 * entries they add or remove), and turn expectations into integers.
 */
import type { Path } from '../diagnostics.js';
import {
  LINUX_DEFAULT_TTL,
  PING_DEFAULT_COUNT,
  PING_DEFAULT_INTERVAL_NS,
  PING_DEFAULT_SIZE,
  PING_DEFAULT_TIMEOUT_NS,
  PROBE_DEFAULT_REQUEST,
  TCP_DEFAULT_TIMEOUT_NS,
  UDP_DEFAULT_TIMEOUT_NS,
} from '../defaults.js';
import type {
  CableRef,
  EndpointModel,
  EventModel,
  FaultModel,
  HostModel,
  LoadBalancerModel,
  NetworkModel,
  PeerEntryModel,
  ProbeModel,
} from '../model.js';
import { endpointPeer, loadBalancerPeer, samePeer, vtepOf } from '../overlay.js';
import type { RawTimelineEntry } from '../schema/index.js';
import { ACTION_KINDS, type ActionKind } from '../schema/timeline.js';
import { duration, partialShape, type ResolveContext } from './context.js';
import { attach, type IfIndexCounters } from './containers.js';
import { resolveExpect } from './expect.js';
import {
  ensureLoadBalancer,
  programPeers,
  seedPeers,
  selectNodes,
  settleGatewayLeg,
  withdrawPeers,
  type NodeSelection,
} from './overlay.js';
import { endpointsOf, resolveTarget, type EndpointState } from './targets.js';

/** Resolves the timeline, in time order. */
export function resolveTimeline(ctx: ResolveContext, counters: IfIndexCounters): EventModel[] {
  const entries = (ctx.raw.timeline ?? []).map((e, i) => ({ e, i, at: duration(ctx, e.at, ['timeline', i, 'at'], 0) }));
  entries.sort((a, b) => a.at - b.at || a.i - b.i);
  const state: EndpointState = new Map([...ctx.containers.values()].map((c) => [c.name, c.endpoints]));
  seedPeers(ctx);
  const names = new Set<string>();
  return entries.flatMap(({ e, i, at }) => {
    const path = ['timeline', i];
    const kinds = ACTION_KINDS.filter((k) => e[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.sink.error(
        path,
        kinds.length === 0
          ? `expected one action: ${ACTION_KINDS.join(', ')}`
          : `expected one action per entry, found ${kinds.join(' and ')}`,
      );
      return [];
    }
    const kind = kinds[0] as ActionKind;
    const name = uniqueName(ctx, names, e, kind, path);
    const ev: { probe?: ProbeModel; fault?: FaultModel } | undefined =
      kind === 'ping' || kind === 'tcp' || kind === 'udp' || kind === 'pmtu'
        ? probeEvent(ctx, state, e, kind, path)
        : faultEvent(ctx, state, counters, e, kind, path);
    if (ev === undefined) return [];
    if (e.expect !== undefined && ev.probe === undefined)
      ctx.sink.error([...path, 'expect'], 'expectations belong to probes (ping, tcp, udp, pmtu)');
    const expect =
      e.expect === undefined || ev.probe === undefined
        ? undefined
        : resolveExpect(ctx, e.expect, ev.probe.kind, [...path, 'expect']);
    return [{ atNs: at, name, ...ev, ...(expect && { expect }), path }];
  });
}

function uniqueName(
  ctx: ResolveContext,
  names: Set<string>,
  e: RawTimelineEntry,
  kind: ActionKind,
  path: Path,
): string {
  if (e.name !== undefined) {
    if (names.has(e.name))
      ctx.sink.error([...path, 'name'], 'another timeline entry has this name; expected a unique name', e.name);
    names.add(e.name);
    return e.name;
  }
  const body = e[kind] as { from?: string; to?: unknown } | string | undefined;
  const what =
    typeof body === 'object' && body.from !== undefined
      ? `${body.from}->${typeof body.to === 'string' ? body.to : 'target'}`
      : typeof body === 'string'
        ? body
        : '';
  const base = what === '' ? kind : `${kind} ${what}`;
  let name = base;
  for (let n = 2; names.has(name); n++) name = `${base} #${n}`;
  names.add(name);
  return name;
}

function probeEvent(
  ctx: ResolveContext,
  state: EndpointState,
  e: RawTimelineEntry,
  kind: 'ping' | 'tcp' | 'udp' | 'pmtu',
  path: Path,
): { probe: ProbeModel } | undefined {
  const body = e[kind];
  if (body === undefined) return undefined;
  const p = [...path, kind];
  if (!ctx.hosts.has(body.from) && !ctx.containers.has(body.from)) {
    ctx.sink.error(
      [...p, 'from'],
      `expected the name of a host or container (${[...ctx.hosts.keys(), ...ctx.containers.keys()].join(', ')})`,
      body.from,
    );
    return undefined;
  }
  const proto = kind === 'tcp' || kind === 'udp' ? kind : 'icmp';
  const to = resolveTarget(ctx, state, { raw: body.to, from: body.from, proto, path: [...p, 'to'] });
  if (to === undefined) return undefined;
  const base = { from: body.from, to };
  if (e.ping !== undefined) {
    const b = e.ping;
    return {
      probe: {
        ...base,
        kind: 'ping',
        count: b.count ?? PING_DEFAULT_COUNT,
        intervalNs: duration(ctx, b.interval, [...p, 'interval'], PING_DEFAULT_INTERVAL_NS),
        size: b.size ?? PING_DEFAULT_SIZE,
        df: b.df ?? false,
        ttl: b.ttl ?? LINUX_DEFAULT_TTL,
        timeoutNs: duration(ctx, b.timeout, [...p, 'timeout'], PING_DEFAULT_TIMEOUT_NS),
      },
    };
  }
  if (e.pmtu !== undefined) return { probe: { ...base, kind: 'pmtu' } };
  const b = (e.tcp ?? e.udp) as {
    port?: number | undefined;
    request?: string | undefined;
    timeout?: string | undefined;
  };
  const port = to.port ?? b.port;
  if (to.port !== undefined && b.port !== undefined)
    ctx.sink.error([...p, 'port'], 'the published target already gives the port', b.port);
  if (port === undefined)
    return void ctx.sink.error(p, 'missing port; expected port: N, or to: {container, published}');
  const dflt = kind === 'tcp' ? TCP_DEFAULT_TIMEOUT_NS : UDP_DEFAULT_TIMEOUT_NS;
  const common = {
    ...base,
    port,
    request: b.request ?? PROBE_DEFAULT_REQUEST,
    timeoutNs: duration(ctx, b.timeout, [...p, 'timeout'], dflt),
  };
  return { probe: kind === 'tcp' ? { ...common, kind: 'tcp' } : { ...common, kind: 'udp' } };
}

function faultEvent(
  ctx: ResolveContext,
  state: EndpointState,
  counters: IfIndexCounters,
  e: RawTimelineEntry,
  kind: ActionKind,
  path: Path,
): { fault: FaultModel } | undefined {
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
  if (kind === 'program' || kind === 'unprogram') return programEvent(ctx, state, e, kind, p);
  return membershipEvent(ctx, state, counters, e, kind as 'connect' | 'disconnect', p);
}

type RawMembership = NonNullable<RawTimelineEntry['connect']> & NonNullable<RawTimelineEntry['disconnect']>;

/** docker network connect and disconnect, with what Docker does around them on overlays. */
function membershipEvent(
  ctx: ResolveContext,
  state: EndpointState,
  counters: IfIndexCounters,
  e: RawTimelineEntry,
  kind: 'connect' | 'disconnect',
  p: Path,
): { fault: FaultModel } | undefined {
  const m = (kind === 'connect' ? e.connect : e.disconnect) as Partial<RawMembership> & {
    container: string;
    network: string;
  };
  const c = ctx.containers.get(m.container);
  if (c === undefined)
    return void ctx.sink.error(
      [...p, 'container'],
      `unknown container; expected one of: ${[...ctx.containers.keys()].join(', ')}`,
      m.container,
    );
  if (c.mode !== 'bridge')
    return void ctx.sink.error(
      [...p, 'container'],
      `container ${c.name} uses network-mode ${c.mode}; it has no networks to ${kind}`,
      m.container,
    );
  const host = ctx.hosts.get(c.host) as HostModel;
  const current = state.get(c.name) ?? [];
  const net = m.network === 'bridge' ? `bridge@${c.host}` : m.network;
  const field = kind === 'connect' ? 'program' : 'unprogram';
  if (m[field] !== undefined && ctx.networks.get(net)?.driver !== 'overlay')
    ctx.sink.error(
      [...p, field],
      `${field} is for overlay networks, whose control plane programs the other nodes; ${m.network} is not one`,
    );
  if (kind === 'disconnect') {
    const ep = current.find((x) => x.network === net);
    if (ep === undefined)
      return void ctx.sink.error(
        [...p, 'network'],
        `container ${c.name} is not connected to ${m.network} at that time`,
        m.network,
      );
    ctx.addresses.get(net)?.release(ep.address.addr);
    const leg = settleGatewayLeg(
      ctx,
      c.name,
      host,
      current.filter((x) => x !== ep),
      counters,
      p,
    );
    state.set(c.name, leg.eps);
    const n = ctx.networks.get(net) as NetworkModel;
    const unprogram =
      n.driver === 'overlay'
        ? withdrawPeers(
            ctx,
            net,
            selectNodes(ctx, m.unprogram, n, c.host, [...p, 'unprogram']),
            (x) => x.owner === c.name && x.address === ep.address.addr,
          )
        : [];
    return { fault: { kind, container: c.name, network: net, gateway: leg.change, unprogram } };
  }
  if (current.some((x) => x.network === net))
    return void ctx.sink.error(
      [...p, 'network'],
      `container ${c.name} is already connected to ${m.network} at that time`,
      m.network,
    );
  const endpoint = attach(
    ctx,
    c.name,
    host,
    {
      network: m.network,
      ip: m['ipv4-address'],
      prio: m['gw-priority'] ?? 0,
      path: [...p, 'network'],
      ipPath: [...p, 'ipv4-address'],
    },
    counters,
  );
  if (endpoint === undefined) return undefined;
  const n = ctx.networks.get(endpoint.network) as NetworkModel;
  const lb = ensureLoadBalancer(ctx, n, c.host, [...p, 'network']);
  const leg = settleGatewayLeg(ctx, c.name, host, [...current, endpoint], counters, p);
  state.set(c.name, leg.eps);
  const program = n.driver === 'overlay' ? connectEntries(ctx, n, c.name, c.host, endpoint, lb, m.program, p) : [];
  return {
    fault: {
      kind: 'connect',
      container: c.name,
      endpoint,
      gateway: leg.change,
      ...(lb !== undefined && { loadBalancer: lb }),
      program,
    },
  };
}

/** The entries a connect programs: the endpoint's on the selected nodes, a new load balancer's on every other node. */
function connectEntries(
  ctx: ResolveContext,
  n: NetworkModel,
  container: string,
  host: string,
  ep: EndpointModel,
  lb: LoadBalancerModel | undefined,
  sel: NodeSelection | undefined,
  p: Path,
): PeerEntryModel[] {
  const vtep = vtepOf(ctx.hosts, host);
  const own = programPeers(
    ctx,
    selectNodes(ctx, sel, n, host, [...p, 'program']),
    [endpointPeer(container, host, ep, vtep)],
    [...p, 'program'],
  );
  // A node's load balancer is announced when the node joins the network, apart from any container's endpoint.
  const lbs =
    lb === undefined
      ? []
      : programPeers(
          ctx,
          n.hosts.filter((h) => h !== host),
          [loadBalancerPeer(lb, vtep)],
          [...p, 'network'],
        );
  return [...own, ...lbs];
}

/** The control plane delivering (program) or withdrawing (unprogram) a container's entries on one node. */
function programEvent(
  ctx: ResolveContext,
  state: EndpointState,
  e: RawTimelineEntry,
  kind: 'program' | 'unprogram',
  p: Path,
): { fault: FaultModel } | undefined {
  const b = e[kind] as { host: string; network: string; container: string };
  const c = ctx.containers.get(b.container);
  const n = ctx.networks.get(b.network);
  if (c === undefined)
    return void ctx.sink.error(
      [...p, 'container'],
      `unknown container; expected one of: ${[...ctx.containers.keys()].join(', ')}`,
      b.container,
    );
  if (c.mode !== 'bridge')
    return void ctx.sink.error(
      [...p, 'container'],
      `container ${c.name} uses network-mode ${c.mode}; it has no endpoints of its own`,
      b.container,
    );
  if (n === undefined || n.driver !== 'overlay') {
    const overlays = [...ctx.networks.values()].filter((x) => x.driver === 'overlay').map((x) => x.name);
    return void ctx.sink.error(
      [...p, 'network'],
      `expected an overlay network (${overlays.join(', ') || 'none declared'})`,
      b.network,
    );
  }
  if (!n.hosts.includes(b.host) || b.host === c.host) {
    const why =
      b.host === c.host
        ? `${c.name} runs on ${b.host}; a node never holds entries for its own endpoints`
        : `overlay ${n.name} spans ${n.hosts.join(', ')}`;
    return void ctx.sink.error([...p, 'host'], `${why}; expected another node of the overlay`, b.host);
  }
  if (kind === 'unprogram') {
    const entries = withdrawPeers(ctx, n.key, [b.host], (x) => x.owner === c.name);
    if (entries.length === 0)
      return void ctx.sink.error(
        p,
        `${b.host} holds no entries for ${c.name} on ${n.name} at that time; expected a container whose entries it holds (current or stale)`,
      );
    return { fault: { kind, host: b.host, container: c.name, network: n.key, entries } };
  }
  const ep = endpointsOf(ctx, state, c).find((x) => x.network === n.key);
  if (ep === undefined)
    return void ctx.sink.error(
      [...p, 'container'],
      `container ${c.name} is not connected to ${n.name} at that time; only a current endpoint can be programmed`,
      b.container,
    );
  const peer = endpointPeer(c.name, c.host, ep, vtepOf(ctx.hosts, c.host));
  if (ctx.overlay.holds(n.key, b.host).some((x) => samePeer(x, peer)))
    return void ctx.sink.error(p, `${b.host} already holds ${c.name}'s entries on ${n.name} at that time`);
  const entries = programPeers(ctx, [b.host], [peer], p);
  return entries.length === 0
    ? undefined
    : { fault: { kind, host: b.host, container: c.name, network: n.key, entries } };
}

/**
 * A cable named by a fault: `NAME:IFNAME` (a host's or container's interface) or the
 * name of a link or segment (all its cables).
 */
function cableRef(ctx: ResolveContext, state: EndpointState, text: string, path: Path): CableRef | undefined {
  const seg = ctx.segments.get(text);
  if (seg !== undefined) {
    const ends = [...ctx.hosts.values()].flatMap((h) =>
      h.interfaces.filter((i) => i.segment === seg.name).map((i) => ({ owner: h.name, ifname: i.name })),
    );
    return { label: text, ends };
  }
  const [owner, ifname] = text.split(':');
  const h = owner === undefined ? undefined : ctx.hosts.get(owner);
  if (h !== undefined && h.interfaces.some((i) => i.name === ifname))
    return { label: text, ends: [{ owner: h.name, ifname: ifname as string }] };
  const c = owner === undefined ? undefined : ctx.containers.get(owner);
  if (c !== undefined && endpointsOf(ctx, state, c).some((x) => x.ifname === ifname))
    return { label: text, ends: [{ owner: c.name, ifname: ifname as string }] };
  const links = [...ctx.segments.keys()].join(', ');
  ctx.sink.error(path, `expected HOST:IFNAME, CONTAINER:IFNAME, or a link or segment name (${links || 'none'})`, text);
  return undefined;
}
