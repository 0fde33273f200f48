/**
 * The receive path (net/ipv4/ip_input.c, ip_forward.c): header checks, PREROUTING, the
 * routing decision (local or forward), reassembly and INPUT for local delivery, and for
 * forwarding: ip_forward=1, a route (else ICMP net unreachable), TTL > 1 (else ICMP time
 * exceeded), the MTU (DF set: ICMP fragmentation needed with the next-hop MTU), the TTL
 * decrement, FORWARD and the output path. With ip_forward=0 a packet for someone else is
 * dropped without an ICMP error, as ip_error does when forwarding is off.
 *
 * Netfilter's PREROUTING, INPUT and FORWARD hooks run where the kernel runs them, and a
 * destination rewritten in PREROUTING steers the routing decision.
 *
 * Not modelled: ICMP redirects, rp_filter (0, the default in a new namespace), source
 * routing and other IP options (skipped by their length).
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipv4ChecksumOk,
  ipv4Df,
  ipv4Dst,
  ipv4Src,
  ipv4HeaderLen,
  ipv4IsFragment,
  ipv4Protocol,
  ipv4TotalLen,
  ipv4Ttl,
  ipv4Version,
} from '../../core/wire/ipv4.js';
import { copyFrame } from '../../core/wire/alloc.js';
import { summarizeFrame } from '../../core/wire/pretty.js';
import { decrementTtl } from '../../core/wire/rewrite.js';
import type { NetDevice } from '../net/device.js';
import { icmpInput, icmpSendError } from './icmp.js';
import type { NetNamespace } from './namespace.js';
import { finishOutput } from './output.js';
import type { SkBuff } from '../skb.js';

/**
 * An IPv4 frame arrived on `dev` for this host's MAC (ip_rcv). `prerouted`: the bridge
 * already ran PREROUTING on it (br_netfilter), which the kernel does not repeat
 * (ip_sabotage_in).
 */
export function ipInput(ns: NetNamespace, dev: NetDevice, skb: SkBuff, prerouted = false): void {
  const ip = ETH_HEADER_LEN;
  if (!wellFormed(skb.data)) return ns.dropFrame(skb, 'malformed', dev.name);
  if (ns.trace.tracing) ns.step(skb, dev, 'rx', summarizeFrame(skb.data));
  let f: SkBuff | undefined = skb;
  if (!prerouted) {
    f = prerouting(ns, dev, skb);
    if (f === undefined) return;
  }
  const dst = ipv4Dst(f.data, ip);
  if (dev !== ns.lo && martianSource(ns, dev, ipv4Src(f.data, ip))) return ns.dropFrame(f, 'martian', dev.name);
  if (ns.isLocal(dst)) {
    if (dst >>> 24 === 127 && dev !== ns.lo && !routeLocalnet(ns, dev)) return ns.dropFrame(f, 'martian', dev.name);
    return localDeliver(ns, dev, f);
  }
  forward(ns, dev, f);
}

/**
 * ip_route_input_slow's source checks for a packet from the wire: a multicast or
 * limited-broadcast source, 127/8 without route_localnet, and (fib_validate_source,
 * accept_local=0) one of this host's own addresses are martians.
 */
function martianSource(ns: NetNamespace, dev: NetDevice, src: number): boolean {
  if (src >>> 28 === 14 || src === 0xffffffff) return true;
  if (src >>> 24 === 127) return !routeLocalnet(ns, dev);
  return ns.localAddress(src) !== undefined;
}

/** ip_rcv_core's checks: version, header length, total length, header checksum. */
export function wellFormed(frame: Uint8Array): boolean {
  const ip = ETH_HEADER_LEN;
  if (frame.length < ip + 20 || ipv4Version(frame, ip) !== 4) return false;
  const hl = ipv4HeaderLen(frame, ip);
  const total = ipv4TotalLen(frame, ip);
  return hl >= 20 && total >= hl && ip + total <= frame.length && ipv4ChecksumOk(frame, ip);
}

/**
 * PREROUTING: with conntrack, fragments are reassembled first (nf_defrag_ipv4 at
 * priority -400); the hook may rewrite the destination (DNAT), which the routing
 * decision after it then follows. Returns the packet to go on with, or undefined.
 */
export function prerouting(ns: NetNamespace, dev: NetDevice, skb: SkBuff): SkBuff | undefined {
  const nf = ns.nf;
  if (nf === undefined) return skb;
  let f = skb;
  if (nf.tracking && ipv4IsFragment(f.data, ETH_HEADER_LEN)) {
    const whole = ns.reassembler.add(f);
    if (whole === undefined) return undefined;
    f = whole;
  }
  return nf.hook('prerouting', f, dev.name);
}

/** route_localnet of the device or of "all" (IN_DEV_NET_ROUTE_LOCALNET). */
export function routeLocalnet(ns: NetNamespace, dev: NetDevice): boolean {
  return ns.sysctl.routeLocalnet || dev.routeLocalnet;
}

/** ip_local_deliver: reassemble, INPUT, hand to the transport. */
function localDeliver(ns: NetNamespace, dev: NetDevice, skb: SkBuff): void {
  const ip = ETH_HEADER_LEN;
  let whole = skb;
  if (ipv4IsFragment(skb.data, ip)) {
    const r = ns.reassembler.add(skb);
    if (r === undefined) return;
    whole = r;
  }
  if (ns.nf !== undefined) {
    const f = ns.nf.hook('input', whole, dev.name);
    if (f === undefined) return;
    whole = f;
  }
  const l4 = ip + ipv4HeaderLen(whole.data, ip);
  switch (ipv4Protocol(whole.data, ip)) {
    case IPPROTO_ICMP:
      return icmpInput(ns, dev, whole, l4);
    case IPPROTO_UDP:
      return ns.sockets.udpInput(dev, whole, l4);
    case IPPROTO_TCP:
      return ns.sockets.tcpInput(dev, whole, l4);
    default:
      icmpSendError(ns, whole, 'dest-unreachable', 2);
  }
}

/** ip_forward. */
function forward(ns: NetNamespace, inDev: NetDevice, skb: SkBuff): void {
  const ip = ETH_HEADER_LEN;
  if (!ns.sysctl.ipForward) return ns.dropFrame(skb, 'forwarding-off', inDev.name);
  const frame = skb.data;
  const dst = ipv4Dst(frame, ip);
  const route = ns.routes.lookup(dst);
  const out = route === undefined ? undefined : ns.devices.get(route.dev);
  if (route === undefined || out === undefined) {
    ns.dropFrame(skb, 'no-route', inDev.name);
    return icmpSendError(ns, skb, 'dest-unreachable', 0);
  }
  if (ipv4Ttl(frame, ip) <= 1) {
    ns.dropFrame(skb, 'ttl-expired', inDev.name);
    return icmpSendError(ns, skb, 'time-exceeded', 0);
  }
  // Forwarding honours the device MTU, not path MTUs this host learned for its own
  // traffic: ip_forward uses ip_dst_mtu_maybe_forward(dst, true), which skips rt_pmtu
  // with net.ipv4.ip_forward_use_pmtu=0, the default (ip-sysctl.rst).
  const mtu = out.mtu;
  // ip_exceeds_mtu: a datagram conntrack reassembled is judged by its largest fragment.
  const fragMax = skb.fragMax;
  if (ipv4TotalLen(frame, ip) > mtu && ipv4Df(frame, ip) && (fragMax === 0 || fragMax > mtu)) {
    ns.dropFrame(skb, 'mtu', out.name);
    return icmpSendError(ns, skb, 'dest-unreachable', 4, mtu);
  }
  // skb_cow: the TTL (and then the MACs) are written in place, unless the bytes are shared
  // (a bridge's flood, a capture), in which case in a copy.
  const copy = skb.cloned ? skb.copy(copyFrame(frame)) : skb;
  decrementTtl(copy.data, ip);
  if (ns.trace.tracing)
    ns.step(
      copy,
      out,
      'forward',
      `${inDev.name} -> ${out.name} via ${route.via === undefined ? 'direct' : ns.describe(route.via)}, TTL now ${ipv4Ttl(copy.data, ip)}`,
    );
  const f = ns.nf === undefined ? copy : ns.nf.hook('forward', copy, inDev.name, out.name);
  if (f === undefined) return;
  finishOutput(ns, out, route.via ?? dst, f, mtu);
}
