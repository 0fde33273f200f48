/**
 * The output path for packets this namespace sends (net/ipv4/ip_output.c): route
 * lookup, the OUTPUT and POSTROUTING hooks, the MTU (with path MTUs learned from
 * ICMP), fragmentation when DF is clear, and the neighbour layer that writes the
 * Ethernet header. Packets for a local address go through the loopback device.
 *
 * Errors are returned as errno names, as the socket call would see them:
 * ENETUNREACH ("Network is unreachable": no route), EMSGSIZE (DF set and larger than
 * the path MTU: "message too long").
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { ipv4Df, ipv4Dst, ipv4TotalLen } from '../../core/wire/ipv4.js';
import { writeMacNum } from '../../core/wire/mac.js';
import { summarizeFrame } from '../../core/wire/pretty.js';
import type { NetDevice } from '../net/device.js';
import { fragment } from './fragment.js';
import { icmpSendError } from './icmp.js';
import type { NetNamespace } from './namespace.js';

export type SendError = { errno: 'ENETUNREACH' } | { errno: 'EMSGSIZE'; mtu: number };

/** Sends a locally built frame (Ethernet header space first, IPv4 packet after). */
export function ipOutput(ns: NetNamespace, frame: Uint8Array): SendError | undefined {
  const dst = ipv4Dst(frame, ETH_HEADER_LEN);
  if (ns.isLocal(dst)) {
    if (ns.trace.tracing) ns.step(frame, ns.lo, 'route', `${ns.describe(dst)} is local: loopback`);
    const f = ns.filter === undefined ? frame : ns.filter.hook(ns, 'output', frame, undefined, ns.lo) ? frame : undefined;
    if (f !== undefined) ns.lo.transmit(f);
    return undefined;
  }
  const route = ns.routes.lookup(dst);
  const dev = route === undefined ? undefined : ns.devices.get(route.dev);
  if (route === undefined || dev === undefined) {
    if (ns.trace.tracing) ns.step(frame, undefined, 'route', `no route to ${ns.describe(dst)}: Network is unreachable`);
    return { errno: 'ENETUNREACH' };
  }
  const mtu = pathMtu(ns, dev, dst);
  if (ipv4TotalLen(frame, ETH_HEADER_LEN) > mtu && ipv4Df(frame, ETH_HEADER_LEN)) {
    if (ns.trace.tracing) ns.step(frame, dev, 'mtu', `DF set and ${ipv4TotalLen(frame, ETH_HEADER_LEN)} bytes > MTU ${mtu}: message too long`);
    return { errno: 'EMSGSIZE', mtu };
  }
  const via = route.via ?? dst;
  if (ns.trace.tracing) ns.step(frame, dev, 'route', `${ns.describe(dst)} via ${route.via === undefined ? 'direct' : ns.describe(route.via)} dev ${dev.name}`);
  if (ns.filter !== undefined && !ns.filter.hook(ns, 'output', frame, undefined, dev)) return undefined;
  finishOutput(ns, dev, via, frame, mtu);
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

/** POSTROUTING, fragmentation (DF clear) and the neighbour layer (ip_finish_output). */
export function finishOutput(ns: NetNamespace, dev: NetDevice, nextHop: number, frame: Uint8Array, mtu: number): void {
  if (ns.filter !== undefined && !ns.filter.hook(ns, 'postrouting', frame, undefined, dev)) return;
  const pieces = ipv4TotalLen(frame, ETH_HEADER_LEN) > mtu ? fragment(frame, mtu) : [frame];
  if (pieces.length > 1) ns.step(frame, dev, 'fragment', `${ipv4TotalLen(frame, ETH_HEADER_LEN)} bytes into ${pieces.length} fragments for MTU ${mtu}`);
  const table = ns.neighbourTable(dev);
  for (const p of pieces) {
    if (p !== frame) ns.trace.inherit(frame, p);
    table.send(nextHop, p);
  }
}

/** The neighbour layer resolved the next hop: write the Ethernet addresses and send. */
export function neighbourOutput(ns: NetNamespace, dev: NetDevice, frame: Uint8Array, mac: number): void {
  writeMacNum(frame, 0, mac);
  writeMacNum(frame, 6, dev.macNum);
  if (ns.trace.tracing) ns.step(frame, dev, 'tx', summarizeFrame(frame));
  dev.transmit(frame);
}

/** The next hop never answered ARP: the packet's sender hears "host unreachable" (arp_error_report). */
export function hostUnreachableForQueued(ns: NetNamespace, frame: Uint8Array): void {
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
