/**
 * The neighbour table of one device: ARP resolution as Linux does it (net/core/neighbour.c,
 * net/ipv4/arp.c) with Linux's defaults (ip-sysctl.rst, "neigh/default"): a packet to an
 * unknown next hop is queued and a broadcast request sent every retrans_time (1 s);
 * after mcast_solicit (3) requests without an answer the entry fails and every queued
 * packet is answered with ICMP host unreachable (arp_error_report -> dst_link_failure),
 * which is how ping comes to print "Destination Host Unreachable" from its own address.
 * An answer makes the entry REACHABLE for a random time in [base/2, 3*base/2] of
 * base_reachable_time (30 s); a STALE entry in use waits delay_first_probe_time (5 s)
 * and then probes by unicast (ucast_solicit, 3) before failing.
 *
 * A packet carrying TCP's confirmation (SkBuff.pendingConfirm, sim/skb.ts) confirms the entry it is
 * sent through, at its origin and at every host that forwards it. The timers
 * run on the kernel's timer wheel (timer-wheel.ts), so they fire a little late, and a
 * confirmation must fall within delay_first_probe_time before the DELAY timer fires.
 *
 * Not modelled: the garbage collector (gc_stale_time), proxy ARP, locktime.
 */
import type { Rng } from '../../core/rng.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { Simulation } from '../engine/simulation.js';
import { wheelDelay } from '../engine/timer-wheel.js';
import type { SkBuff } from '../skb.js';

export const NEIGH_RETRANS_NS = 1_000_000_000;
export const NEIGH_MCAST_SOLICIT = 3;
export const NEIGH_UCAST_SOLICIT = 3;
export const NEIGH_BASE_REACHABLE_NS = 30_000_000_000;
export const NEIGH_DELAY_FIRST_PROBE_NS = 5_000_000_000;
/** unres_qlen_bytes: SK_WMEM_MAX, 212992 bytes of queued packets per neighbour. */
export const NEIGH_UNRES_QLEN_BYTES = 212_992;
/** Approximate per-packet overhead counted against unres_qlen_bytes (skb truesize). */
const SKB_OVERHEAD = 768;

export type NudState = 'incomplete' | 'reachable' | 'stale' | 'delay' | 'probe' | 'failed' | 'permanent';

/** What the table needs from the stack. */
export interface NeighbourIo {
  /** Sends an ARP request for `ip`, broadcast, or unicast to `mac` when probing. */
  solicit(ip: number, unicastMac: number | undefined, trigger: SkBuff | undefined): void;
  /** Sends a frame (its IPv4 packet already in place) to a resolved MAC. */
  output(skb: SkBuff, mac: number): void;
  /** The next hop failed: answer a queued frame with host unreachable. */
  unreachable(skb: SkBuff): void;
}

export interface Neighbour {
  readonly ip: number;
  state: NudState;
  /** The MAC as a 48-bit number (core/wire/mac). */
  mac?: number;
  probes: number;
  queue: SkBuff[];
  queueBytes: number;
  timer?: number;
  confirmedNs: number;
  reachableNs: number;
}

const EV_TIMER = 1;

export class NeighbourTable implements EventHandler {
  private readonly entries = new Map<number, Neighbour>();

  constructor(
    private readonly sim: Simulation,
    private readonly rng: Rng,
    private readonly io: NeighbourIo,
  ) {}

  get(ip: number): Neighbour | undefined {
    return this.entries.get(ip);
  }

  /** Deletes an entry (ip neigh del); queued packets go with it. */
  remove(ip: number): void {
    const n = this.entries.get(ip);
    if (n === undefined) return;
    this.cancel(n);
    this.entries.delete(ip);
  }

  /**
   * The device lost its carrier or went down (neigh_carrier_down, neigh_ifdown ->
   * neigh_flush_dev): every entry but the permanent ones goes, and the packets waiting
   * for a resolution are freed without an ICMP error. Returns those packets. The next
   * packet to a flushed neighbour starts a resolution from scratch, whose requests are
   * lost while the carrier stays away.
   */
  flushDevice(): SkBuff[] {
    const freed: SkBuff[] = [];
    for (const [ip, n] of this.entries) {
      if (n.state === 'permanent') continue;
      this.cancel(n);
      freed.push(...n.queue);
      this.entries.delete(ip);
    }
    return freed;
  }

  /** A permanent entry (ip neigh replace ... nud permanent). */
  setPermanent(ip: number, mac: number): void {
    const n = this.entry(ip);
    this.cancel(n);
    Object.assign(n, { state: 'permanent', mac, probes: 0 });
    this.flush(n);
  }

  /** Sends `frame` to next hop `ip`, resolving first if needed (neigh_resolve_output). */
  send(ip: number, frame: SkBuff): void {
    const n = this.entry(ip);
    switch (n.state) {
      case 'permanent':
      case 'reachable':
      case 'delay':
      case 'probe':
        return this.io.output(frame, n.mac as number);
      case 'stale':
        this.arm(n, 'delay', NEIGH_DELAY_FIRST_PROBE_NS);
        return this.io.output(frame, n.mac as number);
      case 'failed':
      case 'incomplete':
        this.enqueue(n, frame);
        if (n.state === 'failed') {
          n.state = 'incomplete';
          n.probes = 0;
          this.probe(n, frame);
        }
    }
  }

  /**
   * An upper layer saw the neighbour answer (neigh_confirm, from TCP's
   * sk_dst_confirm on an ACK that made progress): the DELAY timer then returns the
   * entry to REACHABLE instead of probing, and a REACHABLE entry stays so.
   */
  confirm(ip: number): void {
    const n = this.entries.get(ip);
    if (n !== undefined && n.mac !== undefined && n.state !== 'permanent') n.confirmedNs = this.sim.now;
  }

  /** An ARP message from `ip` told us its MAC; `solicited` when it answered our request. */
  update(ip: number, mac: number, solicited: boolean): void {
    const n = this.entries.get(ip);
    if (n === undefined) {
      // arp_process: a request to us creates a STALE entry for its sender (neigh_event_ns).
      if (!solicited) Object.assign(this.entry(ip), { state: 'stale', mac });
      return;
    }
    if (n.state === 'permanent') return;
    n.mac = mac;
    if (solicited) {
      this.cancel(n);
      n.state = 'reachable';
      n.probes = 0;
      n.confirmedNs = this.sim.now;
      n.reachableNs = this.rng.int(NEIGH_BASE_REACHABLE_NS / 2, (3 * NEIGH_BASE_REACHABLE_NS) / 2);
      this.arm(n, 'reachable', n.reachableNs);
    } else if (n.state === 'incomplete' || n.state === 'failed') n.state = 'stale';
    this.flush(n);
  }

  private entry(ip: number): Neighbour {
    let n = this.entries.get(ip);
    if (n === undefined) {
      n = { ip, state: 'failed', probes: 0, queue: [], queueBytes: 0, confirmedNs: 0, reachableNs: 0 };
      this.entries.set(ip, n);
    }
    return n;
  }

  private enqueue(n: Neighbour, frame: SkBuff): void {
    n.queue.push(frame);
    n.queueBytes += frame.data.length + SKB_OVERHEAD;
    while (n.queueBytes > NEIGH_UNRES_QLEN_BYTES && n.queue.length > 1) {
      const old = n.queue.shift() as SkBuff;
      n.queueBytes -= old.data.length + SKB_OVERHEAD;
    }
  }

  private flush(n: Neighbour): void {
    if (n.mac === undefined) return;
    const q = n.queue;
    n.queue = [];
    n.queueBytes = 0;
    for (const f of q) this.io.output(f, n.mac);
  }

  private probe(n: Neighbour, trigger?: SkBuff): void {
    n.probes++;
    this.io.solicit(n.ip, n.state === 'probe' ? n.mac : undefined, trigger ?? n.queue[n.queue.length - 1]);
    this.arm(n, n.state, NEIGH_RETRANS_NS);
  }

  private arm(n: Neighbour, state: NudState, afterNs: number): void {
    this.cancel(n);
    n.state = state;
    n.timer = this.sim.schedule(wheelDelay(this.sim.now, afterNs), this, EV_TIMER, n);
  }

  private cancel(n: Neighbour): void {
    if (n.timer !== undefined) this.sim.cancel(n.timer);
    delete n.timer;
  }

  /** neigh_timer_handler. */
  handleEvent(_kind: number, arg: unknown): void {
    const n = arg as Neighbour;
    delete n.timer;
    const now = this.sim.now;
    switch (n.state) {
      case 'reachable':
        // Still confirmed within reachable_time: stay (neigh_timer_handler's first test).
        if (now < n.confirmedNs + n.reachableNs) return this.arm(n, 'reachable', n.confirmedNs + n.reachableNs - now);
        n.state = 'stale';
        return;
      case 'delay':
        if (now <= n.confirmedNs + NEIGH_DELAY_FIRST_PROBE_NS) {
          if (n.reachableNs === 0)
            n.reachableNs = this.rng.int(NEIGH_BASE_REACHABLE_NS / 2, (3 * NEIGH_BASE_REACHABLE_NS) / 2);
          return this.arm(n, 'reachable', n.confirmedNs + n.reachableNs - now);
        }
        n.state = 'probe';
        n.probes = 0;
        return this.probe(n);
      case 'incomplete':
      case 'probe': {
        const max = n.state === 'incomplete' ? NEIGH_MCAST_SOLICIT : NEIGH_UCAST_SOLICIT;
        if (n.probes < max) return this.probe(n);
        return this.fail(n);
      }
      default:
    }
  }

  /** neigh_invalidate: every queued packet gets host unreachable. */
  private fail(n: Neighbour): void {
    n.state = 'failed';
    const q = n.queue;
    n.queue = [];
    n.queueBytes = 0;
    for (const f of q) this.io.unreachable(f);
  }
}
