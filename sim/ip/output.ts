/**
 * The output path for packets this namespace sends (net/ipv4/ip_output.c): route
 * lookup, the OUTPUT and POSTROUTING hooks, the MTU (with path MTUs learned from
 * ICMP), fragmentation when DF is clear, and the neighbour layer that writes the
 * Ethernet header. Packets for a local address go through the loopback device.
 *
 * Errors are returned as errno names, as the socket call would see them:
 * ENETUNREACH ("Network is unreachable": no route), EMSGSIZE (DF set and larger than
 * the path MTU: "message too long"), EPERM (netfilter's OUTPUT dropped it: "Operation
 * not permitted", net_xmit_errno of NF_DROP).
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { ipv4Df, ipv4Dst, ipv4Src, ipv4TotalLen } from '../../core/wire/ipv4.js';
import { writeMacNum } from '../../core/wire/mac.js';
import { summarizeFrame } from '../../core/wire/pretty.js';
import type { NetDevice } from '../net/device.js';
import { fragment } from './fragment.js';
import { SkBuff } from '../skb.js';
import { icmpSendError } from './icmp.js';
import type { NetNamespace } from './namespace.js';

export type SendError = { errno: 'ENETUNREACH' } | { errno: 'EMSGSIZE'; mtu: number } | { errno: 'EPERM' };

/**
 * Sends a locally built frame (Ethernet header space first, IPv4 packet after), by
 * `route` when the sender looked it up already (udp_sendmsg's ip_route_output_flow).
 */
export function ipOutput(
  ns: NetNamespace,
  skb: SkBuff,
  route = routeOut(ns, ipv4Dst(skb.data, ETH_HEADER_LEN)),
): SendError | undefined {
  const frame = skb.data;
  const dst = ipv4Dst(frame, ETH_HEADER_LEN);
  if (route === undefined) {
    if (ns.trace.tracing) ns.step(skb, undefined, 'route', `no route to ${ns.describe(dst)}: Network is unreachable`);
    return { errno: 'ENETUNREACH' };
  }
  const mtu = outMtu(ns, route, dst);
  if (ipv4TotalLen(frame, ETH_HEADER_LEN) > mtu && ipv4Df(frame, ETH_HEADER_LEN)) {
    if (ns.trace.tracing)
      ns.step(
        skb,
        route.dev,
        'mtu',
        `DF set and ${ipv4TotalLen(frame, ETH_HEADER_LEN)} bytes > MTU ${mtu}: message too long`,
      );
    return { errno: 'EMSGSIZE', mtu };
  }
  if (ns.trace.tracing)
    ns.step(
      skb,
      route.dev,
      'route',
      route.dev === ns.lo
        ? `${ns.describe(dst)} is local: loopback`
        : `${ns.describe(dst)} via ${route.via === dst ? 'direct' : ns.describe(route.via)} dev ${route.dev.name}`,
    );
  if (ns.nf === undefined) {
    finishOutput(ns, route.dev, route.via, skb, mtu);
    return undefined;
  }
  return localOut(ns, skb, route);
}

export interface OutRoute {
  readonly dev: NetDevice;
  /** The next hop: the gateway, or the destination itself. */
  readonly via: number;
  /** The route's preferred source (`src`), if it has one. */
  readonly src: number | undefined;
  /** For a local address (RTN_LOCAL): through loopback. */
  readonly local: boolean;
}

/** The output route: loopback for a local address, else the routing table's answer. */
export function routeOut(ns: NetNamespace, dst: number): OutRoute | undefined {
  if (ns.isLocal(dst)) return { dev: ns.lo, via: dst, src: undefined, local: true };
  const r = ns.routes.lookup(dst);
  const dev = r === undefined ? undefined : ns.devices.get(r.dev);
  return r === undefined || dev === undefined ? undefined : { dev, via: r.via ?? dst, src: r.src, local: false };
}

/** The MTU ip_output applies by `route`: loopback's, or the device's or a learned path MTU. */
function outMtu(ns: NetNamespace, route: OutRoute, dst: number): number {
  return route.dev === ns.lo ? ns.lo.mtu : pathMtu(ns, route.dev, dst);
}

/**
 * OUTPUT, and a new route when it changed the destination (ip_route_me_harder after
 * nat OUTPUT): a source in 127/8 may then leave only through a device with
 * route_localnet (__mkroute_output), which is how Docker without its proxy forwards
 * 127.0.0.1:PORT to a container.
 */
function localOut(ns: NetNamespace, skb: SkBuff, route: OutRoute): SendError | undefined {
  const nf = ns.nf as NonNullable<NetNamespace['nf']>;
  const dst = ipv4Dst(skb.data, ETH_HEADER_LEN);
  const f = nf.hook('output', skb, undefined, route.dev.name);
  if (f === undefined) return { errno: 'EPERM' };
  let r = route;
  const newDst = ipv4Dst(f.data, ETH_HEADER_LEN);
  if (newDst !== dst) {
    const again = routeOut(ns, newDst);
    if (again === undefined) return (ns.dropFrame(f, 'no-route'), { errno: 'ENETUNREACH' });
    const src = ipv4Src(f.data, ETH_HEADER_LEN);
    if (src >>> 24 === 127 && again.dev !== ns.lo && !ns.sysctl.routeLocalnet && !again.dev.routeLocalnet)
      return (ns.dropFrame(f, 'martian', again.dev.name), undefined);
    if (ns.trace.tracing)
      ns.step(f, again.dev, 'route', `rerouted after NAT: ${ns.describe(newDst)} via dev ${again.dev.name}`);
    r = again;
  }
  finishOutput(ns, r.dev, r.via, f, r.dev === ns.lo ? ns.lo.mtu : pathMtu(ns, r.dev, newDst));
  return undefined;
}

/** The smaller of the device MTU and a learned, unexpired path MTU. */
export function pathMtu(ns: NetNamespace, dev: NetDevice, dst: number): number {
  const p = ns.pmtu.get(dst);
  if (p === undefined) return dev.mtu;
  if (p.expiresNs <= ns.sim.now) {
    ns.pmtu.delete(dst);
    return dev.mtu;
  }
  return Math.min(dev.mtu, p.mtu);
}

/**
 * POSTROUTING, fragmentation (DF clear) and the neighbour layer (ip_finish_output). A
 * datagram conntrack reassembled leaves in fragments no larger than it came in
 * (ip_do_fragment honours IPCB frag_max_size). Loopback delivers without ARP.
 */
export function finishOutput(ns: NetNamespace, dev: NetDevice, nextHop: number, skb: SkBuff, mtu: number): void {
  let f = skb;
  if (ns.nf !== undefined) {
    const out = ns.nf.hook('postrouting', skb, undefined, dev.name, nextHop);
    if (out === undefined) return;
    f = out;
  }
  if (dev === ns.lo) return ns.lo.transmit(f);
  const fragMax = skb.fragMax;
  const limit = fragMax === 0 ? mtu : Math.min(mtu, fragMax);
  const table = ns.neighbourTable(dev);
  if (f.pendingConfirm || skb.pendingConfirm) table.confirm(nextHop); // sock_confirm_neigh
  const total = ipv4TotalLen(f.data, ETH_HEADER_LEN);
  if (total <= limit) return table.send(nextHop, f);
  const pieces = fragment(f.data, limit);
  if (pieces.length > 1) ns.step(f, dev, 'fragment', `${total} bytes into ${pieces.length} fragments for MTU ${limit}`);
  for (const p of pieces) table.send(nextHop, f.copy(p));
}

/** The neighbour layer resolved the next hop: write the Ethernet addresses and send. */
export function neighbourOutput(ns: NetNamespace, dev: NetDevice, skb: SkBuff, mac: number): void {
  const frame = skb.data;
  const dnat = skb.bridgedDnat;
  if (dnat !== undefined) {
    skb.bridgedDnat = undefined;
    // The neighbour's output sends it through the bridge device with the bridge's MAC
    // (a capture there sees that); br_dev_xmit restores the sender's MAC and bridges it
    // (br_nf_pre_routing_finish_bridge_slow).
    writeMacNum(frame, 0, mac);
    writeMacNum(frame, 6, dev.macNum);
    if (dev.capture !== undefined) dev.tap(new SkBuff(frame.slice()), ns.sim.now);
    writeMacNum(frame, 6, dnat.srcMac);
    return dnat.bridge.reinject(dnat.port, skb);
  }
  writeMacNum(frame, 0, mac);
  writeMacNum(frame, 6, dev.macNum);
  if (ns.trace.tracing) ns.step(skb, dev, 'tx', summarizeFrame(frame));
  dev.transmit(skb);
}

/** The next hop never answered ARP: the packet's sender hears "host unreachable" (arp_error_report). */
export function hostUnreachableForQueued(ns: NetNamespace, frame: SkBuff): void {
  ns.dropFrame(frame, 'arp-failed');
  icmpSendError(ns, frame, 'dest-unreachable', 1);
}

/** The MTU a packet to `dst` would meet on its way out: loopback's, or the route's device's, or a learned path MTU. */
export function routeMtu(ns: NetNamespace, dst: number): number {
  if (ns.isLocal(dst)) return ns.lo.mtu;
  const r = ns.routes.lookup(dst);
  const dev = r === undefined ? undefined : ns.devices.get(r.dev);
  return dev === undefined ? ns.lo.mtu : pathMtu(ns, dev, dst);
}
