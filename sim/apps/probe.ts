/**
 * What every probe application shares: its timeline entry, its flow id for tracing, and
 * how it reports. A probe ends once, with a ProbeResult; the outcome follows the closed
 * set of architecture decision 5. When no answer came, the simulator can say more than
 * a real tool: if one of the probe's packets was dropped silently, the outcome is
 * `dropped` with the drop that decided it; else `timed-out`.
 */
import type { ProbeResult } from '../../core/observations.js';
import type { ActionPlan, TimelineEntryPlan } from '../../core/plan/types.js';
import type { World } from '../world.js';
import type { FlowId } from '../trace.js';

export type ProbeAction = Extract<ActionPlan, { kind: 'ping' | 'tcp' | 'udp' | 'pmtu' }>;

export abstract class Probe<A extends ProbeAction> {
  readonly flow: FlowId;
  protected done = false;

  constructor(
    protected readonly world: World,
    protected readonly entry: TimelineEntryPlan,
    protected readonly action: A,
    private readonly report: (r: ProbeResult) => void,
  ) {
    this.flow = world.trace.newFlow(entry.name);
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
    const drop = this.world.trace.drops.find((d) => d.probe === this.entry.name);
    this.report({
      name: this.entry.name, kind: this.action.kind, atNs: this.entry.atNs, ns: this.action.ns, dst: this.action.dst,
      ...('port' in this.action && { port: this.action.port }), ...r, ...(drop !== undefined && { drop }),
    });
  }

  /** The run ended before the probe did (the scenario's duration): it ends as timed out. */
  abandon(): void {
    this.finish({ outcome: 'timed-out', detail: 'the run ended before the probe did', sent: 0, received: 0, rttsNs: [] });
  }

  /** Closes sockets and timers; called once by finish. */
  protected abstract cleanup(): void;

  /** `dropped` when one of this probe's packets was dropped silently, else `timed-out`. */
  protected silentOutcome(): { outcome: 'dropped' | 'timed-out'; detail: string } {
    const d = this.world.trace.drops.find((x) => x.probe === this.entry.name && x.reason !== 'no-listener' && x.reason !== 'arp-failed');
    if (d === undefined) return { outcome: 'timed-out', detail: 'no answer' };
    return { outcome: 'dropped', detail: `dropped in ${d.ns}${d.dev === undefined ? '' : ` at ${d.dev}`}: ${d.reason}${d.rule === undefined ? '' : ` (${d.rule})`}` };
  }
}

/** The outcome and words for an ICMP error a client received (as ping(8) prints it). */
export function icmpErrorOutcome(type: 'dest-unreachable' | 'time-exceeded', code: number, mtu: number): { outcome: 'refused' | 'unreachable'; detail: string } {
  if (type === 'time-exceeded') return { outcome: 'unreachable', detail: code === 1 ? 'Frag reassembly time exceeded' : 'Time to live exceeded' };
  const words: Record<number, string> = { 0: 'Destination Net Unreachable', 1: 'Destination Host Unreachable', 2: 'Destination Protocol Unreachable', 3: 'Destination Port Unreachable', 4: `Frag needed and DF set (mtu = ${mtu})`, 9: 'Destination Net Prohibited', 10: 'Destination Host Prohibited', 13: 'Communication prohibited by filter' };
  const refused = code === 3 || code === 9 || code === 10 || code === 13;
  return { outcome: refused ? 'refused' : 'unreachable', detail: words[code] ?? `Destination Unreachable, code ${code}` };
}
