/**
 * The path a packet takes through a plan, and the largest packet that passes it whole.
 *
 * From a namespace toward an address: the route each namespace would use (longest
 * prefix, then lowest metric), then, at layer 2, the veth pairs, bridge ports and VXLAN
 * tunnels to the namespace holding the next hop; a tunnel's outer packets take the route
 * of its underlay namespace toward each remote endpoint in its FDB. Along the way it
 * collects the devices whose MTU the kernel checks for that packet:
 *
 * - `ip-out`: the output device of each IP hop. A packet over its MTU is fragmented
 *   there, or refused with ICMP "fragmentation needed" when it has DF (RFC 1191).
 * - `l2`: a bridge port a frame leaves by, and the receiving end of each veth
 *   (net/bridge/br_forward.c and veth.c both drop frames over the device's MTU,
 *   is_skb_forwardable). Nothing reports those drops.
 *
 * In a tunnel the underlay's devices count for the inner packet with VXLAN's 50 bytes
 * taken off (RFC 7348). Linux sets no DF on VXLAN's outer packets unless told
 * (ip-link(8) `df`), so an `ip-out` limit in the underlay fragments the outer packet.
 *
 * Left out: learned PMTU exceptions, firewall rules, policy routing, link state, and
 * which remote endpoint an FDB entry picks (every remote of a tunnel is tried).
 */
import { cidrContains, formatIpv4, parseCidr, parseIpv4 } from '../addr.js';
import { VXLAN_OVERHEAD } from '../scenario/defaults.js';
import { addressesOf, planIndex, type NamespaceIndex, type PlanIndex } from './plan-index.js';
import type { InterfacePlan, NamespacePlan, Plan, RoutePlan } from './types.js';

/** A device on the path whose MTU the kernel checks for the packet. */
export interface Crossing {
  readonly ns: string;
  readonly dev: string;
  /** What the device lets through for the traced packet (for a tunnel's underlay: its MTU minus 50). */
  readonly mtu: number;
  readonly at: 'ip-out' | 'l2';
  /** Set on an underlay's devices: the VXLAN device whose outer packets cross here. */
  readonly tunnel?: { readonly ns: string; readonly dev: string };
}

/** The path to an address: the devices crossed, or why there is none. */
export type PathTrace =
  | { readonly ok: true; readonly crossings: readonly Crossing[]; readonly to: string }
  | { readonly ok: false; readonly reason: string };

/** The largest packet a traced path passes whole, and what happens to the sender's largest. */
export interface PathMtu {
  /** The smallest MTU along the path. */
  readonly mtu: number;
  /** The first device with that MTU. */
  readonly limit: Crossing;
  /** The MTU of the sender's output device: the largest packet it sends unfragmented. */
  readonly sent: number;
  /**
   * fits: `sent` passes; fragmented: an IP hop fragments it (or refuses it with DF); dropped: a
   * layer-2 device drops it.
   */
  readonly fate: 'fits' | 'fragmented' | 'dropped';
}

/** Hops a trace follows before it gives up (a routing loop). */
const MAX_HOPS = 32;
/** Tunnels inside tunnels a trace follows. */
const MAX_DEPTH = 4;

/** Traces a packet from namespace `from` to `dst` (an IPv4 address). */
export function tracePath(plan: Plan, from: string, dst: string): PathTrace {
  const a = parseIpv4(dst);
  if (a === undefined) return { ok: false, reason: `${dst} is not an IPv4 address` };
  return new Tracer(planIndex(plan)).l3(from, a, 0);
}

/** The MTU verdict of a successful trace; undefined for a path that crosses nothing (local delivery). */
export function pathMtuOf(crossings: readonly Crossing[]): PathMtu | undefined {
  const first = crossings[0];
  if (first === undefined) return undefined;
  const limit = crossings.reduce((m, c) => (c.mtu < m.mtu ? c : m), first);
  const fate = first.mtu <= limit.mtu ? 'fits' : limit.at === 'ip-out' ? 'fragmented' : 'dropped';
  return { mtu: limit.mtu, limit, sent: first.mtu, fate };
}

/** The route a namespace uses for `dst`: longest prefix, then lowest metric. */
export function lookupRoute(ns: NamespacePlan, dst: number): RoutePlan | undefined {
  return bestRoute(
    ns.routes.map((r) => ({ r, dst: r.dst === 'default' ? { addr: 0, len: 0 } : parseCidr(r.dst) })),
    dst,
  );
}

function bestRoute(routes: NamespaceIndex['routes'], dst: number): RoutePlan | undefined {
  let best: { r: RoutePlan; len: number } | undefined;
  for (const { r, dst: c } of routes) {
    if (c === undefined || !cidrContains(c, dst)) continue;
    if (best === undefined || c.len > best.len || (c.len === best.len && r.metric < best.r.metric))
      best = { r, len: c.len };
  }
  return best?.r;
}

function holds(i: InterfacePlan, a: number): boolean {
  return addressesOf(i).includes(a);
}

type Found = { ns: string; crossings: Crossing[] } | undefined;

/** One trace over the plan's index, with the devices a layer-2 search has seen. */
class Tracer {
  constructor(private readonly ix: PlanIndex) {}

  /** IP hops from `from` to `dst`: route, output device, layer-2 search for the next hop, repeat. */
  l3(from: string, dst: number, depth: number): PathTrace {
    const crossings: Crossing[] = [];
    let cur = from;
    for (let hop = 0; hop < MAX_HOPS; hop++) {
      const ns = this.ix.namespaces.get(cur);
      if (ns === undefined) return { ok: false, reason: `no namespace ${cur}` };
      if (ns.holders.has(dst)) return { ok: true, crossings, to: cur };
      if (hop > 0 && !ns.forwards) return { ok: false, reason: `${cur} does not forward (ip_forward 0)` };
      const r = bestRoute(ns.routes, dst);
      const dev = r === undefined ? undefined : ns.byName.get(r.dev);
      if (r === undefined || dev === undefined)
        return { ok: false, reason: `${cur} has no route to ${formatIpv4(dst)}` };
      const next = r.via === undefined ? dst : (parseIpv4(r.via) ?? dst);
      crossings.push({ ns: cur, dev: dev.name, mtu: dev.mtu, at: 'ip-out' });
      const found = this.leave(cur, dev, next, new Set(), depth);
      if (found === undefined)
        return { ok: false, reason: `${formatIpv4(next)} does not answer on ${cur}:${dev.name}` };
      crossings.push(...found.crossings);
      cur = found.ns;
    }
    return { ok: false, reason: `more than ${MAX_HOPS} hops toward ${formatIpv4(dst)} (a routing loop?)` };
  }

  /** A frame leaving `dev` (the IP output device) toward the holder of `target`. */
  private leave(ns: string, dev: InterfacePlan, target: number, seen: Set<string>, depth: number): Found {
    seen.add(`${ns}/${dev.name}`);
    if (dev.kind === 'bridge') return this.ports(ns, dev.name, undefined, target, seen, depth);
    return this.out(ns, dev, target, seen, depth);
  }

  /**
   * Out through a bridge's ports but `except`, each an `l2` crossing, in plan order. The
   * port whose veth peer holds `target` is tried first: it is where the search in plan
   * order ends too (a loop-free layer 2 has one way to the holder; validate/l2-loop.ts),
   * and it spares a bridge of thousands of ports a search through every one of them.
   */
  private ports(
    ns: string,
    bridge: string,
    except: string | undefined,
    target: number,
    seen: Set<string>,
    depth: number,
  ): Found {
    const direct = this.directPort(ns, bridge, target);
    const first = direct === undefined ? undefined : this.port(ns, direct, except, target, seen, depth);
    if (first !== undefined) return first;
    for (const p of this.ix.namespaces.get(ns)?.ports.get(bridge) ?? []) {
      const found = this.port(ns, p, except, target, seen, depth);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Out through one bridge port, unless it is `except` or already seen. */
  private port(
    ns: string,
    p: InterfacePlan,
    except: string | undefined,
    target: number,
    seen: Set<string>,
    depth: number,
  ): Found {
    if (p.name === except || seen.has(`${ns}/${p.name}`)) return undefined;
    seen.add(`${ns}/${p.name}`);
    const found = this.out(ns, p, target, seen, depth);
    return found === undefined
      ? undefined
      : { ns: found.ns, crossings: [{ ns, dev: p.name, mtu: p.mtu, at: 'l2' }, ...found.crossings] };
  }

  /** The port of `bridge` in `ns` whose veth peer holds `target`, if there is one. */
  private directPort(ns: string, bridge: string, target: number): InterfacePlan | undefined {
    for (const h of this.ix.holders.get(target) ?? []) {
      const peer = h.iface.peer;
      if (peer === undefined || peer.ns !== ns) continue;
      const port = this.ix.namespaces.get(ns)?.byName.get(peer.name);
      if (port?.master === bridge && port.kind === 'veth' && port.peer?.ns === h.ns) return port;
    }
    return undefined;
  }

  /** Through a veth to its peer, or through a VXLAN tunnel. */
  private out(ns: string, dev: InterfacePlan, target: number, seen: Set<string>, depth: number): Found {
    if (dev.kind === 'vxlan') return this.tunnel(ns, dev, target, seen, depth);
    if (dev.kind !== 'veth' || dev.peer === undefined) return undefined;
    const peer = this.ix.namespaces.get(dev.peer.ns)?.byName.get(dev.peer.name);
    if (peer === undefined || seen.has(`${dev.peer.ns}/${peer.name}`)) return undefined;
    const found = this.arrive(dev.peer.ns, peer, target, seen, depth);
    return found === undefined
      ? undefined
      : { ns: found.ns, crossings: [{ ns: dev.peer.ns, dev: peer.name, mtu: peer.mtu, at: 'l2' }, ...found.crossings] };
  }

  /** A frame arriving at `dev`: its holder, or on through its bridge. */
  private arrive(ns: string, dev: InterfacePlan, target: number, seen: Set<string>, depth: number): Found {
    seen.add(`${ns}/${dev.name}`);
    if (holds(dev, target)) return { ns, crossings: [] };
    if (dev.master === undefined) return undefined;
    const bridge = this.ix.namespaces.get(ns)?.byName.get(dev.master);
    if (bridge !== undefined && holds(bridge, target)) return { ns, crossings: [] };
    return this.ports(ns, dev.master, dev.name, target, seen, depth);
  }

  /**
   * Through a VXLAN device: to each remote endpoint in its FDB, then out of the remote devices of
   * the same VNI and port.
   */
  private tunnel(ns: string, dev: InterfacePlan, target: number, seen: Set<string>, depth: number): Found {
    const v = dev.vxlan;
    if (v === undefined || depth >= MAX_DEPTH) return undefined;
    for (const r of this.ix.namespaces.get(ns)?.remotes.get(dev.name) ?? []) {
      const a = parseIpv4(r);
      const under = a === undefined ? undefined : this.l3(v.underlayNs, a, depth + 1);
      if (under === undefined || !under.ok) continue;
      const inner = under.crossings.map((c): Crossing => ({
        ...c,
        mtu: c.mtu - VXLAN_OVERHEAD,
        tunnel: { ns, dev: dev.name },
      }));
      const landing = (this.ix.vxlansByUnderlay.get(under.to) ?? []).filter(
        (x) => x.iface.vxlan?.vni === v.vni && x.iface.vxlan.dstPort === v.dstPort,
      );
      for (const far of landing) {
        if (seen.has(`${far.ns}/${far.iface.name}`)) continue;
        const found = this.arrive(far.ns, far.iface, target, seen, depth);
        if (found !== undefined) return { ns: found.ns, crossings: [...inner, ...found.crossings] };
      }
    }
    return undefined;
  }
}
