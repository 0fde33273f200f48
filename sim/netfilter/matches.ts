/**
 * Whether a rule's conditions hold for a packet (ipt_do_table's ip_packet_match, then
 * each match module): addresses under their prefix, interface names with iptables' `+`
 * prefix wildcard, the protocol, `-f` for later fragments, and the tcp, udp, icmp,
 * multiport, conntrack, state, addrtype, statistic and comment matches (xt_tcpudp.c,
 * xt_multiport.c, xt_conntrack.c, xt_state.c, xt_addrtype.c, xt_statistic.c).
 */
import { cidrContains } from '../../core/addr.js';
import {
  PROTOCOLS,
  type AddrType,
  type CtState,
  type Match,
  type Neg,
  type PortRange,
  type Rule,
} from '../../core/netfilter/types.js';
import type { Rng } from '../../core/rng.js';
import type { Association } from './conntrack.js';
import type { PacketView } from './packet.js';

/** What a match may ask beyond the packet: its devices, its conntrack entry, address types. */
export interface MatchContext {
  readonly p: PacketView;
  readonly inDev: string | undefined;
  readonly outDev: string | undefined;
  readonly ct: Association | undefined;
  /** The route type of an address (inet_addr_type; with a device, inet_dev_addr_type). */
  addrType(addr: number, dev?: string): AddrType;
  readonly rng: Rng;
  /** Per-rule counters of statistic --mode nth. */
  readonly nth: Map<Match, number>;
}

const inv = (n: { negated: boolean }, b: boolean) => b !== n.negated;

function ifaceMatches(pattern: string, dev: string | undefined): boolean {
  if (dev === undefined) return false;
  return pattern.endsWith('+') ? dev.startsWith(pattern.slice(0, -1)) : dev === pattern;
}

function inRange(r: PortRange, port: number): boolean {
  return port >= r.lo && port <= r.hi;
}

/** ip_packet_match plus every match module, in order. */
export function ruleMatches(r: Rule, c: MatchContext): boolean {
  const p = c.p;
  if (r.src !== undefined && !inv(r.src, cidrContains(r.src.value, p.src))) return false;
  if (r.dst !== undefined && !inv(r.dst, cidrContains(r.dst.value, p.dst))) return false;
  if (r.inIface !== undefined && !inv(r.inIface, ifaceMatches(r.inIface.value, c.inDev))) return false;
  if (r.outIface !== undefined && !inv(r.outIface, ifaceMatches(r.outIface.value, c.outDev))) return false;
  if (r.proto !== undefined && !inv(r.proto, p.proto === PROTOCOLS[r.proto.value])) return false;
  if (r.fragment !== undefined && !inv(r.fragment, p.fragOffset !== 0)) return false;
  return r.matches.every((m) => matchOne(m, c));
}

function matchOne(m: Match, c: MatchContext): boolean {
  const p = c.p;
  switch (m.kind) {
    case 'tcp':
    case 'udp':
      // A later fragment carries no ports: xt_tcpudp does not match it at all.
      if (!p.hasL4) return false;
      if (m.sport !== undefined && !inv(m.sport, inRange(m.sport.value, p.sport))) return false;
      if (m.dport !== undefined && !inv(m.dport, inRange(m.dport.value, p.dport))) return false;
      if (
        m.kind === 'tcp' &&
        m.flags !== undefined &&
        !inv(m.flags, (p.tcpFlags & m.flags.value.mask) === m.flags.value.comp)
      )
        return false;
      return true;
    case 'icmp': {
      if (!p.hasL4) return false;
      if (m.icmpType === undefined) return true;
      const t = m.icmpType.value;
      return inv(m.icmpType, p.icmpType === t.type && (t.code === undefined || p.icmpCode === t.code));
    }
    case 'multiport': {
      if (!p.hasL4) return false;
      const ports = m.dir === 'sports' ? [p.sport] : m.dir === 'dports' ? [p.dport] : [p.sport, p.dport];
      return inv(
        m.ports,
        m.ports.value.some((r) => ports.some((x) => inRange(r, x))),
      );
    }
    case 'conntrack':
      return stateMatches(m.ctstate, c);
    case 'state':
      return stateMatches(m.state, c);
    case 'addrtype':
      return addrTypeMatches(m, c);
    case 'statistic':
      return inv(m, m.mode === 'random' ? c.rng.float() < m.probability : nthHit(m, c));
    case 'comment':
      return true;
  }
}

/** xt_conntrack's state bits: the packet's ctinfo, plus SNAT/DNAT when the connection was translated. */
function stateMatches(s: Neg<readonly CtState[]>, c: MatchContext): boolean {
  const states = new Set<CtState>();
  if (c.ct === undefined) states.add('INVALID');
  else {
    const i = c.ct.info;
    states.add(i === 'new' ? 'NEW' : i === 'related' || i === 'related-reply' ? 'RELATED' : 'ESTABLISHED');
    if (c.ct.conn.srcNat) states.add('SNAT');
    if (c.ct.conn.dstNat) states.add('DNAT');
  }
  return inv(
    s,
    s.value.some((x) => states.has(x)),
  );
}

function addrTypeMatches(m: Extract<Match, { kind: 'addrtype' }>, c: MatchContext): boolean {
  const dev = m.limitIfaceIn ? c.inDev : m.limitIfaceOut ? c.outDev : undefined;
  if (m.srcType !== undefined && !inv(m.srcType, m.srcType.value.includes(c.addrType(c.p.src, dev)))) return false;
  if (m.dstType !== undefined && !inv(m.dstType, m.dstType.value.includes(c.addrType(c.p.dst, dev)))) return false;
  return true;
}

/**
 * statistic --mode nth (xt_statistic.c): a counter per rule, starting at --packet,
 * wraps after every-1; the rule matches when it wraps to 0.
 */
function nthHit(m: Extract<Match, { kind: 'statistic'; mode: 'nth' }>, c: MatchContext): boolean {
  const count = c.nth.get(m) ?? m.packet;
  const next = count === m.every - 1 ? 0 : count + 1;
  c.nth.set(m, next);
  return next === 0;
}
