/**
 * Ethernet II frames (IEEE 802.3 with an EtherType, RFC 894): destination, source, type.
 *
 * Frames are as Linux hands them to a packet socket: no preamble, no FCS, and no padding
 * to the 60-byte minimum on veth (captures on veth show 42-byte ARP frames). Not
 * modelled: 802.1Q tags (a tagged frame parses with EtherType 0x8100 and decode stops
 * there), 802.3 length fields and LLC/SNAP.
 */
import { readU16, writeU16 } from './bytes.js';
import { spanError, spanLen, WireError } from './error.js';
import { macNumAt, macStringAt, writeMac, writeMacNum, type MacNum } from './mac.js';

/** Offset of the destination MAC. */
export const ETH_DST_OFF = 0;
/** Offset of the source MAC. */
export const ETH_SRC_OFF = 6;
/** Offset of the EtherType. */
export const ETH_TYPE_OFF = 12;
/** Length of the Ethernet II header; the payload starts here. */
export const ETH_HEADER_LEN = 14;
/** The smallest frame on a real wire without FCS (IEEE 802.3 minimum 64 minus 4); veth does not pad. */
export const ETH_MIN_FRAME_LEN = 60;

/** EtherType of IPv4 (IANA). */
export const ETHERTYPE_IPV4 = 0x0800;
/** EtherType of ARP (IANA, RFC 826). */
export const ETHERTYPE_ARP = 0x0806;
/** EtherType of an IEEE 802.1Q VLAN tag (not decoded). */
export const ETHERTYPE_VLAN = 0x8100;
/** EtherType of IPv6 (not decoded: twinnet is IPv4 only). */
export const ETHERTYPE_IPV6 = 0x86dd;

/** The destination MAC as a 48-bit number. */
export function ethDstNum(buf: Uint8Array, off: number): MacNum {
  return macNumAt(buf, off + ETH_DST_OFF);
}

/** Sets the destination MAC from a 48-bit number. */
export function setEthDstNum(buf: Uint8Array, off: number, mac: MacNum): void {
  writeMacNum(buf, off + ETH_DST_OFF, mac);
}

/** The source MAC as a 48-bit number. */
export function ethSrcNum(buf: Uint8Array, off: number): MacNum {
  return macNumAt(buf, off + ETH_SRC_OFF);
}

/** Sets the source MAC from a 48-bit number. */
export function setEthSrcNum(buf: Uint8Array, off: number, mac: MacNum): void {
  writeMacNum(buf, off + ETH_SRC_OFF, mac);
}

/** The EtherType, without looking behind an 802.1Q tag. */
export function ethEthertype(buf: Uint8Array, off: number): number {
  return readU16(buf, off + ETH_TYPE_OFF);
}

/** Sets the EtherType. */
export function setEthEthertype(buf: Uint8Array, off: number, type: number): void {
  writeU16(buf, off + ETH_TYPE_OFF, type);
}

/** An Ethernet II header; the payload follows it in the buffer. */
export interface EthernetRepr {
  readonly dst: string;
  readonly src: string;
  readonly ethertype: number;
}

/** Reads the header at `off`; the frame is `len` bytes (default: the rest of the buffer). */
export function parseEthernet(buf: Uint8Array, off: number, len?: number): EthernetRepr | WireError {
  const n = spanLen(buf, off, len);
  if (n < 0) return spanError('ethernet', off, len);
  if (n < ETH_HEADER_LEN)
    return new WireError('ethernet', `frame of ${n} bytes is shorter than the ${ETH_HEADER_LEN}-byte header`);
  return {
    dst: macStringAt(buf, off + ETH_DST_OFF),
    src: macStringAt(buf, off + ETH_SRC_OFF),
    ethertype: ethEthertype(buf, off),
  };
}

/** Writes the header at `off`; throws RangeError on a malformed MAC string. */
export function emitEthernet(repr: EthernetRepr, buf: Uint8Array, off: number): void {
  writeMac(buf, off + ETH_DST_OFF, repr.dst);
  writeMac(buf, off + ETH_SRC_OFF, repr.src);
  setEthEthertype(buf, off, repr.ethertype);
}

/** Bytes the header needs (the payload is the caller's). */
export function ethernetLen(_repr: EthernetRepr): number {
  return ETH_HEADER_LEN;
}
