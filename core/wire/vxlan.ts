/**
 * VXLAN headers (RFC 7348 §5): 8 bytes, the I flag and a 24-bit VNI, over UDP.
 *
 * The payload is an inner Ethernet frame (see decode.ts). Parse rejects a header whose
 * I flag is clear, as Linux's vxlan_rcv drops it; the reserved bits are ignored on
 * receipt and written as zero (RFC 7348 §5). Not modelled: VXLAN-GPE, GBP (group policy)
 * and other extension flags, IPv6 underlays.
 */
import { readU32, writeU32 } from './bytes.js';
import { spanError, spanLen, WireError } from './error.js';
import { ETH_HEADER_LEN } from './ethernet.js';
import { IPV4_HEADER_LEN } from './ipv4.js';
import { UDP_HEADER_LEN } from './udp.js';

/**
 * VXLAN's IANA-assigned UDP port (RFC 7348 §5); Linux's own default, without `dstport`, is 8472
 * (kernel vxlan docs).
 */
export { VXLAN_PORT } from '../linux-defaults.js';
/** Offset of the flags byte. */
export const VXLAN_FLAGS_OFF = 0;
/** Offset of the VNI (24 bits, followed by a reserved byte). */
export const VXLAN_VNI_OFF = 4;
/** Length of the VXLAN header. */
export const VXLAN_HEADER_LEN = 8;
/** The I flag: the VNI is valid (RFC 7348 §5). */
export const VXLAN_FLAG_I = 0x08;
/** The largest VNI (24 bits). */
export const VXLAN_MAX_VNI = 0xff_ffff;
/** Bytes VXLAN adds over IPv4 to an inner frame: outer Ethernet, IPv4, UDP, VXLAN (so overlay MTU 1450 on 1500). */
export const VXLAN_OVERHEAD = ETH_HEADER_LEN + IPV4_HEADER_LEN + UDP_HEADER_LEN + VXLAN_HEADER_LEN;

/** The flags byte. */
export function vxlanFlags(buf: Uint8Array, off: number): number {
  return buf[off + VXLAN_FLAGS_OFF]!;
}

/** The VNI. */
export function vxlanVni(buf: Uint8Array, off: number): number {
  return readU32(buf, off + VXLAN_VNI_OFF) >>> 8;
}

/** Sets the VNI, zeroing the reserved byte after it. */
export function setVxlanVni(buf: Uint8Array, off: number, vni: number): void {
  writeU32(buf, off + VXLAN_VNI_OFF, (vni & VXLAN_MAX_VNI) * 256);
}

/** A VXLAN header; the inner Ethernet frame follows it. */
export interface VxlanRepr {
  readonly vni: number;
}

/** Reads a header at `off` (`len` default: the rest of the buffer). */
export function parseVxlan(buf: Uint8Array, off: number, len?: number): VxlanRepr | WireError {
  const n = spanLen(buf, off, len);
  if (n < 0) return spanError('vxlan', off, len);
  if (n < VXLAN_HEADER_LEN)
    return new WireError('vxlan', `${n} bytes is shorter than the ${VXLAN_HEADER_LEN}-byte header`);
  if ((vxlanFlags(buf, off) & VXLAN_FLAG_I) === 0)
    return new WireError('vxlan', 'I flag clear: no valid VNI (RFC 7348 §5)');
  return { vni: vxlanVni(buf, off) };
}

/** Writes the header at `off`: I flag set, reserved fields zero. */
export function emitVxlan(repr: VxlanRepr, buf: Uint8Array, off: number): void {
  writeU32(buf, off + VXLAN_FLAGS_OFF, VXLAN_FLAG_I << 24);
  setVxlanVni(buf, off, repr.vni);
}

/** Bytes the header needs (the inner frame is the caller's). */
export function vxlanLen(_repr: VxlanRepr): number {
  return VXLAN_HEADER_LEN;
}
