/**
 * UDP headers (RFC 768): ports, length and the checksum over the IPv4 pseudo-header.
 *
 * A checksum field of 0 means "no checksum" and is reported as `noChecksum`, with
 * `checksumOk` true; a computed checksum of 0 is sent as 0xffff (RFC 768). Linux VXLAN
 * tunnels may send zero checksums (`noudpcsum`, see vxlan.test.ts). The payload follows
 * the header; parse and emit take the IPv4 addresses for the pseudo-header. Not
 * modelled: UDP-Lite, IPv6's mandatory checksum.
 */
import type { Ipv4 } from '../addr.js';
import { readU16, writeU16 } from './bytes.js';
import { checksumVerifies, internetChecksum, pseudoHeaderSum, udpWireChecksum } from './checksum.js';
import { spanError, spanLen, WireError } from './error.js';
import { IPPROTO_UDP } from './ipv4.js';

/** Offset of the source port. */
export const UDP_SRC_PORT_OFF = 0;
/** Offset of the destination port. */
export const UDP_DST_PORT_OFF = 2;
/** Offset of the length (header and payload). */
export const UDP_LENGTH_OFF = 4;
/** Offset of the checksum. */
export const UDP_CHECKSUM_OFF = 6;
/** Length of the UDP header. */
export const UDP_HEADER_LEN = 8;

/** The source port. */
export function udpSrcPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off + UDP_SRC_PORT_OFF);
}

/** Sets the source port, leaving the checksum stale (see rewrite.ts). */
export function setUdpSrcPort(buf: Uint8Array, off: number, port: number): void {
  writeU16(buf, off + UDP_SRC_PORT_OFF, port);
}

/** The destination port. */
export function udpDstPort(buf: Uint8Array, off: number): number {
  return readU16(buf, off + UDP_DST_PORT_OFF);
}

/** Sets the destination port, leaving the checksum stale (see rewrite.ts). */
export function setUdpDstPort(buf: Uint8Array, off: number, port: number): void {
  writeU16(buf, off + UDP_DST_PORT_OFF, port);
}

/** The length field: header and payload in bytes. */
export function udpLength(buf: Uint8Array, off: number): number {
  return readU16(buf, off + UDP_LENGTH_OFF);
}

/** The checksum field (0: none). */
export function udpChecksum(buf: Uint8Array, off: number): number {
  return readU16(buf, off + UDP_CHECKSUM_OFF);
}

/** Whether the checksum verifies over the length field's bytes; true when there is none. */
export function udpChecksumOk(buf: Uint8Array, off: number, src: Ipv4, dst: Ipv4): boolean {
  if (udpChecksum(buf, off) === 0) return true;
  const len = udpLength(buf, off);
  return checksumVerifies(buf, off, len, pseudoHeaderSum(src, dst, IPPROTO_UDP, len));
}

/** Recomputes and stores the checksum over the length field's bytes (0 sent as 0xffff). */
export function fillUdpChecksum(buf: Uint8Array, off: number, src: Ipv4, dst: Ipv4): void {
  const len = udpLength(buf, off);
  writeU16(buf, off + UDP_CHECKSUM_OFF, 0);
  const c = internetChecksum(buf, off, len, pseudoHeaderSum(src, dst, IPPROTO_UDP, len));
  writeU16(buf, off + UDP_CHECKSUM_OFF, udpWireChecksum(c));
}

/** A UDP header; `payloadLen` bytes of payload follow it. */
export interface UdpRepr {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payloadLen: number;
  /** Send (emit) or found (parse) a zero checksum field: no checksum (RFC 768). */
  readonly noChecksum?: boolean;
  /** Set by parse: whether the checksum verified (true when there is none). Emit ignores it. */
  readonly checksumOk?: boolean;
}

/** Reads a datagram at `off` inside an IP payload of `len` bytes, verifying against `src`/`dst`. */
export function parseUdp(
  buf: Uint8Array,
  off: number,
  len: number | undefined,
  src: Ipv4,
  dst: Ipv4,
): UdpRepr | WireError {
  const n = spanLen(buf, off, len);
  if (n < 0) return spanError('udp', off, len);
  if (n < UDP_HEADER_LEN) return new WireError('udp', `${n} bytes is shorter than the ${UDP_HEADER_LEN}-byte header`);
  const length = udpLength(buf, off);
  if (length < UDP_HEADER_LEN) return new WireError('udp', `length field ${length} is below ${UDP_HEADER_LEN}`);
  if (length > n) return new WireError('udp', `length field ${length} exceeds the ${n} bytes present`);
  const noChecksum = udpChecksum(buf, off) === 0;
  return {
    srcPort: udpSrcPort(buf, off),
    dstPort: udpDstPort(buf, off),
    payloadLen: length - UDP_HEADER_LEN,
    noChecksum,
    checksumOk: noChecksum || checksumVerifies(buf, off, length, pseudoHeaderSum(src, dst, IPPROTO_UDP, length)),
  };
}

/** Bytes the datagram needs: header and payload. */
export function udpLen(repr: UdpRepr): number {
  return UDP_HEADER_LEN + repr.payloadLen;
}

/**
 * Writes the header at `off` and fills the checksum over the payload, which must already be in
 * place after it. Throws RangeError past 65535 bytes.
 */
export function emitUdp(repr: UdpRepr, buf: Uint8Array, off: number, src: Ipv4, dst: Ipv4): void {
  if (udpLen(repr) > 0xffff) throw new RangeError(`wire: UDP length ${udpLen(repr)} exceeds 65535`);
  writeU16(buf, off + UDP_SRC_PORT_OFF, repr.srcPort);
  writeU16(buf, off + UDP_DST_PORT_OFF, repr.dstPort);
  writeU16(buf, off + UDP_LENGTH_OFF, udpLen(repr));
  if (repr.noChecksum === true) writeU16(buf, off + UDP_CHECKSUM_OFF, 0);
  else fillUdpChecksum(buf, off, src, dst);
}
