/**
 * ICMPv4 (RFC 792): echo request and reply, destination unreachable, time exceeded.
 *
 * Errors carry the offending datagram's IPv4 header and at least 8 bytes of its payload
 * (RFC 792), and parse rejects a quote shorter than that, as Linux's icmp_unreach does.
 * Routers quote as much as fits in 576 bytes (RFC 1812 §4.3.2.3; measured: Linux quotes
 * 548 bytes). Fragmentation needed carries the next-hop MTU (RFC 1191 §4). A parsed
 * Repr's `data` or `quoted` views the parsed buffer (no copy). Not modelled:
 * redirect, source quench, parameter problem, timestamps, the RFC 4884 length field.
 */
import { readU16, writeU16 } from './bytes.js';
import { checksumVerifies, internetChecksum } from './checksum.js';
import { spanError, spanLen, WireError } from './error.js';
import { IPV4_HEADER_LEN } from './ipv4.js';

/** Offset of the type. */
export const ICMP_TYPE_OFF = 0;
/** Offset of the code. */
export const ICMP_CODE_OFF = 1;
/** Offset of the checksum. */
export const ICMP_CHECKSUM_OFF = 2;
/** Offset of an echo identifier. */
export const ICMP_ID_OFF = 4;
/** Offset of an echo sequence number. */
export const ICMP_SEQ_OFF = 6;
/** Offset of the next-hop MTU in a fragmentation-needed message (RFC 1191 §4). */
export const ICMP_MTU_OFF = 6;
/** Length of the ICMP header; echo data or the quoted datagram follows. */
export const ICMP_HEADER_LEN = 8;
/** The largest ICMP error datagram a router sends, IP header included (RFC 1812 §4.3.2.3). */
export const ICMP_ERROR_MAX_DATAGRAM = 576;
/** The most bytes of the original datagram an error quotes: 576 - 20 - 8 (measured on Linux too). */
export const ICMP_ERROR_MAX_QUOTE = ICMP_ERROR_MAX_DATAGRAM - IPV4_HEADER_LEN - ICMP_HEADER_LEN;
/** The least an error quotes: the IP header and 64 bits of its payload (RFC 792). */
export const ICMP_ERROR_MIN_QUOTE = IPV4_HEADER_LEN + 8;
/** The TOS Linux gives the errors it sends: precedence "internetwork control" (net/ipv4/icmp.c). */
export const ICMP_ERROR_TOS = 0xc0;

/** Type: echo reply (RFC 792). */
export const ICMP_ECHO_REPLY = 0;
/** Type: destination unreachable (RFC 792). */
export const ICMP_DEST_UNREACH = 3;
/** Type: echo request (RFC 792). */
export const ICMP_ECHO_REQUEST = 8;
/** Type: time exceeded (RFC 792). */
export const ICMP_TIME_EXCEEDED = 11;

/** Unreachable code: net unreachable (RFC 792). */
export const UNREACH_NET = 0;
/** Unreachable code: host unreachable (RFC 792). */
export const UNREACH_HOST = 1;
/** Unreachable code: protocol unreachable (RFC 792). */
export const UNREACH_PROTOCOL = 2;
/** Unreachable code: port unreachable (RFC 792). */
export const UNREACH_PORT = 3;
/** Unreachable code: fragmentation needed and DF set (RFC 792, RFC 1191). */
export const UNREACH_FRAG_NEEDED = 4;
/** Unreachable code: source route failed (RFC 792). */
export const UNREACH_SOURCE_ROUTE = 5;
/** Unreachable code: destination network unknown (RFC 1122 §3.2.2.1). */
export const UNREACH_NET_UNKNOWN = 6;
/** Unreachable code: destination host unknown (RFC 1122 §3.2.2.1). */
export const UNREACH_HOST_UNKNOWN = 7;
/** Unreachable code: communication administratively prohibited (RFC 1812 §5.2.7.1; iptables REJECT). */
export const UNREACH_ADMIN_PROHIBITED = 13;
/** Time exceeded code: TTL exceeded in transit (RFC 792). */
export const TIME_EXCEEDED_TTL = 0;
/** Time exceeded code: fragment reassembly time exceeded (RFC 792). */
export const TIME_EXCEEDED_REASSEMBLY = 1;

/** The type. */
export function icmpType(buf: Uint8Array, off: number): number {
  return buf[off + ICMP_TYPE_OFF]!;
}

/** The code. */
export function icmpCode(buf: Uint8Array, off: number): number {
  return buf[off + ICMP_CODE_OFF]!;
}

/** The checksum field. */
export function icmpChecksum(buf: Uint8Array, off: number): number {
  return readU16(buf, off + ICMP_CHECKSUM_OFF);
}

/** The echo identifier. */
export function icmpEchoId(buf: Uint8Array, off: number): number {
  return readU16(buf, off + ICMP_ID_OFF);
}

/** Sets the echo identifier, leaving the checksum stale (see rewrite.ts). */
export function setIcmpEchoId(buf: Uint8Array, off: number, id: number): void {
  writeU16(buf, off + ICMP_ID_OFF, id);
}

/** The echo sequence number. */
export function icmpEchoSeq(buf: Uint8Array, off: number): number {
  return readU16(buf, off + ICMP_SEQ_OFF);
}

/** The next-hop MTU of a fragmentation-needed message (0 from pre-RFC 1191 routers). */
export function icmpNextHopMtu(buf: Uint8Array, off: number): number {
  return readU16(buf, off + ICMP_MTU_OFF);
}

/** Whether the checksum over the `len`-byte message verifies. */
export function icmpChecksumOk(buf: Uint8Array, off: number, len: number): boolean {
  return checksumVerifies(buf, off, len);
}

/** Recomputes and stores the checksum over the `len`-byte message. */
export function fillIcmpChecksum(buf: Uint8Array, off: number, len: number): void {
  writeU16(buf, off + ICMP_CHECKSUM_OFF, 0);
  writeU16(buf, off + ICMP_CHECKSUM_OFF, internetChecksum(buf, off, len));
}

/** An echo request or reply with its data. */
export interface IcmpEchoRepr {
  readonly kind: 'echo-request' | 'echo-reply';
  readonly id: number;
  readonly seq: number;
  readonly data: Uint8Array;
  /** Set by parse: whether the checksum verified. Emit ignores it. */
  readonly checksumOk?: boolean;
}

/** A destination unreachable with its code, next-hop MTU (code 4; else 0) and the quoted datagram. */
export interface IcmpUnreachRepr {
  readonly kind: 'dest-unreachable';
  readonly code: number;
  readonly nextHopMtu: number;
  readonly quoted: Uint8Array;
  /** Set by parse: whether the checksum verified. Emit ignores it. */
  readonly checksumOk?: boolean;
}

/** A time exceeded with its code and the quoted datagram. */
export interface IcmpTimeExceededRepr {
  readonly kind: 'time-exceeded';
  readonly code: number;
  readonly quoted: Uint8Array;
  /** Set by parse: whether the checksum verified. Emit ignores it. */
  readonly checksumOk?: boolean;
}

/** The ICMP messages twinnet models. */
export type IcmpRepr = IcmpEchoRepr | IcmpUnreachRepr | IcmpTimeExceededRepr;

/** Why a quote is not an IPv4 header plus 8 bytes (RFC 792), or undefined when it is. */
function badQuote(buf: Uint8Array, at: number, n: number): string | undefined {
  if (n < ICMP_ERROR_MIN_QUOTE) return `quotes ${n} bytes, fewer than an IPv4 header and 8 bytes (RFC 792)`;
  const vihl = buf[at]!;
  if (vihl >>> 4 !== 4) return `quoted datagram has IP version ${vihl >>> 4}`;
  const hl = (vihl & 0x0f) << 2;
  if (hl < IPV4_HEADER_LEN || hl + 8 > n)
    return `quoted header length ${hl} leaves fewer than 8 of ${n} bytes (RFC 792)`;
  return undefined;
}

/** Reads an ICMP message of `len` bytes (default: the rest of the buffer) at `off`. */
export function parseIcmp(buf: Uint8Array, off: number, len?: number): IcmpRepr | WireError {
  const n = spanLen(buf, off, len);
  if (n < 0) return spanError('icmp', off, len);
  if (n < ICMP_HEADER_LEN)
    return new WireError('icmp', `${n} bytes is shorter than the ${ICMP_HEADER_LEN}-byte header`);
  const type = icmpType(buf, off);
  const code = icmpCode(buf, off);
  const checksumOk = checksumVerifies(buf, off, n);
  const rest = buf.subarray(off + ICMP_HEADER_LEN, off + n);
  if (type === ICMP_ECHO_REQUEST || type === ICMP_ECHO_REPLY) {
    if (code !== 0) return new WireError('icmp', `echo with code ${code}, not 0 (RFC 792)`);
    const kind = type === ICMP_ECHO_REQUEST ? 'echo-request' : 'echo-reply';
    return { kind, id: icmpEchoId(buf, off), seq: icmpEchoSeq(buf, off), data: rest, checksumOk };
  }
  if (type !== ICMP_DEST_UNREACH && type !== ICMP_TIME_EXCEEDED)
    return new WireError('icmp', `unsupported type ${type}`);
  const bad = badQuote(buf, off + ICMP_HEADER_LEN, rest.length);
  if (bad !== undefined) return new WireError('icmp', bad);
  if (type === ICMP_TIME_EXCEEDED) return { kind: 'time-exceeded', code, quoted: rest, checksumOk };
  return { kind: 'dest-unreachable', code, nextHopMtu: icmpNextHopMtu(buf, off), quoted: rest, checksumOk };
}

/** The bytes after the ICMP header: echo data or the quoted datagram. */
export function icmpBody(repr: IcmpRepr): Uint8Array {
  return 'data' in repr ? repr.data : repr.quoted;
}

/** Bytes the message needs: the header and its data or quote. */
export function icmpLen(repr: IcmpRepr): number {
  return ICMP_HEADER_LEN + icmpBody(repr).length;
}

/** Writes the whole message, data or quote included, at `off` and fills the checksum. */
export function emitIcmp(repr: IcmpRepr, buf: Uint8Array, off: number): void {
  switch (repr.kind) {
    case 'echo-request':
    case 'echo-reply':
      buf[off + ICMP_TYPE_OFF] = repr.kind === 'echo-request' ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY;
      buf[off + ICMP_CODE_OFF] = 0;
      writeU16(buf, off + ICMP_ID_OFF, repr.id);
      writeU16(buf, off + ICMP_SEQ_OFF, repr.seq);
      buf.set(repr.data, off + ICMP_HEADER_LEN);
      break;
    case 'dest-unreachable':
      buf[off + ICMP_TYPE_OFF] = ICMP_DEST_UNREACH;
      buf[off + ICMP_CODE_OFF] = repr.code;
      writeU16(buf, off + 4, 0); // unused (RFC 792); RFC 1191 uses only the low half
      writeU16(buf, off + ICMP_MTU_OFF, repr.nextHopMtu);
      buf.set(repr.quoted, off + ICMP_HEADER_LEN);
      break;
    case 'time-exceeded':
      buf[off + ICMP_TYPE_OFF] = ICMP_TIME_EXCEEDED;
      buf[off + ICMP_CODE_OFF] = repr.code;
      buf.fill(0, off + 4, off + ICMP_HEADER_LEN); // unused (RFC 792)
      buf.set(repr.quoted, off + ICMP_HEADER_LEN);
      break;
  }
  fillIcmpChecksum(buf, off, icmpLen(repr));
}

/** How many bytes of an `ipLen`-byte datagram an error quotes (RFC 1812 §4.3.2.3). */
export function icmpQuoteLen(ipLen: number): number {
  return Math.min(ipLen, ICMP_ERROR_MAX_QUOTE);
}
