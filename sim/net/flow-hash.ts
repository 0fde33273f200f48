/**
 * The flow hash a VXLAN device turns into its outer UDP source port
 * (udp_flow_src_port, include/net/udp.h), for a packet that carries none from its socket
 * (SkBuff.hash, sim/skb.ts): the kernel's flow dissector reads the addresses, the protocol and, for
 * TCP, UDP, SCTP, DCCP and UDP-Lite packets that are not fragments, the ports
 * (__skb_flow_dissect, proto_ports_offset). Before hashing it orders the two endpoints
 * (__flow_hash_consistentify), so both directions of a flow hash alike: an echo request
 * and its reply leave their hosts by the same outer port. Anything but IPv4 (ARP) hashes
 * by its EtherType alone.
 *
 * Left out: the kernel's per-boot random seed and its jhash (the model mixes with FNV-1a,
 * so the numbers differ from a kernel's while the equalities hold), VLAN tags, IPv6.
 */
import { ETH_HEADER_LEN, ETHERTYPE_IPV4, ethEthertype } from '../../core/wire/ethernet.js';
import { ipv4Dst, ipv4FragOffset, ipv4HeaderLen, ipv4Mf, ipv4Protocol, ipv4Src } from '../../core/wire/ipv4.js';

/** proto_ports_offset (include/net/ip.h): the protocols whose first four bytes are two ports. */
const PORTED_PROTOCOLS = new Set([6, 17, 33, 132, 136]); // TCP, UDP, DCCP, SCTP, UDP-Lite

/** The hash of a frame's flow, equal for both of its directions. */
export function flowHash(frame: Uint8Array): number {
  let h = 0x811c9dc5;
  const mix32 = (v: number) => {
    for (let s = 24; s >= 0; s -= 8) h = Math.imul(h ^ ((v >>> s) & 0xff), 0x01000193) >>> 0;
  };
  const type = ethEthertype(frame, 0);
  mix32(type);
  if (type !== ETHERTYPE_IPV4 || frame.length < ETH_HEADER_LEN + 20) return h;
  const ip = ETH_HEADER_LEN;
  const proto = ipv4Protocol(frame, ip);
  let [a, b] = [ipv4Src(frame, ip), ipv4Dst(frame, ip)];
  let [pa, pb] = [0, 0];
  const fragment = ipv4Mf(frame, ip) || ipv4FragOffset(frame, ip) !== 0;
  const l4 = ip + ipv4HeaderLen(frame, ip);
  if (PORTED_PROTOCOLS.has(proto) && !fragment && frame.length >= l4 + 4) {
    pa = ((frame[l4] as number) << 8) | (frame[l4 + 1] as number);
    pb = ((frame[l4 + 2] as number) << 8) | (frame[l4 + 3] as number);
  }
  if (b < a || (a === b && pb < pa)) [a, b, pa, pb] = [b, a, pb, pa];
  mix32(a);
  mix32(b);
  mix32(proto);
  mix32((pa << 16) | pb);
  return h;
}

/** udp_flow_src_port: a hash folded (hash ^= hash << 16) and scaled into [lo, hi). */
export function flowSourcePort(hash: number, lo: number, hi: number): number {
  const h = (hash ^ (hash << 16)) >>> 0;
  return lo + Math.floor((h * (hi - lo)) / 2 ** 32);
}
