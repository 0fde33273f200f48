/**
 * Running a plan in the simulator: build the topology, start the services, play the
 * timeline at its times (probes start, faults change the topology), run until every probe
 * has ended (or until the scenario's duration), and collect the observations.
 * `simBackend` is this engine behind the one Backend interface (core/backend.ts); asked
 * to mirror another engine's testbed, it relays the same cables as bytes only.
 */
import type { Backend, CapturedPacket, RunOptions, RunResult } from '../core/backend.js';
import { checkExpectation } from '../core/expect.js';
import type { ProbeResult } from '../core/observations.js';
import type { ActionPlan, Plan, TimelineEntryPlan } from '../core/plan/types.js';
import { EXACT_TESTBED, type Testbed } from '../core/testbed.js';
import { PingProbe } from './apps/ping.js';
import { PmtuProbe, PMTU_STEP_TIMEOUT_NS } from './apps/pmtu-probe.js';
import type { Probe, ProbeAction } from './apps/probe.js';
import { startDockerProxy } from './apps/docker-proxy.js';
import { startService } from './apps/service.js';
import { TcpProbe } from './apps/tcp-probe.js';
import { UdpProbe } from './apps/udp-probe.js';
import type { EventHandler } from './engine/scheduler.js';
import { Topology } from './topology.js';
import { settleNs } from '../core/run-window.js';
import { TRACE_STEPS_KEPT, TRACE_STEPS_KEPT_FULL, TRACE_STEPS_KEPT_RUN } from './trace-record.js';

/** The longest a pmtu probe can take: a fragmentation-needed walk plus a halving search. */
const PMTU_MAX_STEPS = 40;

/** The simulator's own options, beyond every engine's (given to simBackend, or to simulate with those). */
export interface SimulatorOwnOptions {
  /**
   * Probes whose decision trace is kept at its fullest (TRACE_STEPS_KEPT_FULL steps)
   * even when their expectation is met (`--trace`; "all" for every probe). The others
   * keep TRACE_STEPS_KEPT steps, unless their expectation is not met.
   */
  readonly traceProbes?: readonly string[];
  /** Steps the whole traces of the run may keep together (default TRACE_STEPS_KEPT_RUN). */
  readonly traceBudget?: number;
}

export interface SimulateOptions extends RunOptions, SimulatorOwnOptions {}

/** The simulator as a Backend: `simulate`, which never waits, behind the asynchronous interface. */
export function simBackend(own: SimulatorOwnOptions = {}): Backend {
  return { name: 'sim', run: (plan, options = {}) => Promise.resolve(simulate(plan, { ...options, ...own })) };
}

/** Runs a plan and returns what it showed. Synchronous: the simulator never waits on anything. */
export function simulate(plan: Plan, opts: SimulateOptions = {}): RunResult {
  const topology = new Topology(plan, opts.seed ?? plan.scenario.seed);
  const testbed = mirrorTestbed(topology, opts.mirror);
  if (opts.captureAll === true)
    for (const ns of plan.namespaces)
      for (const i of ns.interfaces) if (i.kind !== 'loopback') topology.capture(ns.id, i.name);
  for (const ns of plan.namespaces) for (const s of ns.services) startService(topology.ns(ns.id), s);
  for (const ns of plan.namespaces) for (const h of ns.helpers) startDockerProxy(topology.ns(ns.id), h);
  const player = new TimelinePlayer(
    topology,
    plan.timeline,
    plan.durationNs === undefined ? settleNs(plan) : undefined,
    opts.traceProbes ?? [],
    opts.traceBudget ?? TRACE_STEPS_KEPT_RUN,
  );
  const end = plan.durationNs ?? endOf(plan.timeline) + settleNs(plan);
  runWithProgress(topology, end, opts.onProgress);
  player.concludeLeftovers();
  const probes = player.results();
  return {
    observations: {
      engine: 'sim',
      scenario: plan.scenario.name,
      seed: topology.sim.seed,
      endNs: topology.sim.now,
      probes,
      drops: topology.trace.drops,
      captures: topology.captures.map((c) => ({ ns: c.ns, dev: c.dev, packets: c.records.length })),
      notes: [...plan.notes, ...topology.notes, ...player.traceNotes()],
    },
    captures: topology.captures.map((c) => ({ ns: c.ns, dev: c.dev, packets: sortByTime(c.records) })),
    testbed,
  };
}

/**
 * Realises what the simulator can model of another engine's testbed: its relayed cables
 * carry bytes only here too, and their ends' captures stamp a frame when it is sent,
 * before the relay's delay (sim/net/veth.ts). The model's relay adds no latency of its
 * own, so its testbed gives no bound.
 */
function mirrorTestbed(topology: Topology, mirror: Testbed | undefined): Testbed {
  if (mirror === undefined) return EXACT_TESTBED;
  for (const c of mirror.relayedCables) for (const e of c.ends) topology.carryBytesOnly(e.ns, e.dev);
  return {
    relayedCables: mirror.relayedCables.map((c) => ({ ...c, addedLatencyBoundNs: 0 })),
    perDirectionCaptures: mirror.relayedCables.flatMap((c) => c.ends),
  };
}

function runWithProgress(topology: Topology, end: number, onProgress: RunOptions['onProgress']): void {
  if (onProgress === undefined) return void topology.sim.run(end);
  const slices = 50;
  for (let i = 1; i <= slices; i++) {
    topology.sim.run(Math.round((end * i) / slices));
    onProgress(i / slices, `simulated ${(topology.sim.now / 1e9).toFixed(3)} s`);
  }
}

/** Egress captures are stamped when a packet leaves its qdisc, so records may arrive out of order. */
function sortByTime(records: readonly CapturedPacket[]): CapturedPacket[] {
  return [...records].sort((a, b) => a.timeNs - b.timeNs);
}

/** When the last probe is sure to have ended, and the last fault has happened. */
export function endOf(timeline: readonly TimelineEntryPlan[]): number {
  return timeline.reduce((max, t) => Math.max(max, t.atNs + lifetime(t.action)), 0);
}

function lifetime(a: ActionPlan): number {
  switch (a.kind) {
    case 'ping':
      return (a.count - 1) * a.intervalNs + a.timeoutNs;
    case 'tcp':
      return 2 * a.timeoutNs;
    case 'udp':
      return a.timeoutNs;
    case 'pmtu':
      return PMTU_MAX_STEPS * PMTU_STEP_TIMEOUT_NS;
    default:
      return 0;
  }
}

/** Plays timeline entries as events, in (time, file) order. */
class TimelinePlayer implements EventHandler {
  private readonly probes = new Map<number, Probe<ProbeAction>>();
  private readonly byIndex = new Map<number, ProbeResult>();
  /** Probes whose traces are kept at TRACE_STEPS_KEPT_FULL: asked for, or failed. */
  private readonly fullTrace = new Set<number>();
  /** Probes that would have kept their whole trace, but the run's budget was spent. */
  private readonly overBudget = new Set<number>();
  /** Steps the whole traces kept so far hold. */
  private fullSteps = 0;

  private fired = 0;

  /** With `settleNs`, the run stops that long after the last entry has happened and the last probe has ended. */
  constructor(
    private readonly topology: Topology,
    private readonly timeline: readonly TimelineEntryPlan[],
    private readonly settleNs: number | undefined,
    private readonly traceProbes: readonly string[],
    private readonly traceBudget: number,
  ) {
    timeline.forEach((t, i) => topology.sim.scheduleAt(t.atNs, this, i));
    if (timeline.length === 0 && settleNs !== undefined) topology.sim.stopAtTime(settleNs);
  }

  /** Called after an entry happened or a probe ended: maybe the run can end. */
  private maybeDone(): void {
    if (this.settleNs === undefined || this.fired < this.timeline.length || this.byIndex.size < this.probes.size)
      return;
    this.topology.sim.stopAtTime(this.topology.sim.now + this.settleNs);
  }

  handleEvent(index: number): void {
    const entry = this.timeline[index] as TimelineEntryPlan;
    const a = entry.action;
    this.fired++;
    const report = (r: ProbeResult) => {
      this.byIndex.set(index, r);
      this.boundTrace(index, entry, r);
      this.maybeDone();
    };
    switch (a.kind) {
      case 'ping':
        return this.startProbe(index, new PingProbe(this.topology, entry, a, report));
      case 'tcp':
      case 'udp':
        return this.startProbe(
          index,
          a.kind === 'tcp'
            ? new TcpProbe(this.topology, entry, a, report)
            : new UdpProbe(this.topology, entry, a, report),
        );
      case 'pmtu':
        return this.startProbe(index, new PmtuProbe(this.topology, entry, a, report));
      case 'link-down':
      case 'link-up':
        for (const e of a.ends) this.topology.setAdminUp(e.ns, e.dev, a.kind === 'link-up');
        return this.maybeDone();
      case 'impair':
        for (const q of a.qdiscs) this.topology.setQdisc(q.ns, q.dev, q.shape);
        return this.maybeDone();
      case 'connect':
      case 'disconnect':
      case 'program':
      case 'unprogram':
        this.topology.apply(a.change);
        return this.maybeDone();
    }
  }

  private startProbe(index: number, p: Probe<ProbeAction>): void {
    this.probes.set(index, p);
    p.start();
  }

  /** A probe still running at the end of the run (a duration cut it short) ends as timed out. */
  concludeLeftovers(): void {
    for (const [i, p] of this.probes) if (!this.byIndex.has(i)) p.abandon();
  }

  /**
   * A probe that ended keeps its trace in full (up to TRACE_STEPS_KEPT_FULL steps) when
   * it was asked for or its expectation was not met, while the run's budget of whole
   * traces lasts; otherwise its first and last TRACE_STEPS_KEPT steps, from now on (its
   * packets may still be traced).
   */
  private boundTrace(index: number, entry: TimelineEntryPlan, r: ProbeResult): void {
    const p = this.probes.get(index);
    if (p === undefined) return;
    const asked = this.traceProbes.includes(entry.name) || this.traceProbes.includes('all');
    const failed = entry.expect !== undefined && !checkExpectation(entry.name, entry.expect, r, 'sim').met;
    if (asked || failed) {
      const steps = Math.min(this.topology.trace.stepCount(p.flow), TRACE_STEPS_KEPT_FULL);
      if (this.fullSteps + steps <= this.traceBudget) {
        this.fullSteps += steps;
        return void this.fullTrace.add(index);
      }
      this.overBudget.add(index);
    }
    this.topology.trace.keepShort(p.flow, TRACE_STEPS_KEPT);
  }

  /** Results in timeline order, each with the trace its probe kept. */
  results(): ProbeResult[] {
    return [...this.byIndex.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([i, r]) => {
        const flow = this.probes.get(i)?.flow ?? 0;
        const summary = this.topology.trace.summaryOf(flow);
        return {
          ...r,
          trace: this.topology.trace.stepsOf(flow),
          ...(summary !== undefined && { traceSummary: summary }),
        };
      });
  }

  /** One note per probe whose trace was cut, saying how much was kept and how to keep more. */
  traceNotes(): string[] {
    const notes: string[] = [];
    for (const [i, r] of [...this.byIndex.entries()].sort((a, b) => a[0] - b[0])) {
      const s = this.topology.trace.summaryOf(this.probes.get(i)?.flow ?? 0);
      if (s === undefined) continue;
      const more = this.fullTrace.has(i)
        ? ''
        : this.overBudget.has(i)
          ? `; the run's whole traces already held ${this.fullSteps} of the ${this.traceBudget} steps they may`
          : `; --trace ${r.name} keeps up to ${TRACE_STEPS_KEPT_FULL}`;
      notes.push(
        `the decision trace of ${r.name} had ${s.steps} steps: kept the first ${s.cutAfter} and the last ${s.kept - s.cutAfter}${more}`,
      );
    }
    return notes;
  }
}
