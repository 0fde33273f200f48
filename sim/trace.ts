/**
 * What the simulator records as it runs: drops (every one, with where and why), the
 * decision steps of probe packets, and per-device captures. Elements report here and
 * never write files (reports/ does that). Drop reasons are a closed vocabulary so that
 * reports and the twin comparison can count and compare them.
 */
import type { DropRecord, TraceStep } from '../core/observations.js';

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
 * The trace sink of one simulation. Frames that belong to a probe are tagged (by
 * identity, in a WeakMap) so that untraced traffic, as in benchmarks, costs nothing.
 */
export class TraceSink {
  readonly drops: DropRecord[] = [];
  private readonly flows = new WeakMap<Uint8Array, FlowId>();
  private readonly steps = new Map<FlowId, TraceStep[]>();
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
    this.steps.set(id, []);
    this.tracing = true;
    return id;
  }

  /** Tags a frame as belonging to a flow. */
  tag(frame: Uint8Array, flow: FlowId): void {
    if (flow !== 0) this.flows.set(frame, flow);
  }

  /** The flow of a frame (0 when untraced). */
  flowOf(frame: Uint8Array): FlowId {
    return this.tracing ? (this.flows.get(frame) ?? 0) : 0;
  }

  /** Carries a frame's flow over to a frame derived from it (a copy, a reply, an ICMP error). */
  inherit(from: Uint8Array, to: Uint8Array): void {
    if (!this.tracing) return;
    const f = this.flows.get(from);
    if (f !== undefined) this.flows.set(to, f);
  }

  /** Records a decision step for a traced frame. */
  step(frame: Uint8Array, timeNs: number, ns: string, dev: string | undefined, step: string, detail: string): void {
    if (!this.tracing) return;
    const f = this.flows.get(frame);
    if (f !== undefined) this.steps.get(f)?.push({ timeNs, ns, ...(dev !== undefined && { dev }), step, detail });
  }

  /** Records a drop. */
  drop(d: DropRecord, frame?: Uint8Array): void {
    this.dropCount++;
    const flow = frame === undefined ? 0 : this.flowOf(frame);
    const probe = flow === 0 ? undefined : this.probeNames.get(flow);
    if (this.drops.length < this.maxDrops || probe !== undefined) this.drops.push(probe === undefined ? d : { ...d, probe });
    if (frame !== undefined && flow !== 0) this.step(frame, d.timeNs, d.ns, d.dev, 'drop', d.rule === undefined ? d.reason : `${d.reason}: ${d.rule}`);
  }

  /** The steps recorded for a flow. */
  stepsOf(flow: FlowId): readonly TraceStep[] {
    return this.steps.get(flow) ?? [];
  }
}
