/**
 * Conntrack tuples (include/net/netfilter/nf_conntrack_tuple.h): the addresses, the
 * protocol and its two "ports". For TCP and UDP those are the ports; for ICMP queries
 * the echo identifier stands in the source slot of both directions and the type in the
 * destination slot (echo request 8 in the original direction, echo reply 0 in the
 * reply), which is how the kernel keeps a ping and its replies in one entry. Other
 * protocols are tracked by addresses alone.
 */
import { formatIpv4 } from '../../core/addr.js';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../../core/wire/ipv4.js';
import { ICMP_QUERY_REPLY, type PacketView } from './packet.js';

export interface Tuple {
  readonly src: number;
  readonly dst: number;
  readonly proto: number;
  /** TCP/UDP source port; ICMP: the echo identifier. */
  readonly sport: number;
  /** TCP/UDP destination port; ICMP: the type. */
  readonly dport: number;
}

/** Whether the protocol has ports NAT can change (TCP, UDP, and ICMP's identifier). */
export function hasPorts(proto: number): boolean {
  return proto === IPPROTO_TCP || proto === IPPROTO_UDP || proto === IPPROTO_ICMP;
}

/** The tuple of a packet; undefined for an ICMP message conntrack does not track as a flow. */
export function tupleOf(p: PacketView): Tuple | undefined {
  if (p.proto === IPPROTO_TCP || p.proto === IPPROTO_UDP)
    return { src: p.src, dst: p.dst, proto: p.proto, sport: p.sport, dport: p.dport };
  if (p.proto === IPPROTO_ICMP) {
    if (!ICMP_QUERY_REPLY.has(p.icmpType)) return undefined;
    return { src: p.src, dst: p.dst, proto: p.proto, sport: p.icmpId, dport: p.icmpType };
  }
  return { src: p.src, dst: p.dst, proto: p.proto, sport: 0, dport: 0 };
}

/** The tuple a reply would have (nf_ct_invert_tuple). */
export function invert(t: Tuple): Tuple {
  if (t.proto === IPPROTO_ICMP)
    return { src: t.dst, dst: t.src, proto: t.proto, sport: t.sport, dport: ICMP_QUERY_REPLY.get(t.dport) ?? t.dport };
  return { src: t.dst, dst: t.src, proto: t.proto, sport: t.dport, dport: t.sport };
}

export function tupleKey(t: Tuple): string {
  return `${t.proto}/${t.src}:${t.sport}>${t.dst}:${t.dport}`;
}

export function sameTuple(a: Tuple, b: Tuple): boolean {
  return a.src === b.src && a.dst === b.dst && a.proto === b.proto && a.sport === b.sport && a.dport === b.dport;
}

const PROTO_NAMES: Record<number, string> = { [IPPROTO_ICMP]: 'icmp', [IPPROTO_TCP]: 'tcp', [IPPROTO_UDP]: 'udp' };

/** As conntrack(8) prints a tuple. */
export function formatTuple(t: Tuple): string {
  const base = `src=${formatIpv4(t.src)} dst=${formatIpv4(t.dst)}`;
  if (t.proto === IPPROTO_ICMP) return `${base} type=${t.dport} id=${t.sport}`;
  if (t.proto === IPPROTO_TCP || t.proto === IPPROTO_UDP) return `${base} sport=${t.sport} dport=${t.dport}`;
  return base;
}

export function protoName(proto: number): string {
  return PROTO_NAMES[proto] ?? String(proto);
}
