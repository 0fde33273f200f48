/**
 * What netfilter reads from a packet, taken from its bytes once per hook: addresses,
 * protocol, fragment offset, and the transport fields matches and conntrack use (ports,
 * TCP flags, ICMP type, code and echo identifier). A later fragment has no transport
 * header, so its ports read as absent, as in the kernel (xt_tcpudp does not match
 * fragments with an offset).
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { icmpCode, icmpEchoId, icmpType } from '../../core/wire/icmpv4.js';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipv4Dst,
  ipv4FragOffset,
  ipv4HeaderLen,
  ipv4Mf,
  ipv4Protocol,
  ipv4Src,
  ipv4TotalLen,
} from '../../core/wire/ipv4.js';
import { tcpDstPort, tcpFlags, tcpSrcPort } from '../../core/wire/tcp.js';
import { udpDstPort, udpSrcPort } from '../../core/wire/udp.js';

export interface PacketView {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  /** Offset in 8-byte units; 0 for an unfragmented packet or a first fragment. */
  readonly fragOffset: number;
  readonly moreFragments: boolean;
  /** Where the transport header starts in the frame. */
  readonly l4: number;
  /** Whether the transport header's first 8 bytes are present (not a later fragment, not truncated). */
  readonly hasL4: boolean;
  readonly sport: number;
  readonly dport: number;
  readonly tcpFlags: number;
  readonly icmpType: number;
  readonly icmpCode: number;
  readonly icmpId: number;
  readonly totalLen: number;
}

/** Reads an IPv4 header at `ip` (14 for a frame; the inner packet of an ICMP error elsewhere). */
export function viewPacket(frame: Uint8Array, ip = ETH_HEADER_LEN): PacketView {
  const proto = ipv4Protocol(frame, ip);
  const fragOffset = ipv4FragOffset(frame, ip);
  const l4 = ip + ipv4HeaderLen(frame, ip);
  const hasL4 = fragOffset === 0 && l4 + 8 <= frame.length;
  const tcp = hasL4 && proto === IPPROTO_TCP;
  const udp = hasL4 && proto === IPPROTO_UDP;
  const icmp = hasL4 && proto === IPPROTO_ICMP;
  return {
    src: ipv4Src(frame, ip),
    dst: ipv4Dst(frame, ip),
    proto,
    fragOffset,
    moreFragments: ipv4Mf(frame, ip),
    l4,
    hasL4,
    sport: tcp ? tcpSrcPort(frame, l4) : udp ? udpSrcPort(frame, l4) : 0,
    dport: tcp ? tcpDstPort(frame, l4) : udp ? udpDstPort(frame, l4) : 0,
    tcpFlags: tcp && l4 + 14 <= frame.length ? tcpFlags(frame, l4) : 0,
    icmpType: icmp ? icmpType(frame, l4) : -1,
    icmpCode: icmp ? icmpCode(frame, l4) : -1,
    icmpId: icmp ? icmpEchoId(frame, l4) : 0,
    totalLen: ipv4TotalLen(frame, ip),
  };
}

/** ICMP types that report an error about a datagram and quote it (RFC 792). */
export const ICMP_ERROR_TYPES: ReadonlySet<number> = new Set([3, 4, 5, 11, 12]);

/** ICMP query types conntrack tracks, with their reply type (nf_conntrack_proto_icmp.c invmap). */
export const ICMP_QUERY_REPLY: ReadonlyMap<number, number> = new Map([
  [8, 0],
  [13, 14],
  [15, 16],
  [17, 18],
  [0, 8],
  [14, 13],
  [16, 15],
  [18, 17],
]);
