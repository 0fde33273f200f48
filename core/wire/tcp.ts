/**
 * TCP headers (RFC 9293 §3.1): ports, sequence numbers, flags, window, checksum, options.
 *
 * Only the header: no state machine (the simulator's sockets own that). The MSS option
 * (kind 2, RFC 9293 §3.2) is read into `mss`; every other option (EOL, NOP, window scale,
 * SACK-permitted, SACK, timestamps, RFC 7323 and RFC 2018, or unknown kinds) is kept as
 * raw bytes (a view of the parsed buffer) and skipped by its length. An option whose
 * length is below 2 or overruns the header makes the segment malformed (Linux's
 * tcp_parse_options instead stops reading options there). The reserved bits and the
 * AE/NS bit (RFC 3540, historic) are ignored on parse and written as zero. Not
 * modelled: urgent-data semantics.
 */
import type { Ipv4 } from '../addr.js';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { checksumVerifies, internetChecksum, pseudoHeaderSum } from './checksum.js';
import { spanError, spanLen, WireError } from './error.js';
import { IPPROTO_TCP } from './ipv4.js';

/** Offset of the source port. */
export const TCP_SRC_PORT_OFF = 0;
/** Offset of the destination port. */
export const TCP_DST_PORT_OFF = 2;
/** Offset of the sequence number. */
export const TCP_SEQ_OFF = 4;
/** Offset of the acknowledgment number. */
export const TCP_ACK_OFF = 8;
/** Offset of the data offset (high nibble). */
export const TCP_DATA_OFF_OFF = 12;
/** Offset of the flags byte (CWR..FIN). */
export const TCP_FLAGS_OFF = 13;
/** Offset of the window. */
export const TCP_WINDOW_OFF = 14;
/** Offset of the checksum. */
export const TCP_CHECKSUM_OFF = 16;
/** Offset of the urgent pointer. */
export const TCP_URGENT_OFF = 18;
/** Length of a header without options. */
export const TCP_HEADER_LEN = 20;
/** Length of a header with the most options the data offset can say. */
export const TCP_MAX_HEADER_LEN = 60;

/** Flag FIN (RFC 9293). */
export const TCP_FIN = 0x01;
/** Flag SYN (RFC 9293). */
export const TCP_SYN = 0x02;
/** Flag RST (RFC 9293). */
export const TCP_RST = 0x04;
/** Flag PSH (RFC 9293). */
export const TCP_PSH = 0x08;
/** Flag ACK (RFC 9293). */
export const TCP_ACK = 0x10;
/** Flag URG (RFC 9293). */
export const TCP_URG = 0x20;
/** Flag ECE (RFC 3168). */
export const TCP_ECE = 0x40;
/** Flag CWR (RFC 3168). */
export const TCP_CWR = 0x80;

/** Option kind: end of option list. */
export const TCPOPT_EOL = 0;
/** Option kind: no-operation. */
export const TCPOPT_NOP = 1;
/** Option kind: maximum segment size (RFC 9293 §3.2). */
export const TCPOPT_MSS = 2;
/** Option kind: window scale (RFC 7323 §2). */
export const TCPOPT_WSCALE = 3;
/** Option kind: SACK permitted (RFC 2018). */
export const TCPOPT_SACK_PERMITTED = 4;
/** Option kind: SACK blocks (RFC 2018). */
export const TCPOPT_SACK = 5;
/** Option kind: timestamps (RFC 7323 §3). */
export const TCPOPT_TIMESTAMPS = 8;

/** The source port. */
export function tcpSrcPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off + TCP_SRC_PORT_OFF);
}

/** Sets the source port, leaving the checksum stale (see rewrite.ts). */
export function setTcpSrcPort(buf: Uint8Array, off: number, port: number): void {
  writeU16(buf, off + TCP_SRC_PORT_OFF, port);
}

/** The destination port. */
export function tcpDstPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off + TCP_DST_PORT_OFF);
}

/** Sets the destination port, leaving the checksum stale (see rewrite.ts). */
export function setTcpDstPort(buf: Uint8Array, off: number, port: number): void {
  writeU16(buf, off + TCP_DST_PORT_OFF, port);
}

/** The sequence number (unsigned 32-bit). */
export function tcpSeq(buf: Uint8Array, off: number): number {
  return readU32(buf, off + TCP_SEQ_OFF);
}

/** The acknowledgment number (unsigned 32-bit). */
export function tcpAck(buf: Uint8Array, off: number): number {
  return readU32(buf, off + TCP_ACK_OFF);
}

/** The header length in bytes (data offset × 4). */
export function tcpHeaderLen(buf: Uint8Array, off: number): number {
  return (buf[off + TCP_DATA_OFF_OFF]! >>> 4) << 2;
}

/** The flags byte (CWR ECE URG ACK PSH RST SYN FIN). */
export function tcpFlags(buf: Uint8Array, off: number): number {
  return buf[off + TCP_FLAGS_OFF]!;
}

/** The window (unscaled). */
export function tcpWindow(buf: Uint8Array, off: number): number {
  return readU16(buf, off + TCP_WINDOW_OFF);
}

/** The checksum field. */
export function tcpChecksum(buf: Uint8Array, off: number): number {
  return readU16(buf, off + TCP_CHECKSUM_OFF);
}

/** The urgent pointer. */
export function tcpUrgent(buf: Uint8Array, off: number): number {
  return readU16(buf, off + TCP_URGENT_OFF);
}

/**
 * Calls `visit(kind, at, len)` for each option in `buf[start..end)` until EOL; returns
 * false when an option's length is below 2 or runs past `end` (malformed).
 */
export function walkTcpOptions(
  buf: Uint8Array,
  start: number,
  end: number,
  visit: (kind: number, at: number, len: number) => void,
): boolean {
  let i = start;
  while (i < end) {
    const kind = buf[i]!;
    if (kind === TCPOPT_EOL) return true;
    if (kind === TCPOPT_NOP) {
      visit(kind, i, 1);
      i += 1;
      continue;
    }
    const len = buf[i + 1];
    if (len === undefined || len < 2 || i + len > end) return false;
    visit(kind, i, len);
    i += len;
  }
  return true;
}

/** The MSS option's value, or -1 when absent or malformed. */
export function tcpMss(buf: Uint8Array, off: number): number {
  let mss = -1;
  const ok = walkTcpOptions(buf, off + TCP_HEADER_LEN, off + tcpHeaderLen(buf, off), (kind, at, len) => {
    if (kind === TCPOPT_MSS && len === 4 && mss < 0) mss = readU16(buf, at + 2);
  });
  return ok ? mss : -1;
}

/** Whether the segment carries SACK-permitted (RFC 2018), as a SYN offering SACK does. */
export function tcpSackPermitted(buf: Uint8Array, off: number): boolean {
  let found = false;
  walkTcpOptions(buf, off + TCP_HEADER_LEN, off + tcpHeaderLen(buf, off), (kind, _at, len) => {
    if (kind === TCPOPT_SACK_PERMITTED && len === 2) found = true;
  });
  return found;
}

/** Whether the checksum over the `len`-byte segment verifies. */
export function tcpChecksumOk(buf: Uint8Array, off: number, len: number, src: Ipv4, dst: Ipv4): boolean {
  return checksumVerifies(buf, off, len, pseudoHeaderSum(src, dst, IPPROTO_TCP, len));
}

/** Recomputes and stores the checksum over the `len`-byte segment. */
export function fillTcpChecksum(buf: Uint8Array, off: number, len: number, src: Ipv4, dst: Ipv4): void {
  writeU16(buf, off + TCP_CHECKSUM_OFF, 0);
  writeU16(buf, off + TCP_CHECKSUM_OFF, internetChecksum(buf, off, len, pseudoHeaderSum(src, dst, IPPROTO_TCP, len)));
}

/** A TCP header; `payloadLen` bytes of data follow the header and options. */
export interface TcpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly urgent: number;
  /** The MSS option, written first among the options; undefined when absent. */
  readonly mss?: number | undefined;
  /** Raw bytes of every other option, in wire order (padding included). */
  readonly options: Uint8Array;
  readonly payloadLen: number;
  /** Set by parse: whether the checksum verified. Emit ignores it. */
  readonly checksumOk?: boolean;
}

/** Splits the first MSS option out of the option bytes; undefined when an option is malformed. */
function splitMss(buf: Uint8Array, start: number, end: number): { mss?: number; options: Uint8Array } | undefined {
  let at = -1;
  let mssLenOk = true;
  const ok = walkTcpOptions(buf, start, end, (kind, i, len) => {
    if (kind !== TCPOPT_MSS || at >= 0) return;
    at = i;
    mssLenOk = len === 4;
  });
  if (!ok || !mssLenOk) return undefined;
  if (at < 0) return { options: buf.subarray(start, end) };
  const mss = readU16(buf, at + 2);
  if (at === start) return { mss, options: buf.subarray(start + 4, end) };
  const rest = new Uint8Array(end - start - 4);
  rest.set(buf.subarray(start, at));
  rest.set(buf.subarray(at + 4, end), at - start);
  return { mss, options: rest };
}

/** Reads a segment of `len` bytes (the IP payload) at `off`, verifying against `src`/`dst`. */
export function parseTcp(
  buf: Uint8Array,
  off: number,
  len: number | undefined,
  src: Ipv4,
  dst: Ipv4,
): TcpRepr | WireError {
  const n = spanLen(buf, off, len);
  if (n < 0) return spanError('tcp', off, len);
  if (n < TCP_HEADER_LEN) return new WireError('tcp', `${n} bytes is shorter than the ${TCP_HEADER_LEN}-byte header`);
  const hl = tcpHeaderLen(buf, off);
  if (hl < TCP_HEADER_LEN) return new WireError('tcp', `data offset ${hl} is below ${TCP_HEADER_LEN}`);
  if (hl > n) return new WireError('tcp', `data offset ${hl} exceeds the ${n} bytes present`);
  const opts = splitMss(buf, off + TCP_HEADER_LEN, off + hl);
  if (opts === undefined) return new WireError('tcp', 'malformed option length');
  return {
    srcPort: tcpSrcPort(buf, off),
    dstPort: tcpDstPort(buf, off),
    seq: tcpSeq(buf, off),
    ack: tcpAck(buf, off),
    flags: tcpFlags(buf, off),
    window: tcpWindow(buf, off),
    urgent: tcpUrgent(buf, off),
    mss: opts.mss,
    options: opts.options,
    payloadLen: n - hl,
    checksumOk: tcpChecksumOk(buf, off, n, src, dst),
  };
}

/** Bytes the header takes: 20, the MSS option, other options, padded to a multiple of 4. */
export function tcpHeaderLenOf(repr: TcpRepr): number {
  return TCP_HEADER_LEN + (((repr.mss === undefined ? 0 : 4) + repr.options.length + 3) & ~3);
}

/** Bytes the segment needs: header, options and data. */
export function tcpLen(repr: TcpRepr): number {
  return tcpHeaderLenOf(repr) + repr.payloadLen;
}

/**
 * Writes the header and options at `off` and fills the checksum over the data, which must already
 * be in place. Throws RangeError past 40 option bytes.
 */
export function emitTcp(repr: TcpRepr, buf: Uint8Array, off: number, src: Ipv4, dst: Ipv4): void {
  const hl = tcpHeaderLenOf(repr);
  if (hl > TCP_MAX_HEADER_LEN) throw new RangeError('wire: TCP options exceed 40 bytes');
  writeU16(buf, off + TCP_SRC_PORT_OFF, repr.srcPort);
  writeU16(buf, off + TCP_DST_PORT_OFF, repr.dstPort);
  writeU32(buf, off + TCP_SEQ_OFF, repr.seq);
  writeU32(buf, off + TCP_ACK_OFF, repr.ack);
  buf[off + TCP_DATA_OFF_OFF] = (hl >>> 2) << 4;
  buf[off + TCP_FLAGS_OFF] = repr.flags;
  writeU16(buf, off + TCP_WINDOW_OFF, repr.window);
  writeU16(buf, off + TCP_URGENT_OFF, repr.urgent);
  let i = off + TCP_HEADER_LEN;
  if (repr.mss !== undefined) {
    buf[i] = TCPOPT_MSS;
    buf[i + 1] = 4;
    writeU16(buf, i + 2, repr.mss);
    i += 4;
  }
  buf.set(repr.options, i);
  buf.fill(TCPOPT_EOL, i + repr.options.length, off + hl);
  fillTcpChecksum(buf, off, hl + repr.payloadLen, src, dst);
}

/** The timestamps option's value and echo reply (RFC 7323), or undefined when absent or malformed. */
export function tcpTimestamps(buf: Uint8Array, off: number): { val: number; ecr: number } | undefined {
  let ts: { val: number; ecr: number } | undefined;
  const ok = walkTcpOptions(buf, off + TCP_HEADER_LEN, off + tcpHeaderLen(buf, off), (kind, at, len) => {
    if (kind === TCPOPT_TIMESTAMPS && len === 10 && ts === undefined)
      ts = { val: readU32(buf, at + 2), ecr: readU32(buf, at + 6) };
  });
  return ok ? ts : undefined;
}
