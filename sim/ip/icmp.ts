/**
 * ICMP as net/ipv4/icmp.c runs it: echo replies from the address the request was sent
 * to; errors (destination unreachable, time exceeded) about a datagram, quoting its
 * header and as much of it as fits in 576 bytes (RFC 1812 4.3.2.3), never about an ICMP
 * error, a non-first fragment, or a broadcast (RFC 1122 3.2.2); errors rate-limited per
 * destination by icmp_ratelimit (1000 ms, a burst of 6: inet_peer_xrlim_allow with
 * XRLIM_BURST_FACTOR), except fragmentation-needed and errors to this host itself.
 * Received errors are handed to the socket that sent the quoted datagram, and
 * fragmentation-needed updates the path MTU of its destination for ip_rt_mtu_expires
 * (600 s).
 *
 * Not modelled: the global icmp_msgs_per_sec limit, redirects, timestamps, echo to
 * broadcast (ignored, as with icmp_echo_ignore_broadcasts=1).
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { buildIcmpEchoFrame, buildIcmpErrorFrame } from '../../core/wire/frame.js';
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_HEADER_LEN,
  ICMP_TIME_EXCEEDED,
  icmpChecksumOk,
  icmpCode,
  icmpEchoId,
  icmpEchoSeq,
  icmpNextHopMtu,
  icmpType,
  UNREACH_FRAG_NEEDED,
} from '../../core/wire/icmpv4.js';
import {
  IPPROTO_ICMP,
  ipv4Dst,
  ipv4FragOffset,
  ipv4HeaderLen,
  ipv4Protocol,
  ipv4Src,
  ipv4TotalLen,
  ipv4Ttl,
} from '../../core/wire/ipv4.js';
import { ipOutput } from './output.js';
import type { NetNamespace } from './namespace.js';
import type { NetDevice } from '../net/device.js';
import { SkBuff } from '../skb.js';

/** icmp_ratelimit (ip-sysctl.rst): 1000 ms between errors to one destination. */
export const ICMP_RATELIMIT_NS = 1_000_000_000;
/** net/ipv4/inetpeer.c XRLIM_BURST_FACTOR: up to 6 errors in a burst. */
export const ICMP_BURST = 6;
/** ip_rt_mtu_expires: a learned path MTU lasts 10 minutes. */
export const PMTU_EXPIRES_NS = 600_000_000_000;

/** Which errors a received ICMP message reports, for the sockets. */
export interface IcmpErrorInfo {
  readonly type: 'dest-unreachable' | 'time-exceeded';
  readonly code: number;
  readonly from: number;
  readonly mtu: number;
  /** The quoted datagram, from its IPv4 header on. */
  readonly quoted: Uint8Array;
}

/** An ICMP packet for this host arrived (icmp_rcv); `l4` is the offset of the ICMP header. */
export function icmpInput(ns: NetNamespace, dev: NetDevice, skb: SkBuff, l4: number): void {
  const frame = skb.data;
  const len = ETH_HEADER_LEN + ipv4TotalLen(frame, ETH_HEADER_LEN) - l4;
  if (len < ICMP_HEADER_LEN || !icmpChecksumOk(frame, l4, len)) return ns.dropFrame(skb, 'malformed', dev.name);
  const type = icmpType(frame, l4);
  if (type === ICMP_ECHO_REQUEST) return echoReply(ns, skb, l4, len);
  if (type === ICMP_ECHO_REPLY) return ns.sockets.echoReply(skb, icmpEchoId(frame, l4), icmpEchoSeq(frame, l4));
  if (type !== ICMP_DEST_UNREACH && type !== ICMP_TIME_EXCEEDED) return;
  if (len < ICMP_HEADER_LEN + 28) return ns.dropFrame(skb, 'malformed', dev.name);
  const info: IcmpErrorInfo = {
    type: type === ICMP_DEST_UNREACH ? 'dest-unreachable' : 'time-exceeded',
    code: icmpCode(frame, l4),
    from: ipv4Src(frame, ETH_HEADER_LEN),
    mtu: icmpNextHopMtu(frame, l4),
    quoted: frame.subarray(l4 + ICMP_HEADER_LEN, l4 + len),
  };
  if (info.type === 'dest-unreachable' && info.code === UNREACH_FRAG_NEEDED && info.mtu >= 68) {
    ns.pmtu.set(ipv4Dst(info.quoted, 0), { mtu: info.mtu, expiresNs: ns.sim.now + PMTU_EXPIRES_NS });
  }
  ns.sockets.icmpError(skb, info);
}

function echoReply(ns: NetNamespace, skb: SkBuff, l4: number, len: number): void {
  const frame = skb.data;
  const dst = ipv4Dst(frame, ETH_HEADER_LEN);
  if (ns.localAddress(dst) === undefined && dst >>> 24 !== 127) return; // broadcast echo: ignored
  const reply = new SkBuff(
    buildIcmpEchoFrame({
      srcMac: 0,
      dstMac: 0,
      src: dst,
      dst: ipv4Src(frame, ETH_HEADER_LEN),
      id: ns.nextIpId(),
      reply: true,
      echoId: icmpEchoId(frame, l4),
      seq: icmpEchoSeq(frame, l4),
      data: frame.subarray(l4 + ICMP_HEADER_LEN, l4 + len),
    }),
    skb.flow,
  );
  if (ns.trace.tracing)
    ns.step(skb, undefined, 'icmp', `echo request answered with an echo reply from ${ns.describe(dst)}`);
  ipOutput(ns, reply);
}

/**
 * Sends an ICMP error about `frame` to its source (icmp_send). Silently does nothing
 * where Linux would not send one, or when the rate limit says no.
 */
export function icmpSendError(
  ns: NetNamespace,
  skb: SkBuff,
  type: 'dest-unreachable' | 'time-exceeded',
  code: number,
  mtu = 0,
): void {
  const ip = ETH_HEADER_LEN;
  const frame = skb.data;
  const src = ipv4Src(frame, ip);
  if (src === 0 || src >>> 28 === 14 || src === 0xffffffff || ipv4FragOffset(frame, ip) !== 0) return;
  // Nor about a datagram sent to a broadcast or multicast address (RFC 1122 3.2.2):
  // icmp_send returns when the route of the offending packet has RTCF_BROADCAST or
  // RTCF_MULTICAST.
  const origDst = ipv4Dst(frame, ip);
  if (origDst >>> 28 === 14 || ns.isBroadcast(origDst)) return;
  if (ipv4Protocol(frame, ip) === IPPROTO_ICMP && isIcmpError(frame, ip + ipv4HeaderLen(frame, ip))) return;
  const local = ns.isLocal(origDst) ? origDst : undefined;
  const from = local ?? replySource(ns, src);
  if (from === undefined) return;
  const toSelf = ns.localAddress(src) !== undefined || src >>> 24 === 127;
  const limited = !toSelf && !(type === 'dest-unreachable' && code === UNREACH_FRAG_NEEDED);
  if (limited && !ns.icmpLimiter.allow(src, ns.sim.now)) {
    if (ns.trace.tracing)
      ns.step(skb, undefined, 'icmp', `${type} to ${ns.describe(src)} suppressed by icmp_ratelimit`);
    return;
  }
  const err = new SkBuff(
    buildIcmpErrorFrame({
      srcMac: 0,
      dstMac: 0,
      src: from,
      dst: src,
      id: ns.nextIpId(),
      kind: type,
      code,
      nextHopMtu: mtu,
      original: frame.subarray(ip, ip + ipv4TotalLen(frame, ip)),
    }),
    skb.flow,
  );
  // icmp_glue_bits: nf_ct_attach, so that NAT translates the error (outer and quoted
  // headers) even for a connection still unconfirmed, whose first packet it answers.
  ns.nf?.attach(skb, err);
  if (ns.trace.tracing)
    ns.step(skb, undefined, 'icmp', `${type} code ${code} sent from ${ns.describe(from)} to ${ns.describe(src)}`);
  ipOutput(ns, err);
}

function isIcmpError(frame: Uint8Array, l4: number): boolean {
  const t = frame[l4] ?? 0;
  return t !== ICMP_ECHO_REQUEST && t !== ICMP_ECHO_REPLY && t !== 13 && t !== 14;
}

/** The source of an error about a forwarded packet: the address routing picks toward its sender. */
function replySource(ns: NetNamespace, to: number): number | undefined {
  const r = ns.routes.lookup(to);
  const dev = r === undefined ? undefined : ns.devices.get(r.dev);
  return dev === undefined ? undefined : ns.sourceFor(dev, to, r?.src);
}

/** Per-destination token buckets for ICMP errors (inet_peer_xrlim_allow). */
export class IcmpRateLimiter {
  private readonly peers = new Map<number, { tokens: number; lastNs: number }>();

  /** Whether an error to `dst` may go now; spends a token when it may. */
  allow(dst: number, nowNs: number): boolean {
    const cap = ICMP_BURST * ICMP_RATELIMIT_NS;
    // A new peer starts a minute in the past (inet_getpeer), so its bucket starts full.
    const p = this.peers.get(dst) ?? { tokens: 0, lastNs: nowNs - 60_000_000_000 };
    const tokens = Math.min(cap, p.tokens + (nowNs - p.lastNs));
    const ok = tokens >= ICMP_RATELIMIT_NS;
    this.peers.set(dst, { tokens: ok ? tokens - ICMP_RATELIMIT_NS : tokens, lastNs: nowNs });
    return ok;
  }
}

/** TTL of a reply as the receiver sees it (for probes). */
export function ttlOf(frame: Uint8Array): number {
  return ipv4Ttl(frame, ETH_HEADER_LEN);
}
