/**
 * What every probe application shares: its timeline entry, its flow id for tracing, and
 * how it reports. A probe ends once, with a ProbeResult; the outcome follows the closed
 * set of architecture decision 5. When no answer came, the simulator can say more than
 * a real tool: if one of the probe's packets was dropped silently, the outcome is
 * `dropped` with the drop that decided it; else `timed-out`. Every probe classifies its
 * raw facts (errno, ICMP error, silence) with core/outcome.ts, as the emulator does.
 */
import type { DropRecord, ProbeResult } from '../../core/observations.js';
import {
  type Classified,
  ICMP_DEST_UNREACH,
  ICMP_TIME_EXCEEDED,
  icmpOutcome,
  silentOutcome,
} from '../../core/outcome.js';
import type { ActionPlan, TimelineEntryPlan } from '../../core/plan/types.js';
import type { Topology } from '../topology.js';
import type { FlowId } from '../trace.js';

export type ProbeAction = Extract<ActionPlan, { kind: 'ping' | 'tcp' | 'udp' | 'pmtu' }>;

export abstract class Probe<A extends ProbeAction> {
  readonly flow: FlowId;
  protected done = false;

  constructor(
    protected readonly topology: Topology,
    protected readonly entry: TimelineEntryPlan,
    protected readonly action: A,
    private readonly report: (r: ProbeResult) => void,
  ) {
    this.flow = topology.trace.newFlow(entry.name);
  }

  /** Starts the probe at the current simulated time. */
  abstract start(): void;

  /**
   * Reports the result once; later calls are ignored. The trace is added when the run
   * ends (sim/run.ts), since the probe's packets go on being traced after it ended (a
   * TCP close, a late reply).
   */
  protected finish(r: Omit<ProbeResult, 'name' | 'kind' | 'atNs' | 'ns' | 'dst' | 'trace' | 'drop'>): void {
    if (this.done) return;
    this.done = true;
    this.cleanup();
    const drop = this.topology.trace.drops.find((d) => d.probe === this.entry.name);
    this.report({
      name: this.entry.name,
      kind: this.action.kind,
      atNs: this.entry.atNs,
      ns: this.action.ns,
      dst: this.action.dst,
      ...('port' in this.action && { port: this.action.port }),
      ...r,
      ...(drop !== undefined && { drop }),
    });
  }

  /** The run ended before the probe did (the scenario's duration): it ends as timed out. */
  abandon(): void {
    this.finish({
      outcome: 'timed-out',
      detail: 'the run ended before the probe did',
      sent: 0,
      received: 0,
      rttsNs: [],
    });
  }

  /** Closes sockets and timers; called once by finish. */
  protected abstract cleanup(): void;

  /**
   * The drop that decides a silent end: the first of this probe's packets dropped
   * silently (a missing listener answers, and a failed ARP is the kernel's
   * "unreachable" after the fact, so neither counts).
   */
  protected silentDrop(): DropRecord | undefined {
    return this.topology.trace.drops.find(
      (x) => x.probe === this.entry.name && x.reason !== 'no-listener' && x.reason !== 'arp-failed',
    );
  }

  /** `dropped` when one of this probe's packets was dropped silently, else `timed-out` (core/outcome.ts). */
  protected silentOutcome(): Classified {
    return silentOutcome(this.silentDrop());
  }
}

/** The outcome and words for an ICMP error a client received (core/outcome.ts, as ping(8) prints it). */
export function icmpErrorOutcome(type: 'dest-unreachable' | 'time-exceeded', code: number, mtu: number): Classified {
  return icmpOutcome(type === 'time-exceeded' ? ICMP_TIME_EXCEEDED : ICMP_DEST_UNREACH, code, mtu);
}
