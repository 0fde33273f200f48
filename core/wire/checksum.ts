/**
 * The Internet checksum (RFC 1071) and its incremental update (RFC 1624).
 *
 * Sums are plain JS numbers holding an unfolded one's-complement sum of 16-bit
 * big-endian words; they stay exact far beyond any frame size (2^53), so the loop adds
 * without folding and folds once at the end (RFC 1071 §4.1, "deferred carries").
 * Incremental updates follow RFC 1624 eqn. 3, `HC' = ~(~HC + ~m + m')`, which avoids the
 * -0 pitfall of RFC 1141's eqn. 2. Not modelled: IPv6 pseudo-headers (twinnet is IPv4
 * only) and hardware offload (see the CHECKSUM_PARTIAL fixture in tcp.test.ts).
 */
import type { Ipv4 } from '../addr.js';

/** One's-complement sum of `len` bytes at `off` as big-endian 16-bit words, plus `initial`; unfolded. */
export function onesSum(buf: Uint8Array, off: number, len: number, initial = 0): number {
  let sum = initial;
  const end = off + len;
  const end4 = end - 3;
  let i = off;
  for (; i < end4; i += 4) {
    sum += ((buf[i]! << 8) | buf[i + 1]!) + ((buf[i + 2]! << 8) | buf[i + 3]!);
  }
  for (; i < end - 1; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  // An odd trailing byte is padded with a zero byte on the right (RFC 1071 §4.1).
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

/** Folds a sum to 16 bits with end-around carry (RFC 1071 §4.1). */
export function foldSum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
}

/** The checksum field value for `len` bytes at `off` (whose checksum field reads zero), plus `initial`. */
export function internetChecksum(buf: Uint8Array, off: number, len: number, initial = 0): number {
  return ~foldSum(onesSum(buf, off, len, initial)) & 0xffff;
}

/** Whether `len` bytes at `off`, checksum field included, sum to all ones (RFC 1071 §1). */
export function checksumVerifies(buf: Uint8Array, off: number, len: number, initial = 0): boolean {
  return foldSum(onesSum(buf, off, len, initial)) === 0xffff;
}

/** The unfolded sum of the IPv4 pseudo-header for UDP and TCP (RFC 768, RFC 793 §3.1). */
export function pseudoHeaderSum(src: Ipv4, dst: Ipv4, protocol: number, length: number): number {
  return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
}

/** A checksum after one 16-bit word of the covered data changed from `oldWord` to `newWord` (RFC 1624 eqn. 3). */
export function checksumAdjust16(cksum: number, oldWord: number, newWord: number): number {
  return ~foldSum((~cksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff)) & 0xffff;
}

/** A checksum after a 32-bit field (an address) of the covered data changed (RFC 1624 eqn. 3, twice). */
export function checksumAdjust32(cksum: number, oldValue: number, newValue: number): number {
  const sum =
    (~cksum & 0xffff) + (~(oldValue >>> 16) & 0xffff) + (~oldValue & 0xffff) + (newValue >>> 16) + (newValue & 0xffff);
  return ~foldSum(sum) & 0xffff;
}

/** A UDP checksum as sent: a computed 0 goes out as 0xffff, since 0 means "no checksum" (RFC 768). */
export function udpWireChecksum(cksum: number): number {
  return cksum === 0 ? 0xffff : cksum;
}
