/**
 * In-place header rewrites that keep every checksum right without recomputing it:
 * a router's TTL decrement and NAT's address, port and ICMP echo id rewrites.
 *
 * Each edit adjusts the covering checksums by RFC 1624 eqn. 3: the IPv4 header checksum
 * for TTL and addresses, and the UDP/TCP checksum for addresses (pseudo-header) and
 * ports. A UDP checksum of 0 ("none", RFC 768) is left alone, and an adjusted 0 is sent
 * as 0xffff. Transport checksums are touched only in an unfragmented packet or a first
 * fragment whose transport checksum field was captured. Callers validate the packet
 * first (parseIpv4); the functions assume a well-formed header at `ipOff`.
 */
import type { Ipv4 } from '../addr.js';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { checksumAdjust16, checksumAdjust32, udpWireChecksum } from './checksum.js';
import { ICMP_CHECKSUM_OFF, ICMP_ID_OFF } from './icmpv4.js';
import {
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPV4_CHECKSUM_OFF,
  IPV4_DST_OFF,
  IPV4_SRC_OFF,
  IPV4_TTL_OFF,
  ipv4FragOffset,
  ipv4HeaderLen,
  ipv4Protocol,
} from './ipv4.js';
import { TCP_CHECKSUM_OFF } from './tcp.js';
import { UDP_CHECKSUM_OFF } from './udp.js';

function adjustIpv4Checksum16(buf: Uint8Array, ipOff: number, oldWord: number, newWord: number): void {
  const at = ipOff + IPV4_CHECKSUM_OFF;
  writeU16(buf, at, checksumAdjust16(readU16(buf, at), oldWord, newWord));
}

/**
 * Decrements the TTL (which must be at least 1) and adjusts the header checksum (RFC 1812 §5.3.1,
 * RFC 1624); returns the new TTL.
 */
export function decrementTtl(buf: Uint8Array, ipOff: number): number {
  const at = ipOff + IPV4_TTL_OFF;
  const oldWord = readU16(buf, at); // TTL and protocol share one 16-bit word
  const ttl = (buf[at]! - 1) & 0xff;
  buf[at] = ttl;
  adjustIpv4Checksum16(buf, ipOff, oldWord, readU16(buf, at));
  return ttl;
}

/**
 * Where the transport checksum lives, or -1 when there is none to adjust (not UDP/TCP, a later
 * fragment, UDP without checksum, out of the buffer).
 */
function l4ChecksumAt(buf: Uint8Array, ipOff: number): number {
  if (ipv4FragOffset(buf, ipOff) !== 0) return -1;
  const l4 = ipOff + ipv4HeaderLen(buf, ipOff);
  const proto = ipv4Protocol(buf, ipOff);
  const at = proto === IPPROTO_UDP ? l4 + UDP_CHECKSUM_OFF : proto === IPPROTO_TCP ? l4 + TCP_CHECKSUM_OFF : -1;
  if (at < 0 || at + 2 > buf.length) return -1;
  return proto === IPPROTO_UDP && readU16(buf, at) === 0 ? -1 : at;
}

function adjustL4(buf: Uint8Array, ipOff: number, adjust: (cksum: number) => number): void {
  const at = l4ChecksumAt(buf, ipOff);
  if (at < 0) return;
  const c = adjust(readU16(buf, at));
  writeU16(buf, at, ipv4Protocol(buf, ipOff) === IPPROTO_UDP ? udpWireChecksum(c) : c);
}

function rewriteAddr(buf: Uint8Array, ipOff: number, fieldOff: number, addr: Ipv4): void {
  const at = ipOff + fieldOff;
  const old = readU32(buf, at);
  writeU32(buf, at, addr);
  const ck = ipOff + IPV4_CHECKSUM_OFF;
  writeU16(buf, ck, checksumAdjust32(readU16(buf, ck), old, addr));
  adjustL4(buf, ipOff, (c) => checksumAdjust32(c, old, addr));
}

/** Rewrites the source address (SNAT, masquerade) and adjusts the IPv4 and UDP/TCP checksums. */
export function rewriteIpv4Src(buf: Uint8Array, ipOff: number, addr: Ipv4): void {
  rewriteAddr(buf, ipOff, IPV4_SRC_OFF, addr);
}

/** Rewrites the destination address (DNAT) and adjusts the IPv4 and UDP/TCP checksums. */
export function rewriteIpv4Dst(buf: Uint8Array, ipOff: number, addr: Ipv4): void {
  rewriteAddr(buf, ipOff, IPV4_DST_OFF, addr);
}

function rewritePort(buf: Uint8Array, ipOff: number, portOff: number, port: number): void {
  const proto = ipv4Protocol(buf, ipOff);
  if ((proto !== IPPROTO_UDP && proto !== IPPROTO_TCP) || ipv4FragOffset(buf, ipOff) !== 0) return;
  const at = ipOff + ipv4HeaderLen(buf, ipOff) + portOff;
  const old = readU16(buf, at);
  writeU16(buf, at, port);
  adjustL4(buf, ipOff, (c) => checksumAdjust16(c, old, port));
}

/** Rewrites a UDP/TCP source port and adjusts its checksum; a no-op for other protocols and later fragments. */
export function rewriteL4SrcPort(buf: Uint8Array, ipOff: number, port: number): void {
  rewritePort(buf, ipOff, 0, port);
}

/** Rewrites a UDP/TCP destination port and adjusts its checksum; a no-op for other protocols and later fragments. */
export function rewriteL4DstPort(buf: Uint8Array, ipOff: number, port: number): void {
  rewritePort(buf, ipOff, 2, port);
}

/** Rewrites an ICMP echo identifier (NAT's "port" for ping) at `icmpOff` and adjusts the ICMP checksum. */
export function rewriteIcmpEchoId(buf: Uint8Array, icmpOff: number, id: number): void {
  const old = readU16(buf, icmpOff + ICMP_ID_OFF);
  writeU16(buf, icmpOff + ICMP_ID_OFF, id);
  const ck = icmpOff + ICMP_CHECKSUM_OFF;
  writeU16(buf, ck, checksumAdjust16(readU16(buf, ck), old, id));
}
