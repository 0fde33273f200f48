/**
 * The receive path (net/ipv4/ip_input.c, ip_forward.c): header checks, PREROUTING, the
 * routing decision (local or forward), reassembly and INPUT for local delivery, and for
 * forwarding: ip_forward=1, a route (else ICMP net unreachable), TTL > 1 (else ICMP time
 * exceeded), the MTU (DF set: ICMP fragmentation needed with the next-hop MTU), the TTL
 * decrement, FORWARD and the output path. With ip_forward=0 a packet for someone else is
 * dropped without an ICMP error, as ip_error does when forwarding is off.
 *
 * Not modelled: ICMP redirects, rp_filter (0, the default in a new namespace), source
 * routing and other IP options (skipped by their length).
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, ipv4ChecksumOk, ipv4Df, ipv4Dst, ipv4HeaderLen, ipv4IsFragment, ipv4Protocol, ipv4TotalLen, ipv4Ttl, ipv4Version } from '../../core/wire/ipv4.js';
import { copyFrame } from '../../core/wire/alloc.js';
import { summarizeFrame } from '../../core/wire/pretty.js';
import { decrementTtl } from '../../core/wire/rewrite.js';
import type { NetDevice } from '../net/device.js';
import { icmpInput, icmpSendError } from './icmp.js';
import type { NetNamespace } from './namespace.js';
import { finishOutput } from './output.js';

/** An IPv4 frame arrived on `dev` for this host's MAC (ip_rcv). */
export function ipInput(ns: NetNamespace, dev: NetDevice, frame: Uint8Array): void {
  const ip = ETH_HEADER_LEN;
  if (frame.length < ip + 20 || ipv4Version(frame, ip) !== 4) return ns.dropFrame(frame, 'malformed', dev.name);
  const hl = ipv4HeaderLen(frame, ip);
  const total = ipv4TotalLen(frame, ip);
  if (hl < 20 || total < hl || ip + total > frame.length || !ipv4ChecksumOk(frame, ip)) return ns.dropFrame(frame, 'malformed', dev.name);
  if (ns.trace.tracing) ns.step(frame, dev, 'rx', summarizeFrame(frame));
  if (ns.filter !== undefined && !ns.filter.hook(ns, 'prerouting', frame, dev)) return;
  const dst = ipv4Dst(frame, ip);
  if (ns.isLocal(dst)) {
    if (dst >>> 24 === 127 && dev !== ns.lo && !ns.sysctl.routeLocalnet) return ns.dropFrame(frame, 'martian', dev.name);
    return localDeliver(ns, dev, frame);
  }
  forward(ns, dev, frame);
}

/** ip_local_deliver: reassemble, INPUT, hand to the transport. */
function localDeliver(ns: NetNamespace, dev: NetDevice, frame: Uint8Array): void {
  const ip = ETH_HEADER_LEN;
  let whole = frame;
  if (ipv4IsFragment(frame, ip)) {
    const r = ns.reassembler.add(frame);
    if (r === undefined) return;
    whole = r;
  }
  if (ns.filter !== undefined && !ns.filter.hook(ns, 'input', whole, dev)) return;
  const l4 = ip + ipv4HeaderLen(whole, ip);
  switch (ipv4Protocol(whole, ip)) {
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
function forward(ns: NetNamespace, inDev: NetDevice, frame: Uint8Array): void {
  const ip = ETH_HEADER_LEN;
  if (!ns.sysctl.ipForward) return ns.dropFrame(frame, 'forwarding-off', inDev.name);
  const dst = ipv4Dst(frame, ip);
  const route = ns.routes.lookup(dst);
  const out = route === undefined ? undefined : ns.devices.get(route.dev);
  if (route === undefined || out === undefined) {
    ns.dropFrame(frame, 'no-route', inDev.name);
    return icmpSendError(ns, frame, 'dest-unreachable', 0);
  }
  if (ipv4Ttl(frame, ip) <= 1) {
    ns.dropFrame(frame, 'ttl-expired', inDev.name);
    return icmpSendError(ns, frame, 'time-exceeded', 0);
  }
  // Forwarding honours the device MTU, not path MTUs this host learned for its own
  // traffic: ip_forward uses ip_dst_mtu_maybe_forward(dst, true), which skips rt_pmtu
  // with net.ipv4.ip_forward_use_pmtu=0, the default (ip-sysctl.rst).
  const mtu = out.mtu;
  if (ipv4TotalLen(frame, ip) > mtu && ipv4Df(frame, ip)) {
    ns.dropFrame(frame, 'mtu', out.name);
    return icmpSendError(ns, frame, 'dest-unreachable', 4, mtu);
  }
  const copy = copyFrame(frame);
  ns.trace.inherit(frame, copy);
  decrementTtl(copy, ip);
  if (ns.trace.tracing) ns.step(copy, out, 'forward', `${inDev.name} -> ${out.name} via ${route.via === undefined ? 'direct' : ns.describe(route.via)}, TTL now ${ipv4Ttl(copy, ip)}`);
  if (ns.filter !== undefined && !ns.filter.hook(ns, 'forward', copy, inDev, out)) return;
  finishOutput(ns, out, route.via ?? dst, copy, mtu);
}
