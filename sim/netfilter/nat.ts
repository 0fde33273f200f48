/**
 * NAT bindings and packet rewriting (net/netfilter/nf_nat_core.c, nf_nat_proto.c).
 *
 * A binding is decided once per connection and manip type, on its first packet: the nat
 * table's target gives a range (DNAT, SNAT, MASQUERADE's chosen address, REDIRECT's local
 * address), or no rule matches and a null binding keeps the addresses. get_unique_tuple
 * then keeps the original address and port when they are in the range and the
 * resulting reply tuple is free, and otherwise searches a free port (1-511, 600-1023 or
 * 1024-65535 by the original port's class, or the range given), starting at a random
 * offset; a DNAT without ports never changes the port. The connection's reply tuple is
 * then rewritten, and every later packet is rewritten toward the inverse of the other
 * direction's tuple, which is also how replies are de-NATed.
 *
 * ICMP errors about a translated connection are translated too, outer header and the
 * quoted datagram (nf_nat_icmp_reply_translation). Not modelled: --persistent,
 * NETMAP, address selection by hash within a multi-address range (the model takes the
 * source address modulo the range size).
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { fillIcmpChecksum, ICMP_HEADER_LEN } from '../../core/wire/icmpv4.js';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, ipv4HeaderLen, ipv4TotalLen } from '../../core/wire/ipv4.js';
import {
  rewriteIcmpEchoId,
  rewriteIpv4Dst,
  rewriteIpv4Src,
  rewriteL4DstPort,
  rewriteL4SrcPort,
} from '../../core/wire/rewrite.js';
import type { NatRange, PortRange } from '../../core/netfilter/types.js';
import type { Rng } from '../../core/rng.js';
import { ORIGINAL, REPLY, type Connection, type ConntrackTable, type Direction } from './conntrack.js';
import { ICMP_QUERY_REPLY } from './packet.js';
import { invert, sameTuple, type Tuple } from './tuple.js';

export type Manip = 'src' | 'dst';

/** nf_nat_l4proto_unique_tuple tries at most this many ports before halving (max_attempts). */
const MAX_ATTEMPTS = 128;

/** The range a binding maps into: addresses and optional ports (struct nf_nat_range2). */
export interface BindRange {
  readonly minIp: number;
  readonly maxIp: number;
  readonly ports?: PortRange;
  readonly random?: boolean;
}

/** A target's range; a target without addresses (`--to-destination :80`) keeps the packet's address. */
export function rangeOf(to: NatRange, current: number): BindRange {
  return {
    minIp: to.minIp ?? current,
    maxIp: to.maxIp ?? to.minIp ?? current,
    ...(to.ports && { ports: to.ports }),
    ...(to.random && { random: true }),
  };
}

/** Binds a connection for one manip type (nf_nat_setup_info); `range` undefined: a null binding. */
export function setupNat(
  ct: ConntrackTable,
  c: Connection,
  manip: Manip,
  range: BindRange | undefined,
  rng: Rng,
): void {
  // The original direction as the other manip left it, if it is bound already (curr_tuple).
  const current = invert(c.tuple[REPLY]);
  const r = range ?? nullRange(current, manip);
  const chosen = uniqueTuple(ct, c, current, r, manip, rng);
  c.tuple[REPLY] = invert(chosen);
  if (manip === 'src') {
    c.natInit.src = true;
    if (!sameTuple(chosen, current)) c.srcNat = true;
  } else {
    c.natInit.dst = true;
    if (!sameTuple(chosen, current)) c.dstNat = true;
  }
}

function nullRange(t: Tuple, manip: Manip): BindRange {
  const ip = manip === 'src' ? t.src : t.dst;
  return { minIp: ip, maxIp: ip };
}

function uniqueTuple(ct: ConntrackTable, c: Connection, t: Tuple, r: BindRange, manip: Manip, rng: Rng): Tuple {
  const used = (x: Tuple) => ct.taken(invert(x), c);
  // Try the original tuple first for a source manip (get_unique_tuple).
  if (manip === 'src' && !r.random && inRange(t, r, manip) && !used(t)) return t;
  const ip = pickIp(t, r, manip);
  const withIp: Tuple = manip === 'src' ? { ...t, src: ip } : { ...t, dst: ip };
  if (!r.random) {
    if (r.ports !== undefined) {
      if (portInRange(withIp, r.ports, manip) && (r.ports.lo === r.ports.hi || !used(withIp))) return withIp;
    } else if (!used(withIp)) return withIp;
  }
  return searchPort(withIp, r, manip, used, rng);
}

function inRange(t: Tuple, r: BindRange, manip: Manip): boolean {
  const ip = manip === 'src' ? t.src : t.dst;
  if (ip < r.minIp || ip > r.maxIp) return false;
  return r.ports === undefined || portInRange(t, r.ports, manip);
}

function portOf(t: Tuple, manip: Manip): number {
  return t.proto === IPPROTO_ICMP || manip === 'src' ? t.sport : t.dport;
}

function withPort(t: Tuple, manip: Manip, port: number): Tuple {
  return t.proto === IPPROTO_ICMP || manip === 'src' ? { ...t, sport: port } : { ...t, dport: port };
}

function portInRange(t: Tuple, p: PortRange, manip: Manip): boolean {
  const v = portOf(t, manip);
  return v >= p.lo && v <= p.hi;
}

/** The address within the range: the current one when inside, else min + (source mod size). */
function pickIp(t: Tuple, r: BindRange, manip: Manip): number {
  const cur = manip === 'src' ? t.src : t.dst;
  if (cur >= r.minIp && cur <= r.maxIp) return cur;
  const size = r.maxIp - r.minIp + 1;
  return r.minIp + ((t.src >>> 0) % size);
}

/** nf_nat_l4proto_unique_tuple: a free port (or ICMP id) in the range or the port's class. */
function searchPort(t: Tuple, r: BindRange, manip: Manip, used: (x: Tuple) => boolean, rng: Rng): Tuple {
  if (t.proto !== IPPROTO_TCP && t.proto !== IPPROTO_UDP && t.proto !== IPPROTO_ICMP) return t;
  let min: number;
  let size: number;
  if (r.ports !== undefined) {
    min = r.ports.lo;
    size = r.ports.hi - r.ports.lo + 1;
  } else if (t.proto === IPPROTO_ICMP) {
    min = 0;
    size = 65536;
  } else {
    if (manip === 'dst') return t; // "If it's dst rewrite, can't change port"
    const port = portOf(t, manip);
    [min, size] = port < 512 ? [1, 511] : port < 1024 ? [600, 424] : [1024, 64512];
  }
  let attempts = Math.min(size, MAX_ATTEMPTS);
  let off = manip === 'dst' && r.ports === undefined ? 0 : rng.int(0, 0xffff);
  for (;;) {
    for (let i = 0; i < attempts; i++, off++) {
      const cand = withPort(t, manip, min + (off % size));
      if (!used(cand)) return cand;
    }
    if (attempts >= size || attempts < 16) return withPort(t, manip, min + (off % size));
    attempts = Math.floor(attempts / 2);
    off = rng.int(0, 0xffff);
  }
}

/**
 * Rewrites the packet at `ip` so that its source (manip src) or destination (manip dst)
 * is that of `target` (nf_nat_ipv4_manip_pkt); the ICMP echo id always comes from the
 * tuple's source slot, as icmp_manip_pkt does.
 */
export function manipPacket(
  frame: Uint8Array,
  ip: number,
  target: Tuple,
  manip: Manip,
  proto: number,
  icmpQuery: boolean,
): void {
  const l4 = ip + ipv4HeaderLen(frame, ip);
  if (manip === 'src') {
    rewriteIpv4Src(frame, ip, target.src);
    if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) rewriteL4SrcPort(frame, ip, target.sport);
  } else {
    rewriteIpv4Dst(frame, ip, target.dst);
    if (proto === IPPROTO_TCP || proto === IPPROTO_UDP) rewriteL4DstPort(frame, ip, target.dport);
  }
  if (proto === IPPROTO_ICMP && icmpQuery && l4 + ICMP_HEADER_LEN <= frame.length)
    rewriteIcmpEchoId(frame, l4, target.sport);
}

/** The statusbit test of nf_nat_packet: does this manip apply to packets in `dir`? */
export function manipApplies(c: Connection, manip: Manip, dir: Direction): boolean {
  const natted = manip === 'src' ? c.srcNat : c.dstNat;
  const other = manip === 'src' ? c.dstNat : c.srcNat;
  return dir === ORIGINAL ? natted : other;
}

/** Applies a connection's binding to a packet of it (nf_nat_packet). */
export function natPacket(
  frame: Uint8Array,
  c: Connection,
  dir: Direction,
  manip: Manip,
  proto: number,
  icmpType: number,
): void {
  if (!manipApplies(c, manip, dir)) return;
  const target = invert(c.tuple[dir === ORIGINAL ? REPLY : ORIGINAL]);
  manipPacket(frame, ETH_HEADER_LEN, target, manip, proto, ICMP_QUERY_REPLY.has(icmpType));
}

/**
 * Translates an ICMP error about connection `c` travelling in `dir`
 * (nf_nat_icmp_reply_translation): the quoted datagram back to how its sender wrote it,
 * the outer header to the reply of that datagram, then the ICMP checksum over both.
 */
export function natIcmpError(frame: Uint8Array, c: Connection, dir: Direction, manip: Manip): void {
  if (!manipApplies(c, manip, dir)) return;
  const ip = ETH_HEADER_LEN;
  const icmp = ip + ipv4HeaderLen(frame, ip);
  const inner = icmp + ICMP_HEADER_LEN;
  const other = c.tuple[dir === ORIGINAL ? REPLY : ORIGINAL];
  const innerProto = frame[inner + 9] as number;
  const innerIcmpType = innerProto === IPPROTO_ICMP ? (frame[inner + ipv4HeaderLen(frame, inner)] ?? -1) : -1;
  manipPacket(frame, inner, other, manip === 'src' ? 'dst' : 'src', innerProto, ICMP_QUERY_REPLY.has(innerIcmpType));
  fillIcmpChecksum(frame, icmp, ip + ipv4TotalLen(frame, ip) - icmp);
  manipPacket(frame, ip, invert(other), manip, IPPROTO_ICMP, false);
}
