/**
 * Big-endian (network byte order, RFC 1700 "Data Notations") integer reads and writes
 * over a Uint8Array with plain byte arithmetic: no DataView per call, no allocation.
 *
 * Callers check bounds first (a parser's length checks, or a buffer they sized
 * themselves); a read past the end yields 0 bits for the missing bytes rather than
 * throwing. 32-bit values come back unsigned.
 */

/** Reads a big-endian 16-bit value. */
export function readU16(buf: Uint8Array, i: number): number {
  return (buf[i]! << 8) | buf[i + 1]!;
}

/** Writes a big-endian 16-bit value (the low 16 bits of `v`). */
export function writeU16(buf: Uint8Array, i: number, v: number): void {
  buf[i] = v >>> 8;
  buf[i + 1] = v;
}

/** Reads a big-endian unsigned 32-bit value. */
export function readU32(buf: Uint8Array, i: number): number {
  return ((buf[i]! << 24) | (buf[i + 1]! << 16) | (buf[i + 2]! << 8) | buf[i + 3]!) >>> 0;
}

/** Writes a big-endian 32-bit value (the low 32 bits of `v`). */
export function writeU32(buf: Uint8Array, i: number, v: number): void {
  buf[i] = v >>> 24;
  buf[i + 1] = v >>> 16;
  buf[i + 2] = v >>> 8;
  buf[i + 3] = v;
}
