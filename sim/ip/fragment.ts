/**
 * IPv4 fragmentation (RFC 791 section 3.2; net/ipv4/ip_output.c ip_do_fragment): a
 * datagram larger than the MTU, with DF clear, is cut into fragments that carry as many
 * 8-byte blocks of payload as fit, in order, each with the original header, the MF flag
 * on all but the last, and its offset. Options are copied to every fragment (twinnet's
 * packets carry none, so the copy-flag rule of RFC 791 never matters).
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import {
  fillIpv4Checksum,
  IPV4_FLAG_MF,
  IPV4_FLAGS_FRAG_OFF,
  IPV4_TOTAL_LEN_OFF,
  ipv4FragOffset,
  ipv4HeaderLen,
  ipv4Mf,
  ipv4TotalLen,
} from '../../core/wire/ipv4.js';
import { readU16, writeU16 } from '../../core/wire/bytes.js';

/** Cuts the IPv4 packet in `frame` (after its Ethernet header) into fragments that fit `mtu`. */
export function fragment(frame: Uint8Array, mtu: number): Uint8Array[] {
  const ip = ETH_HEADER_LEN;
  const hl = ipv4HeaderLen(frame, ip);
  const total = ipv4TotalLen(frame, ip);
  const chunk = Math.floor((mtu - hl) / 8) * 8;
  const baseOffset = ipv4FragOffset(frame, ip);
  const lastHadMf = ipv4Mf(frame, ip);
  const flagsDf = readU16(frame, ip + IPV4_FLAGS_FRAG_OFF) & 0x4000;
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < total - hl; pos += chunk) {
    const len = Math.min(chunk, total - hl - pos);
    const f = new Uint8Array(ETH_HEADER_LEN + hl + len);
    f.set(frame.subarray(0, ip + hl), 0);
    f.set(frame.subarray(ip + hl + pos, ip + hl + pos + len), ip + hl);
    const more = pos + len < total - hl || lastHadMf;
    writeU16(f, ip + IPV4_TOTAL_LEN_OFF, hl + len);
    writeU16(f, ip + IPV4_FLAGS_FRAG_OFF, flagsDf | (more ? IPV4_FLAG_MF : 0) | ((baseOffset + pos) >> 3));
    fillIpv4Checksum(f, ip);
    out.push(f);
  }
  return out;
}
