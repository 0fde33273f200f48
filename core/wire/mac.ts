/**
 * MAC addresses on the wire: as 48-bit integers for the hot path, as strings for Reprs.
 *
 * A MAC as a number (`MacNum`, 0..2^48-1) is exact in a double, so it can key a Map (a
 * bridge FDB) without allocating. Strings are lower-case and colon-separated, as
 * iproute2 prints them and core/addr.ts formats them. Not modelled: EUI-64.
 */

/** A MAC address as a 48-bit unsigned integer. */
export type MacNum = number;

/** A MAC address as accepted by emitters and builders: a colon string or a 48-bit number. */
export type MacLike = string | MacNum;

/** ff:ff:ff:ff:ff:ff as a number (IEEE 802 broadcast). */
export const MAC_BROADCAST: MacNum = 0xffff_ffff_ffff;

/** 00:00:00:00:00:00, the unknown target hardware address in an ARP request (RFC 826). */
export const MAC_ZERO: MacNum = 0;

const TWO32 = 0x1_0000_0000;
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const MAC_RE = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/** Reads six bytes at `off` as a 48-bit number. */
export function macNumAt(buf: Uint8Array, off: number): MacNum {
  const hi = (buf[off]! << 8) | buf[off + 1]!;
  const lo = ((buf[off + 2]! << 24) | (buf[off + 3]! << 16) | (buf[off + 4]! << 8) | buf[off + 5]!) >>> 0;
  return hi * TWO32 + lo;
}

/** Writes a 48-bit number as six bytes at `off`. */
export function writeMacNum(buf: Uint8Array, off: number, mac: MacNum): void {
  const hi = Math.floor(mac / TWO32);
  const lo = mac >>> 0;
  buf[off] = hi >>> 8;
  buf[off + 1] = hi;
  buf[off + 2] = lo >>> 24;
  buf[off + 3] = lo >>> 16;
  buf[off + 4] = lo >>> 8;
  buf[off + 5] = lo;
}

/** Reads six bytes at `off` as `02:42:ac:11:00:02`. */
export function macStringAt(buf: Uint8Array, off: number): string {
  return `${HEX[buf[off]!]}:${HEX[buf[off + 1]!]}:${HEX[buf[off + 2]!]}:${HEX[buf[off + 3]!]}:${HEX[buf[off + 4]!]}:${HEX[buf[off + 5]!]}`;
}

/** Parses `02:42:ac:11:00:02` (either case) to a number; undefined when malformed. */
export function macToNum(text: string): MacNum | undefined {
  return MAC_RE.test(text) ? parseInt(text.replace(/:/g, ''), 16) : undefined;
}

/** Formats a 48-bit number as a lower-case colon string. */
export function macFromNum(mac: MacNum): string {
  const h = mac.toString(16).padStart(12, '0');
  return `${h.slice(0, 2)}:${h.slice(2, 4)}:${h.slice(4, 6)}:${h.slice(6, 8)}:${h.slice(8, 10)}:${h.slice(10, 12)}`;
}

/** Writes a MAC given as a string or a number; throws RangeError on a malformed string (a caller bug). */
export function writeMac(buf: Uint8Array, off: number, mac: MacLike): void {
  const n = typeof mac === 'number' ? mac : macToNum(mac);
  if (n === undefined || !Number.isInteger(n) || n < 0 || n > MAC_BROADCAST) {
    throw new RangeError(`wire: not a MAC address: ${String(mac)}`);
  }
  writeMacNum(buf, off, n);
}

/** Whether the I/G bit marks a group (multicast or broadcast) address (IEEE 802). */
export function isGroupMacNum(mac: MacNum): boolean {
  return (Math.floor(mac / 0x100_0000_0000) & 1) === 1;
}
