/**
 * ARP (RFC 826) for Ethernet hardware and IPv4 protocol addresses only.
 *
 * The packet is the fixed 28-byte Ethernet/IPv4 layout; parse rejects any other
 * hardware or protocol type or address length, and any operation other than request (1)
 * and reply (2). Not modelled: RARP (RFC 903), InARP, ARP over non-Ethernet media.
 * Gratuitous ARP is an ordinary request or reply whose sender and target IPs match.
 */
import type { Ipv4 } from '../addr.js';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';
import { spanError, spanLen, WireError } from './error.js';
import { macNumAt, macStringAt, writeMac, writeMacNum, type MacNum } from './mac.js';

/** Offset of the hardware type. */
export const ARP_HTYPE_OFF = 0;
/** Offset of the protocol type. */
export const ARP_PTYPE_OFF = 2;
/** Offset of the hardware address length. */
export const ARP_HLEN_OFF = 4;
/** Offset of the protocol address length. */
export const ARP_PLEN_OFF = 5;
/** Offset of the operation. */
export const ARP_OP_OFF = 6;
/** Offset of the sender hardware address. */
export const ARP_SHA_OFF = 8;
/** Offset of the sender protocol address. */
export const ARP_SPA_OFF = 14;
/** Offset of the target hardware address. */
export const ARP_THA_OFF = 18;
/** Offset of the target protocol address. */
export const ARP_TPA_OFF = 24;
/** Length of an Ethernet/IPv4 ARP packet. */
export const ARP_LEN = 28;

/** Hardware type Ethernet (RFC 826, IANA ARP parameters). */
export const ARP_HTYPE_ETHERNET = 1;
/** Protocol type IPv4 (the IPv4 EtherType). */
export const ARP_PTYPE_IPV4 = 0x0800;
/** Operation: request (RFC 826). */
export const ARP_OP_REQUEST = 1;
/** Operation: reply (RFC 826). */
export const ARP_OP_REPLY = 2;

/** The operation (1 request, 2 reply). */
export function arpOp(buf: Uint8Array, off: number): number {
  return readU16(buf, off + ARP_OP_OFF);
}

/** Sets the operation. */
export function setArpOp(buf: Uint8Array, off: number, op: number): void {
  writeU16(buf, off + ARP_OP_OFF, op);
}

/** The sender hardware address as a 48-bit number. */
export function arpSenderMacNum(buf: Uint8Array, off: number): MacNum {
  return macNumAt(buf, off + ARP_SHA_OFF);
}

/** Sets the sender hardware address. */
export function setArpSenderMacNum(buf: Uint8Array, off: number, mac: MacNum): void {
  writeMacNum(buf, off + ARP_SHA_OFF, mac);
}

/** The sender protocol address. */
export function arpSenderIp(buf: Uint8Array, off: number): Ipv4 {
  return readU32(buf, off + ARP_SPA_OFF);
}

/** Sets the sender protocol address. */
export function setArpSenderIp(buf: Uint8Array, off: number, ip: Ipv4): void {
  writeU32(buf, off + ARP_SPA_OFF, ip);
}

/** The target hardware address as a 48-bit number. */
export function arpTargetMacNum(buf: Uint8Array, off: number): MacNum {
  return macNumAt(buf, off + ARP_THA_OFF);
}

/** Sets the target hardware address. */
export function setArpTargetMacNum(buf: Uint8Array, off: number, mac: MacNum): void {
  writeMacNum(buf, off + ARP_THA_OFF, mac);
}

/** The target protocol address. */
export function arpTargetIp(buf: Uint8Array, off: number): Ipv4 {
  return readU32(buf, off + ARP_TPA_OFF);
}

/** Sets the target protocol address. */
export function setArpTargetIp(buf: Uint8Array, off: number, ip: Ipv4): void {
  writeU32(buf, off + ARP_TPA_OFF, ip);
}

/** An Ethernet/IPv4 ARP request or reply. */
export interface ArpRepr {
  readonly op: number;
  readonly senderMac: string;
  readonly senderIp: Ipv4;
  readonly targetMac: string;
  readonly targetIp: Ipv4;
}

/** Reads an ARP packet at `off` (`len` default: the rest of the buffer; bytes past 28 are padding). */
export function parseArp(buf: Uint8Array, off: number, len?: number): ArpRepr | WireError {
  const n = spanLen(buf, off, len);
  if (n < 0) return spanError('arp', off, len);
  if (n < ARP_LEN) return new WireError('arp', `packet of ${n} bytes is shorter than ${ARP_LEN}`);
  const htype = readU16(buf, off + ARP_HTYPE_OFF);
  const ptype = readU16(buf, off + ARP_PTYPE_OFF);
  if (
    htype !== ARP_HTYPE_ETHERNET ||
    ptype !== ARP_PTYPE_IPV4 ||
    buf[off + ARP_HLEN_OFF] !== 6 ||
    buf[off + ARP_PLEN_OFF] !== 4
  ) {
    return new WireError('arp', `unsupported hardware/protocol ${htype}/0x${ptype.toString(16)} (only Ethernet/IPv4)`);
  }
  const op = arpOp(buf, off);
  if (op !== ARP_OP_REQUEST && op !== ARP_OP_REPLY) return new WireError('arp', `unsupported operation ${op}`);
  return {
    op,
    senderMac: macStringAt(buf, off + ARP_SHA_OFF),
    senderIp: arpSenderIp(buf, off),
    targetMac: macStringAt(buf, off + ARP_THA_OFF),
    targetIp: arpTargetIp(buf, off),
  };
}

/** Writes the 28-byte packet at `off`; throws RangeError on a malformed MAC string. */
export function emitArp(repr: ArpRepr, buf: Uint8Array, off: number): void {
  writeU16(buf, off + ARP_HTYPE_OFF, ARP_HTYPE_ETHERNET);
  writeU16(buf, off + ARP_PTYPE_OFF, ARP_PTYPE_IPV4);
  buf[off + ARP_HLEN_OFF] = 6;
  buf[off + ARP_PLEN_OFF] = 4;
  setArpOp(buf, off, repr.op);
  writeMac(buf, off + ARP_SHA_OFF, repr.senderMac);
  setArpSenderIp(buf, off, repr.senderIp);
  writeMac(buf, off + ARP_THA_OFF, repr.targetMac);
  setArpTargetIp(buf, off, repr.targetIp);
}

/** Bytes the packet needs. */
export function arpLen(_repr: ArpRepr): number {
  return ARP_LEN;
}
