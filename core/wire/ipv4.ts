/**
 * IPv4 headers (RFC 791): fields, fragmentation fields, options and the header checksum.
 *
 * Options are carried as raw bytes and skipped by IHL, never interpreted (Linux forwards
 * record-route and friends, but twinnet's model does not act on them). The reserved flag
 * bit is ignored on parse and written as zero (RFC 791 §3.1). Addresses are unsigned
 * 32-bit numbers as in core/addr.ts. A parsed Repr's `options` view the parsed buffer
 * (no copy). Not modelled: reassembly (see decode.ts), IPv6.
 */
import type { Ipv4 } from '../addr.js';
import { LINUX_DEFAULT_TTL } from '../linux-defaults.js';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { checksumVerifies, internetChecksum } from './checksum.js';
import { spanError, spanLen, WireError } from './error.js';

/** Offset of the version and IHL byte. */
export const IPV4_VER_IHL_OFF = 0;
/** Offset of the type-of-service byte (DSCP and ECN, RFC 2474 and RFC 3168). */
export const IPV4_TOS_OFF = 1;
/** Offset of the total length. */
export const IPV4_TOTAL_LEN_OFF = 2;
/** Offset of the identification. */
export const IPV4_ID_OFF = 4;
/** Offset of the flags and fragment offset word. */
export const IPV4_FLAGS_FRAG_OFF = 6;
/** Offset of the time to live. */
export const IPV4_TTL_OFF = 8;
/** Offset of the protocol. */
export const IPV4_PROTOCOL_OFF = 9;
/** Offset of the header checksum. */
export const IPV4_CHECKSUM_OFF = 10;
/** Offset of the source address. */
export const IPV4_SRC_OFF = 12;
/** Offset of the destination address. */
export const IPV4_DST_OFF = 16;
/** Length of a header without options (IHL 5). */
export const IPV4_HEADER_LEN = 20;
/** Length of a header with the most options IHL can say (IHL 15). */
export const IPV4_MAX_HEADER_LEN = 60;

/** The largest total length the 16-bit field can hold (RFC 791). */
export const IPV4_MAX_TOTAL_LEN = 0xffff;

/** Don't Fragment, in the flags word (RFC 791). */
export const IPV4_FLAG_DF = 0x4000;
/** More Fragments, in the flags word (RFC 791). */
export const IPV4_FLAG_MF = 0x2000;
/** The fragment offset bits of the flags word, in 8-byte units (RFC 791). */
export const IPV4_FRAG_MASK = 0x1fff;

/** Protocol number of ICMP (IANA). */
export const IPPROTO_ICMP = 1;
/** Protocol number of TCP (IANA). */
export const IPPROTO_TCP = 6;
/** Protocol number of UDP (IANA). */
export const IPPROTO_UDP = 17;
/** Linux's default TTL for packets it originates (ip-sysctl.rst, `ip_default_ttl`). */
export const DEFAULT_TTL = LINUX_DEFAULT_TTL;

/** The version field (4 for IPv4). */
export function ipv4Version(buf: Uint8Array, off: number): number {
  return buf[off + IPV4_VER_IHL_OFF]! >>> 4;
}

/** The header length in bytes (IHL × 4). */
export function ipv4HeaderLen(buf: Uint8Array, off: number): number {
  return (buf[off + IPV4_VER_IHL_OFF]! & 0x0f) << 2;
}

/** The type-of-service byte. */
export function ipv4Tos(buf: Uint8Array, off: number): number {
  return buf[off + IPV4_TOS_OFF]!;
}

/** The total length (header and payload) in bytes. */
export function ipv4TotalLen(buf: Uint8Array, off: number): number {
  return readU16(buf, off + IPV4_TOTAL_LEN_OFF);
}

/** The identification. */
export function ipv4Id(buf: Uint8Array, off: number): number {
  return readU16(buf, off + IPV4_ID_OFF);
}

/** Whether Don't Fragment is set. */
export function ipv4Df(buf: Uint8Array, off: number): boolean {
  return (readU16(buf, off + IPV4_FLAGS_FRAG_OFF) & IPV4_FLAG_DF) !== 0;
}

/** Whether More Fragments is set. */
export function ipv4Mf(buf: Uint8Array, off: number): boolean {
  return (readU16(buf, off + IPV4_FLAGS_FRAG_OFF) & IPV4_FLAG_MF) !== 0;
}

/** The fragment offset in bytes. */
export function ipv4FragOffset(buf: Uint8Array, off: number): number {
  return (readU16(buf, off + IPV4_FLAGS_FRAG_OFF) & IPV4_FRAG_MASK) << 3;
}

/** Whether the packet is a fragment (MF set or a non-zero offset). */
export function ipv4IsFragment(buf: Uint8Array, off: number): boolean {
  return (readU16(buf, off + IPV4_FLAGS_FRAG_OFF) & (IPV4_FLAG_MF | IPV4_FRAG_MASK)) !== 0;
}

/** The time to live. */
export function ipv4Ttl(buf: Uint8Array, off: number): number {
  return buf[off + IPV4_TTL_OFF]!;
}

/** Sets the time to live, leaving the checksum stale (see rewrite.ts for the incremental form). */
export function setIpv4Ttl(buf: Uint8Array, off: number, ttl: number): void {
  buf[off + IPV4_TTL_OFF] = ttl;
}

/** The protocol number. */
export function ipv4Protocol(buf: Uint8Array, off: number): number {
  return buf[off + IPV4_PROTOCOL_OFF]!;
}

/** The header checksum field. */
export function ipv4Checksum(buf: Uint8Array, off: number): number {
  return readU16(buf, off + IPV4_CHECKSUM_OFF);
}

/** Sets the header checksum field. */
export function setIpv4Checksum(buf: Uint8Array, off: number, cksum: number): void {
  writeU16(buf, off + IPV4_CHECKSUM_OFF, cksum);
}

/** The source address. */
export function ipv4Src(buf: Uint8Array, off: number): Ipv4 {
  return readU32(buf, off + IPV4_SRC_OFF);
}

/** Sets the source address, leaving the checksums stale (see rewrite.ts). */
export function setIpv4Src(buf: Uint8Array, off: number, addr: Ipv4): void {
  writeU32(buf, off + IPV4_SRC_OFF, addr);
}

/** The destination address. */
export function ipv4Dst(buf: Uint8Array, off: number): Ipv4 {
  return readU32(buf, off + IPV4_DST_OFF);
}

/** Sets the destination address, leaving the checksums stale (see rewrite.ts). */
export function setIpv4Dst(buf: Uint8Array, off: number, addr: Ipv4): void {
  writeU32(buf, off + IPV4_DST_OFF, addr);
}

/** Whether the header checksum verifies (RFC 791 §3.1). */
export function ipv4ChecksumOk(buf: Uint8Array, off: number): boolean {
  return checksumVerifies(buf, off, ipv4HeaderLen(buf, off));
}

/** Recomputes and stores the header checksum. */
export function fillIpv4Checksum(buf: Uint8Array, off: number): void {
  setIpv4Checksum(buf, off, 0);
  setIpv4Checksum(buf, off, internetChecksum(buf, off, ipv4HeaderLen(buf, off)));
}

/** An IPv4 header; `payloadLen` bytes of payload follow the header and options. */
export interface Ipv4Repr {
  readonly src: Ipv4;
  readonly dst: Ipv4;
  readonly protocol: number;
  readonly ttl: number;
  readonly id: number;
  readonly tos: number;
  readonly df: boolean;
  readonly mf: boolean;
  /** Fragment offset in bytes, a multiple of 8. */
  readonly fragOffset: number;
  /** Raw option bytes as on the wire (0 to 40, a multiple of 4 after padding). */
  readonly options: Uint8Array;
  readonly payloadLen: number;
  /** Set by parse: whether the header checksum verified. Emit ignores it. */
  readonly checksumOk?: boolean;
}

/** An empty option list, shared so that Reprs without options allocate nothing. */
export const NO_OPTIONS: Uint8Array = new Uint8Array(0);

/**
 * Reads a header at `off` without requiring its payload to be present: for the datagram
 * an ICMP error quotes (RFC 792), whose total length exceeds what is quoted.
 */
export function parseIpv4Header(buf: Uint8Array, off: number, len?: number): Ipv4Repr | WireError {
  const n = spanLen(buf, off, len);
  if (n < 0) return spanError('ipv4', off, len);
  if (n < IPV4_HEADER_LEN) return new WireError('ipv4', `${n} bytes is shorter than a ${IPV4_HEADER_LEN}-byte header`);
  if (ipv4Version(buf, off) !== 4) return new WireError('ipv4', `version ${ipv4Version(buf, off)} is not 4`);
  const hl = ipv4HeaderLen(buf, off);
  if (hl < IPV4_HEADER_LEN) return new WireError('ipv4', `header length ${hl} is below ${IPV4_HEADER_LEN} (RFC 791)`);
  if (hl > n) return new WireError('ipv4', `header length ${hl} exceeds the ${n} bytes present`);
  const total = ipv4TotalLen(buf, off);
  if (total < hl) return new WireError('ipv4', `total length ${total} is below the header length ${hl}`);
  return {
    src: ipv4Src(buf, off),
    dst: ipv4Dst(buf, off),
    protocol: ipv4Protocol(buf, off),
    ttl: ipv4Ttl(buf, off),
    id: ipv4Id(buf, off),
    tos: ipv4Tos(buf, off),
    df: ipv4Df(buf, off),
    mf: ipv4Mf(buf, off),
    fragOffset: ipv4FragOffset(buf, off),
    options: hl === IPV4_HEADER_LEN ? NO_OPTIONS : buf.subarray(off + IPV4_HEADER_LEN, off + hl),
    payloadLen: total - hl,
    checksumOk: checksumVerifies(buf, off, hl),
  };
}

/**
 * Reads a whole packet at `off`: the header, and a payload of total length present in `len` bytes
 * (the rest is link padding).
 */
export function parseIpv4(buf: Uint8Array, off: number, len?: number): Ipv4Repr | WireError {
  const r = parseIpv4Header(buf, off, len);
  if (r instanceof WireError) return r;
  const n = spanLen(buf, off, len);
  const total = ipv4TotalLen(buf, off);
  if (total > n) return new WireError('ipv4', `total length ${total} exceeds the ${n} bytes present`);
  return r;
}

/** Bytes the header takes, options padded to a multiple of 4. */
export function ipv4HeaderLenOf(repr: Ipv4Repr): number {
  return IPV4_HEADER_LEN + ((repr.options.length + 3) & ~3);
}

/** Bytes the whole packet needs: header, options and payload (its total length). */
export function ipv4Len(repr: Ipv4Repr): number {
  return ipv4HeaderLenOf(repr) + repr.payloadLen;
}

/**
 * Writes the header and options at `off` and fills the checksum; the payload is the caller's.
 * Throws RangeError past 40 option bytes or 65535 in all.
 */
export function emitIpv4(repr: Ipv4Repr, buf: Uint8Array, off: number): void {
  const hl = ipv4HeaderLenOf(repr);
  if (hl > IPV4_MAX_HEADER_LEN) throw new RangeError(`wire: ${repr.options.length} bytes of IPv4 options exceed 40`);
  if (hl + repr.payloadLen > IPV4_MAX_TOTAL_LEN)
    throw new RangeError(`wire: IPv4 total length ${hl + repr.payloadLen} exceeds 65535`);
  buf[off + IPV4_VER_IHL_OFF] = 0x40 | (hl >>> 2);
  buf[off + IPV4_TOS_OFF] = repr.tos;
  writeU16(buf, off + IPV4_TOTAL_LEN_OFF, hl + repr.payloadLen);
  writeU16(buf, off + IPV4_ID_OFF, repr.id);
  const flags = (repr.df ? IPV4_FLAG_DF : 0) | (repr.mf ? IPV4_FLAG_MF : 0);
  writeU16(buf, off + IPV4_FLAGS_FRAG_OFF, flags | ((repr.fragOffset >>> 3) & IPV4_FRAG_MASK));
  buf[off + IPV4_TTL_OFF] = repr.ttl;
  buf[off + IPV4_PROTOCOL_OFF] = repr.protocol;
  writeU32(buf, off + IPV4_SRC_OFF, repr.src);
  writeU32(buf, off + IPV4_DST_OFF, repr.dst);
  // Most headers carry no options: skip two builtin calls that would copy and pad nothing.
  if (hl > IPV4_HEADER_LEN) {
    buf.set(repr.options, off + IPV4_HEADER_LEN);
    buf.fill(0, off + IPV4_HEADER_LEN + repr.options.length, off + hl);
  }
  setIpv4Checksum(buf, off, 0);
  setIpv4Checksum(buf, off, internetChecksum(buf, off, hl));
}
