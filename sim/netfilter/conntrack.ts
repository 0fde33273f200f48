/**
 * Connection tracking (net/netfilter/nf_conntrack_core.c): a table of connections, each
 * known by its original and its reply tuple, and the per-packet classification the
 * conntrack and state matches read: NEW (original direction, no reply seen yet),
 * ESTABLISHED (a reply was seen, or this is one), RELATED (an ICMP error about a tracked
 * connection), INVALID (nothing to attach it to). A new connection stays unconfirmed,
 * attached to its packet only, until that packet leaves the last hook (POSTROUTING or
 * INPUT); a packet dropped before then leaves no entry, so a retried SYN is new again
 * and goes through the nat table again (docker-semantics 5.3).
 *
 * Timeouts are the kernel's defaults (nf_conntrack_proto_{tcp,udp,icmp,generic}.c) and
 * entries expire lazily when looked up. TCP state follows the handshake and teardown
 * coarsely (no window tracking, no INVALID for out-of-window segments); mid-stream
 * pickup follows nf_conntrack_tcp_loose=1 (an ACK without SYN starts an ESTABLISHED
 * entry). Not modelled: helpers and expectations, zones, marks, the table size limit.
 */
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP } from '../../core/wire/ipv4.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../core/wire/tcp.js';
import type { PacketView } from './packet.js';
import { invert, tupleKey, type Tuple } from './tuple.js';

const S = 1_000_000_000;

/** TCP conntrack states and their timeouts (nf_conntrack_proto_tcp.c tcp_timeouts). */
export const TCP_TIMEOUTS_NS = {
  'syn-sent': 120 * S,
  'syn-recv': 60 * S,
  established: 432_000 * S,
  'fin-wait': 120 * S,
  'close-wait': 60 * S,
  'last-ack': 30 * S,
  'time-wait': 120 * S,
  close: 10 * S,
} as const;
export type TcpCtState = keyof typeof TCP_TIMEOUTS_NS;

/** nf_conntrack_proto_udp.c: 30 s until a reply, 120 s once the flow is a stream. */
export const UDP_TIMEOUT_NS = 30 * S;
export const UDP_STREAM_TIMEOUT_NS = 120 * S;
/** nf_conntrack_proto_icmp.c: nf_ct_icmp_timeout, 30 s. */
export const ICMP_TIMEOUT_NS = 30 * S;
/** nf_conntrack_proto_generic.c: 600 s. */
export const GENERIC_TIMEOUT_NS = 600 * S;

export const ORIGINAL = 0;
export const REPLY = 1;
export type Direction = typeof ORIGINAL | typeof REPLY;

export class Connection {
  /** [original, reply]; NAT rewrites the reply tuple when it binds. */
  readonly tuple: [Tuple, Tuple];
  confirmed = false;
  seenReply = false;
  /** Which NAT manips were set up (nf_nat_initialized) and which changed the tuple. */
  natInit = { src: false, dst: false };
  srcNat = false;
  dstNat = false;
  tcpState: TcpCtState = 'syn-sent';
  expiresNs = 0;

  constructor(
    readonly id: number,
    orig: Tuple,
  ) {
    this.tuple = [orig, invert(orig)];
  }
}

/** The classification of one packet (enum ip_conntrack_info). */
export type CtInfo = 'new' | 'established' | 'related' | 'established-reply' | 'related-reply';

export interface Association {
  readonly conn: Connection;
  readonly dir: Direction;
  readonly info: CtInfo;
}

export class ConntrackTable {
  private readonly byTuple = new Map<string, { conn: Connection; dir: Direction }>();
  private nextId = 1;

  constructor(private readonly now: () => number) {}

  /** The live connection that has `t` as one of its tuples, and in which direction. */
  find(t: Tuple): { conn: Connection; dir: Direction } | undefined {
    const hit = this.byTuple.get(tupleKey(t));
    if (hit === undefined) return undefined;
    if (hit.conn.expiresNs <= this.now()) {
      this.remove(hit.conn);
      return undefined;
    }
    return hit;
  }

  /** Whether a confirmed connection other than `self` uses tuple `t` (nf_conntrack_tuple_taken). */
  taken(t: Tuple, self?: Connection): boolean {
    const hit = this.find(t);
    return hit !== undefined && hit.conn !== self;
  }

  /** A new, unconfirmed connection for a packet with tuple `t`. */
  create(t: Tuple): Connection {
    return new Connection(this.nextId++, t);
  }

  /** Inserts an unconfirmed connection (__nf_conntrack_confirm); false on a clash with a live entry. */
  confirm(c: Connection): boolean {
    if (c.confirmed) return true;
    if (this.find(c.tuple[ORIGINAL]) !== undefined || this.find(c.tuple[REPLY]) !== undefined) return false;
    c.confirmed = true;
    this.byTuple.set(tupleKey(c.tuple[ORIGINAL]), { conn: c, dir: ORIGINAL });
    this.byTuple.set(tupleKey(c.tuple[REPLY]), { conn: c, dir: REPLY });
    return true;
  }

  remove(c: Connection): void {
    for (const d of [ORIGINAL, REPLY] as const) {
      const k = tupleKey(c.tuple[d]);
      if (this.byTuple.get(k)?.conn === c) this.byTuple.delete(k);
    }
  }

  /** The live, confirmed connections (conntrack -L), oldest first. */
  list(): Connection[] {
    const out = new Set<Connection>();
    for (const { conn } of this.byTuple.values()) if (conn.expiresNs > this.now()) out.add(conn);
    return [...out].sort((a, b) => a.id - b.id);
  }
}

/** Whether a TCP packet may start a connection: a SYN, or (loose pickup) an ACK without SYN or RST. */
export function tcpCanStart(p: PacketView): boolean {
  const f = p.tcpFlags;
  if (f & TCP_RST) return false;
  return (f & TCP_SYN) !== 0 ? (f & TCP_ACK) === 0 : (f & TCP_ACK) !== 0;
}

/** Advances a connection's state and timeout for a packet seen in direction `dir`. */
export function track(c: Connection, p: PacketView, dir: Direction, nowNs: number): void {
  if (p.proto === IPPROTO_TCP) {
    c.tcpState = nextTcpState(c.tcpState, p.tcpFlags, dir, c.seenReply);
    c.expiresNs = nowNs + TCP_TIMEOUTS_NS[c.tcpState];
  } else if (p.proto === IPPROTO_UDP) c.expiresNs = nowNs + (c.seenReply ? UDP_STREAM_TIMEOUT_NS : UDP_TIMEOUT_NS);
  else if (p.proto === IPPROTO_ICMP) c.expiresNs = nowNs + ICMP_TIMEOUT_NS;
  else c.expiresNs = nowNs + GENERIC_TIMEOUT_NS;
}

/** The coarse TCP state machine (tcp_conntracks in nf_conntrack_proto_tcp.c, without window checks). */
export function nextTcpState(s: TcpCtState, flags: number, dir: Direction, seenReply: boolean): TcpCtState {
  if (flags & TCP_RST) return 'close';
  if (flags & TCP_SYN) {
    if (flags & TCP_ACK) return dir === REPLY && (s === 'syn-sent' || s === 'syn-recv') ? 'syn-recv' : s;
    return s === 'time-wait' || s === 'close' ? 'syn-sent' : s;
  }
  if (flags & TCP_FIN) {
    if (s === 'established' || s === 'syn-recv') return dir === ORIGINAL ? 'fin-wait' : 'close-wait';
    if (s === 'fin-wait' || s === 'close-wait') return 'last-ack';
    return s;
  }
  if (flags & TCP_ACK) {
    if (s === 'syn-recv' && dir === ORIGINAL) return 'established';
    if (s === 'syn-sent' && !seenReply && dir === ORIGINAL) return 'established'; // loose pickup
    if (s === 'last-ack') return 'time-wait';
  }
  return s;
}
