/**
 * What the simulator records as it runs: drops (every one, with where and why), the
 * decision steps of probe packets, and per-device captures. Elements report here and
 * never write files (reports/ does that). Drop reasons are a closed vocabulary so that
 * reports and the twin comparison can count and compare them.
 */
import type { DropRecord, TraceStep, TraceSummary } from '../core/observations.js';
import type { SkBuff } from './skb.js';
import { FlowSteps, TRACE_STEPS_KEPT } from './trace-record.js';

/**
 * A probe's drops kept beyond the run's `maxDrops`: the first of each reason always (the
 * probe's outcome names one), then up to this many. A probe of many packets behind a
 * dropping rule must not grow the run's memory with every packet.
 */
export const DROPS_KEPT_PER_PROBE = 1_000;

/** Why a packet was dropped. */
export type DropReason =
  | 'link-down' // the sending device is administratively down
  | 'no-carrier' // the far end of the cable is down
  | 'loss' // random loss of a link impairment
  | 'queue-full' // a link's queue limit
  | 'mtu' // larger than the device it must cross, and not fragmentable
  | 'not-for-us' // unicast to another host's MAC
  | 'no-route' // no route to the destination
  | 'arp-failed' // the next hop did not answer ARP
  | 'ttl-expired'
  | 'forwarding-off' // not for this host and ip_forward=0
  | 'no-listener' // nothing listens on that port (answered by RST or ICMP)
  | 'hairpin' // would go back out of the port it came in, hairpin off
  | 'bridge-down'
  | 'filtered' // a netfilter rule or policy
  | 'reassembly-timeout'
  | 'malformed'
  | 'martian'; // source address that cannot be right on that interface

/** A packet identity for tracing: which probe it belongs to (0: none). */
export type FlowId = number;

/** Per-device capture buffer: frames in order of the time they crossed the device. */
export interface CaptureBuffer {
  readonly ns: string;
  readonly dev: string;
  readonly records: { timeNs: number; data: Uint8Array }[];
}

/**
 * The trace sink of one simulation. Packets that belong to a probe carry its flow id
 * (SkBuff.flow) so that untraced traffic, as in benchmarks, costs nothing.
 * Each probe keeps a bounded number of steps (sim/trace-record.ts) and of drops.
 */
export class TraceSink {
  readonly drops: DropRecord[] = [];
  private readonly steps = new Map<FlowId, FlowSteps>();
  /** Per probe: drops recorded, and the reasons of those kept. */
  private readonly flowDrops = new Map<FlowId, { count: number; reasons: Set<string> }>();
  private readonly probeNames = new Map<FlowId, string>();
  /** Whether any flow is traced; checked before the per-frame work. */
  tracing = false;
  /** Drops beyond this many are counted, not kept (a loss storm must not eat memory). */
  maxDrops = 100_000;
  dropCount = 0;

  /** Registers a probe and returns its flow id. */
  newFlow(probe: string): FlowId {
    const id = this.probeNames.size + 1;
    this.probeNames.set(id, probe);
    this.steps.set(id, new FlowSteps());
    this.tracing = true;
    return id;
  }

  /** Tags a packet as belonging to a flow. */
  tag(skb: SkBuff, flow: FlowId): void {
    if (flow !== 0) skb.flow = flow;
  }

  /** The flow of a packet (0 when untraced). */
  flowOf(skb: SkBuff): FlowId {
    return skb.flow;
  }

  /** Carries a packet's flow over to a packet made in answer to it (a reply, an ICMP error). */
  inherit(from: SkBuff, to: SkBuff): void {
    to.flow = from.flow;
  }

  /** Records a decision step for a traced packet. */
  step(skb: SkBuff, timeNs: number, ns: string, dev: string | undefined, step: string, detail: string): void {
    if (!this.tracing || skb.flow === 0) return;
    this.steps.get(skb.flow)?.push({ timeNs, ns, ...(dev !== undefined && { dev }), step, detail });
  }

  /** Records a drop. */
  drop(d: DropRecord, skb?: SkBuff): void {
    this.dropCount++;
    const flow = skb === undefined ? 0 : skb.flow;
    const probe = flow === 0 ? undefined : this.probeNames.get(flow);
    if (probe === undefined ? this.drops.length < this.maxDrops : this.keepProbeDrop(flow, d.reason))
      this.drops.push(probe === undefined ? d : { ...d, probe });
    if (skb !== undefined && flow !== 0)
      this.step(skb, d.timeNs, d.ns, d.dev, 'drop', d.rule === undefined ? d.reason : `${d.reason}: ${d.rule}`);
  }

  /** Whether a probe's drop is kept: within the run's bound, or its first of that reason, or within the probe's. */
  private keepProbeDrop(flow: FlowId, reason: string): boolean {
    let f = this.flowDrops.get(flow);
    if (f === undefined) this.flowDrops.set(flow, (f = { count: 0, reasons: new Set() }));
    f.count++;
    const first = !f.reasons.has(reason);
    f.reasons.add(reason);
    return this.drops.length < this.maxDrops || first || f.count <= DROPS_KEPT_PER_PROBE;
  }

  /** The steps kept for a flow, in order (the first and last ones when it had too many: summaryOf). */
  stepsOf(flow: FlowId): TraceStep[] {
    return this.steps.get(flow)?.kept() ?? [];
  }

  /** What a flow's kept steps leave out, if anything. */
  summaryOf(flow: FlowId): TraceSummary | undefined {
    return this.steps.get(flow)?.summary();
  }

  /** The steps a flow had in all, kept or not. */
  stepCount(flow: FlowId): number {
    return this.steps.get(flow)?.total ?? 0;
  }

  /**
   * From now on a flow keeps only TRACE_STEPS_KEPT steps (its first and last): for a
   * probe that passed and whose trace nobody asked for.
   */
  keepShort(flow: FlowId, limit: number = TRACE_STEPS_KEPT): void {
    this.steps.get(flow)?.shrink(limit);
  }
}
