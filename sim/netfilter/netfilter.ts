/**
 * Netfilter in one namespace: the iptables tables at the five IPv4 hooks, in the
 * kernel's priority order (include/uapi/linux/netfilter_ipv4.h NF_IP_PRI_*), with
 * connection tracking and NAT between them:
 *
 *   PREROUTING   raw, conntrack, mangle, nat (destination)
 *   INPUT        mangle, filter, nat (source), confirm
 *   FORWARD      mangle, filter
 *   OUTPUT       raw, conntrack, mangle, nat (destination), filter
 *   POSTROUTING  mangle, nat (source), confirm
 *
 * The nat table is consulted only for a connection's first packet per manip type; every
 * packet is then rewritten from the binding (nf_nat_inet_fn). A rewrite copies the
 * frame first (skb_ensure_writable), so frames shared by a flood or a capture are never
 * changed under another reader. Connection tracking runs when the ruleset needs it (a
 * nat table, a conntrack or state match), as the kernel registers its hooks only then;
 * the stack then reassembles fragments before PREROUTING (nf_defrag_ipv4).
 *
 * Every drop records the table, chain and rule that decided; LOG rules and NAT
 * decisions are written to the packet's trace.
 */
import { copyFrame } from '../../core/wire/alloc.js';
import { ICMP_HEADER_LEN } from '../../core/wire/icmpv4.js';
import { IPPROTO_ICMP, IPPROTO_TCP } from '../../core/wire/ipv4.js';
import type { AddrType, Match, RejectType, Ruleset, TableName } from '../../core/netfilter/types.js';
import type { Rng } from '../../core/rng.js';
import type { SkBuff } from '../skb.js';
import { describeDecision, indexTable, walk, type Decision, type IndexedTable, type WalkResult } from './chains.js';
import { ConntrackTable, ORIGINAL, REPLY, tcpCanStart, track, type Association } from './conntrack.js';
import type { MatchContext } from './matches.js';
import { manipApplies, natIcmpError, natPacket, rangeOf, setupNat, type BindRange, type Manip } from './nat.js';
import { ICMP_ERROR_TYPES, viewPacket, type PacketView } from './packet.js';
import { formatTuple, invert, tupleOf } from './tuple.js';

export type Hook = 'prerouting' | 'input' | 'forward' | 'output' | 'postrouting';

/** What netfilter needs from the namespace it runs in. */
export interface NfHost {
  now(): number;
  readonly rng: Rng;
  addrType(addr: number, dev?: string): AddrType;
  /** MASQUERADE: the address of `dev` used toward `nextHop` (inet_select_addr). */
  masqueradeSource(dev: string, nextHop: number): number | undefined;
  /** REDIRECT: the incoming device's primary address; 127.0.0.1 for local packets. */
  redirectAddress(inDev: string | undefined): number | undefined;
  /** REJECT: answers `skb` with an ICMP error or a TCP reset (ipt_REJECT). */
  reject(skb: SkBuff, type: RejectType, inDev: string | undefined): void;
  /** Records a drop by a rule or policy. */
  drop(skb: SkBuff, dev: string | undefined, rule: string): void;
  /** Records a decision step of a traced packet. */
  step(skb: SkBuff, dev: string | undefined, step: string, detail: string): void;
}

/** Where each table runs, in priority order per hook, and its built-in chain there. */
const HOOK_TABLES: Readonly<Record<Hook, readonly { table: TableName | 'conntrack' | 'confirm'; chain: string }[]>> = {
  prerouting: [
    { table: 'raw', chain: 'PREROUTING' },
    { table: 'conntrack', chain: '' },
    { table: 'mangle', chain: 'PREROUTING' },
    { table: 'nat', chain: 'PREROUTING' },
  ],
  input: [
    { table: 'mangle', chain: 'INPUT' },
    { table: 'filter', chain: 'INPUT' },
    { table: 'nat', chain: 'INPUT' },
    { table: 'confirm', chain: '' },
  ],
  forward: [
    { table: 'mangle', chain: 'FORWARD' },
    { table: 'filter', chain: 'FORWARD' },
  ],
  output: [
    { table: 'raw', chain: 'OUTPUT' },
    { table: 'conntrack', chain: '' },
    { table: 'mangle', chain: 'OUTPUT' },
    { table: 'nat', chain: 'OUTPUT' },
    { table: 'filter', chain: 'OUTPUT' },
  ],
  postrouting: [
    { table: 'mangle', chain: 'POSTROUTING' },
    { table: 'nat', chain: 'POSTROUTING' },
    { table: 'confirm', chain: '' },
  ],
};

/** The manip type of the nat table at each hook (NF_NAT_MANIP_DST before routing, SRC after). */
const NAT_MANIP: Partial<Record<Hook, Manip>> = { prerouting: 'dst', output: 'dst', postrouting: 'src', input: 'src' };

interface HookCall {
  frame: SkBuff;
  readonly hook: Hook;
  readonly inDev: string | undefined;
  readonly outDev: string | undefined;
  readonly nextHop: number | undefined;
}

export class Netfilter {
  readonly conntrack: ConntrackTable;
  /** Whether conntrack's hooks are registered (and so fragments are reassembled first). */
  readonly tracking: boolean;
  private readonly tables = new Map<TableName, IndexedTable>();
  /** Per-rule counters of statistic --mode nth (xt_statistic_priv), by match. */
  private readonly nth = new Map<Match, number>();

  constructor(
    ruleset: Ruleset,
    private readonly host: NfHost,
  ) {
    for (const [name, t] of ruleset.tables) this.tables.set(name, indexTable(t));
    this.tracking = needsConntrack(ruleset);
    this.conntrack = new ConntrackTable(() => host.now());
  }

  /**
   * nf_ct_attach: a packet this host makes in answer to `offending` (REJECT's reset,
   * nf_send_reset; any ICMP error, icmp_glue_bits) joins the offending packet's
   * connection, RELATED in the other direction, even while that connection is still
   * unconfirmed (a first packet rejected in FORWARD). NAT then translates the answer as
   * a reply: a reset to a DNATed connection leaves from the address the client wrote to.
   */
  attach(offending: SkBuff, answer: SkBuff): void {
    const a = offending.ct;
    if (a === undefined) return;
    const dir = a.dir === ORIGINAL ? REPLY : ORIGINAL;
    answer.ct = { conn: a.conn, dir, info: dir === REPLY ? 'related-reply' : 'related' };
  }

  /** Runs a hook; returns the packet (possibly a rewritten copy) or undefined when it was dropped. */
  hook(hook: Hook, frame: SkBuff, inDev?: string, outDev?: string, nextHop?: number): SkBuff | undefined {
    const call: HookCall = { frame, hook, inDev, outDev, nextHop };
    for (const step of HOOK_TABLES[hook]) {
      if (step.table === 'conntrack') {
        if (this.tracking) this.conntrackIn(call);
      } else if (step.table === 'confirm') {
        if (!this.confirm(call)) return undefined;
      } else if (step.table === 'nat') {
        if (!this.nat(call, step.chain)) return undefined;
      } else if (!this.filterStep(call, step.table, step.chain)) return undefined;
    }
    return call.frame;
  }

  private context(call: HookCall, p: PacketView): MatchContext {
    const h = this.host;
    return {
      p,
      inDev: call.inDev,
      outDev: call.outDev,
      ct: call.frame.ct,
      addrType: (a, d) => h.addrType(a, d),
      rng: h.rng,
      nth: this.nth,
    };
  }

  private walkTable(call: HookCall, t: IndexedTable, chain: string): WalkResult {
    const p = viewPacket(call.frame.data);
    return walk(t, chain, this.context(call, p), (prefix, by) =>
      this.host.step(call.frame, call.inDev ?? call.outDev, 'log', `LOG "${prefix}" (${describeDecision(by)})`),
    );
  }

  /** raw, mangle and filter: ACCEPT goes on to the next table, DROP and REJECT end the packet. */
  private filterStep(call: HookCall, table: TableName, chain: string): boolean {
    const t = this.tables.get(table);
    if (t === undefined) return true;
    const r = this.walkTable(call, t, chain);
    const dev = call.inDev ?? call.outDev;
    if (r.kind === 'accept') {
      if (r.by.rule > 0) this.host.step(call.frame, dev, 'netfilter', `accepted by ${describeDecision(r.by)}`);
      return true;
    }
    if (r.kind === 'target' && r.target.kind === 'REJECT') {
      this.host.drop(call.frame, dev, describeDecision(r.by));
      this.host.reject(call.frame, r.target.with, call.inDev);
      return false;
    }
    if (r.kind === 'target')
      throw new Error(
        `netfilter: ${r.target.kind} reached outside the nat table (${describeDecision(r.by)}); the ruleset check should have refused it`,
      );
    this.host.drop(call.frame, dev, describeDecision(r.by));
    return false;
  }

  /** nf_conntrack_in: attach the packet to its connection, or a new unconfirmed one, or none (INVALID). */
  private conntrackIn(call: HookCall): void {
    const skb = call.frame;
    if (skb.ct !== undefined) return; // seen before: looped back from OUTPUT
    const p = viewPacket(skb.data);
    if (p.proto === IPPROTO_ICMP && ICMP_ERROR_TYPES.has(p.icmpType)) return this.relate(skb, p);
    const t = tupleOf(p);
    if (t === undefined || p.fragOffset !== 0) return;
    const hit = this.conntrack.find(t);
    if (hit !== undefined) {
      const reply = hit.dir === REPLY;
      if (reply) hit.conn.seenReply = true;
      track(hit.conn, p, hit.dir, this.host.now());
      skb.ct = {
        conn: hit.conn,
        dir: hit.dir,
        info: reply ? 'established-reply' : hit.conn.seenReply ? 'established' : 'new',
      };
      return;
    }
    if (p.proto === IPPROTO_TCP && !tcpCanStart(p)) return;
    const c = this.conntrack.create(t);
    track(c, p, ORIGINAL, this.host.now());
    skb.ct = { conn: c, dir: ORIGINAL, info: 'new' };
  }

  /** An ICMP error is RELATED to the connection of the datagram it quotes (icmp_error_message). */
  private relate(skb: SkBuff, p: PacketView): void {
    const innerIp = p.l4 + ICMP_HEADER_LEN;
    if (innerIp + 20 > skb.data.length) return;
    const inner = tupleOf(viewPacket(skb.data, innerIp));
    const hit = inner === undefined ? undefined : this.conntrack.find(invert(inner));
    if (hit === undefined) return;
    skb.ct = { conn: hit.conn, dir: hit.dir, info: hit.dir === REPLY ? 'related-reply' : 'related' };
  }

  /** The nat table at a hook, then the binding applied to the packet (nf_nat_ipv4_fn). */
  private nat(call: HookCall, chain: string): boolean {
    const manip = NAT_MANIP[call.hook] as Manip;
    const a = call.frame.ct;
    if (a === undefined || !this.tables.has('nat')) return true;
    const c = a.conn;
    const p = viewPacket(call.frame.data);
    const related = a.info === 'related' || a.info === 'related-reply';
    if (related && p.proto === IPPROTO_ICMP) {
      if (manipApplies(c, manip, a.dir)) this.rewrite(call, () => natIcmpError(call.frame.data, c, a.dir, manip));
      return true;
    }
    // A related packet that is not ICMP (an attached reset) is handled as a new one
    // (nf_nat_inet_fn falls through from IP_CT_RELATED to IP_CT_NEW): a manip its
    // connection has not set up yet runs the chain for it.
    const fresh = a.info === 'new' || related;
    if (fresh && !(manip === 'src' ? c.natInit.src : c.natInit.dst) && !this.bind(call, chain, manip, p)) return false;
    if (manipApplies(c, manip, a.dir))
      this.rewrite(call, () => natPacket(call.frame.data, c, a.dir, manip, p.proto, p.icmpType));
    return true;
  }

  /** Runs the nat chain for a new connection and sets up its binding; false when the chain dropped the packet. */
  private bind(call: HookCall, chain: string, manip: Manip, p: PacketView): boolean {
    const a = call.frame.ct as Association;
    const r = this.walkTable(call, this.tables.get('nat') as IndexedTable, chain);
    if (r.kind === 'drop') {
      this.host.drop(call.frame, call.inDev ?? call.outDev, describeDecision(r.by));
      return false;
    }
    const range = r.kind === 'target' ? this.rangeFor(call, r, p) : undefined;
    const before = formatTuple(a.conn.tuple[REPLY]);
    setupNat(this.conntrack, a.conn, manip, range, this.host.rng);
    if (r.kind === 'target')
      this.host.step(
        call.frame,
        call.inDev ?? call.outDev,
        'nat',
        `${describeDecision(r.by)}: reply expected as ${formatTuple(a.conn.tuple[REPLY])} (was ${before})`,
      );
    return true;
  }

  private rangeFor(call: HookCall, r: Extract<WalkResult, { kind: 'target' }>, p: PacketView): BindRange | undefined {
    const t = r.target;
    switch (t.kind) {
      case 'DNAT':
        return rangeOf(t.to, p.dst);
      case 'SNAT':
        return rangeOf(t.to, p.src);
      case 'MASQUERADE': {
        const ip = this.host.masqueradeSource(call.outDev ?? '', call.nextHop ?? p.dst);
        if (ip === undefined) return undefined;
        return { minIp: ip, maxIp: ip, ...(t.ports && { ports: t.ports }), ...(t.random && { random: true }) };
      }
      case 'REDIRECT': {
        const ip = this.host.redirectAddress(call.inDev) ?? p.dst;
        return { minIp: ip, maxIp: ip, ...(t.ports && { ports: t.ports }) };
      }
      case 'REJECT':
        throw new Error(`netfilter: REJECT in the nat table (${describeDecision(r.by)})`);
    }
  }

  /**
   * Copies the frame before the first change (skb_ensure_writable) and rewrites the copy;
   * the copy keeps the packet's metadata. Linux makes the data private within the same
   * skb; the model's frame may be shared by a flood or a capture, so it copies the skb.
   */
  private rewrite(call: HookCall, edit: () => void): void {
    call.frame = call.frame.copy(copyFrame(call.frame.data));
    edit();
  }

  /** Inserts a new connection into the table when its packet leaves the last hook (nf_conntrack_confirm). */
  private confirm(call: HookCall): boolean {
    const a = call.frame.ct;
    // Only a packet of the original direction confirms (__nf_conntrack_confirm): an
    // answer attached to an unconfirmed connection leaves it unconfirmed.
    if (a === undefined || a.conn.confirmed || a.dir !== ORIGINAL) return true;
    if (this.conntrack.confirm(a.conn)) return true;
    this.host.drop(call.frame, call.outDev ?? call.inDev, 'conntrack: the connection clashes with an existing entry');
    return false;
  }
}

/** Conntrack registers its hooks in a namespace once a table or match needs it (nf_ct_netns_get). */
export function needsConntrack(rs: Ruleset): boolean {
  if (rs.tables.has('nat')) return true;
  for (const t of rs.tables.values()) {
    for (const c of t.chains)
      for (const r of c.rules) if (r.matches.some((m) => m.kind === 'conntrack' || m.kind === 'state')) return true;
  }
  return false;
}

export type { Decision };
