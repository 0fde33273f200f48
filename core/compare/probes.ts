/**
 * Comparing one probe's result from the simulator with the emulator's. What must be
 * equal: the outcome (a silent drop and a timeout are one from outside: the emulator has
 * no drop monitor), the address the server saw (not its port: ephemeral ports are random
 * in both), the reply TTL, the ICMP error's source, the path MTU, and the number of
 * replies where no link loses packets at random. RTTs are compared within a tolerance
 * when the scenario delays links (kernel RTTs without delay are noise around 0.1 ms).
 *
 * A racy probe (its expectation accepts a set of outcomes, because the real kernel ends
 * it in any of them: docker-proxy in front of a port with nothing listening closes the
 * client's connection with a reset or an orderly close, as timing falls) agrees when
 * both engines end it within that set, even in different outcomes; what follows from the
 * outcome (replies, RTTs, the server's view, an ICMP error) is then not compared, and
 * the comparison says so (`race`).
 */
import { outcomeAccepted } from '../expect.js';
import type { Outcome, ProbeResult } from '../observations.js';
import type { ExpectPlan, Plan } from '../plan/types.js';
import { formatDuration } from '../units.js';

/** RTTs agree within this much plus a tenth, plus the jitter the plan allows. */
export const RTT_TOLERANCE_NS = 2_000_000;

export interface ProbeComparison {
  readonly name: string;
  readonly sim?: ProbeResult;
  readonly emu?: ProbeResult;
  readonly agree: boolean;
  readonly differences: readonly string[];
  /** A racy probe: the outcomes the plan accepts, and whether the engines ended it differently within them. */
  readonly race?: RaceVerdict;
  /** The probe's expectation, and whether each engine met it (index.ts). */
  readonly expectation?: {
    readonly expect: ExpectPlan;
    readonly simulator: ExpectationVerdict;
    readonly emulator: ExpectationVerdict;
  };
}

export interface ExpectationVerdict {
  readonly met: boolean;
  readonly failures: readonly string[];
}

export interface RaceVerdict {
  readonly outcomes: readonly Outcome[];
  /** True when the engines' outcomes differ within `outcomes`: agreeing by the race alone. */
  readonly differed: boolean;
}

/** What the plan's impairments allow to differ. */
export interface Allowances {
  readonly randomLoss: boolean;
  readonly delays: boolean;
  readonly jitterNs: number;
  /**
   * More RTT tolerance when a cable was relayed in userspace: the bound its engine's
   * testbed gives for what the relay adds to a round trip (core/testbed.ts).
   */
  readonly relayNs?: number;
}

export function allowancesOf(plan: Plan): Allowances {
  const shapes = [
    ...plan.namespaces.flatMap((n) => n.qdiscs.map((q) => q.shape)),
    ...plan.timeline.flatMap((t) => (t.action.kind === 'impair' ? t.action.qdiscs.map((q) => q.shape) : [])),
  ];
  return {
    randomLoss: shapes.some((s) => s.lossPpm > 0 && s.lossPpm < 1_000_000),
    delays: shapes.some((s) => s.delayNs > 0 || s.rateBps > 0),
    jitterNs: shapes.reduce((sum, s) => sum + s.jitterNs, 0) * 2,
  };
}

const SILENT = new Set(['dropped', 'timed-out']);

/** `race`: the outcomes the plan accepts for this probe, when it accepts more than one. */
export function compareProbe(
  name: string,
  sim: ProbeResult | undefined,
  emu: ProbeResult | undefined,
  allow: Allowances,
  race?: readonly Outcome[],
): ProbeComparison {
  if (sim === undefined || emu === undefined)
    return {
      name,
      ...(sim && { sim }),
      ...(emu && { emu }),
      agree: false,
      differences: [`only the ${sim === undefined ? 'emulator' : 'simulator'} ran it`],
    };
  const sameOutcome = sim.outcome === emu.outcome || (SILENT.has(sim.outcome) && SILENT.has(emu.outcome));
  if (
    race !== undefined &&
    !sameOutcome &&
    outcomeAccepted(race, sim.outcome, 'sim') &&
    outcomeAccepted(race, emu.outcome, 'emulator')
  ) {
    return { name, sim, emu, agree: true, differences: [], race: { outcomes: race, differed: true } };
  }
  const d: string[] = [];
  if (sim.outcome !== emu.outcome && !(SILENT.has(sim.outcome) && SILENT.has(emu.outcome)))
    d.push(`outcome: simulator ${sim.outcome} (${sim.detail}), emulator ${emu.outcome} (${emu.detail})`);
  if (sim.seen?.address !== emu.seen?.address)
    d.push(`server saw: simulator ${sim.seen?.address ?? 'nothing'}, emulator ${emu.seen?.address ?? 'nothing'}`);
  if (sim.ttl !== undefined && emu.ttl !== undefined && sim.ttl !== emu.ttl)
    d.push(`reply TTL: simulator ${sim.ttl}, emulator ${emu.ttl}`);
  if (sim.errorFrom !== emu.errorFrom)
    d.push(`ICMP error from: simulator ${sim.errorFrom ?? 'none'}, emulator ${emu.errorFrom ?? 'none'}`);
  if (sim.pathMtu !== emu.pathMtu)
    d.push(`path MTU: simulator ${sim.pathMtu ?? 'none'}, emulator ${emu.pathMtu ?? 'none'}`);
  if (!allow.randomLoss && sim.kind === 'ping' && sim.received !== emu.received)
    d.push(`replies: simulator ${sim.received}/${sim.sent}, emulator ${emu.received}/${emu.sent}`);
  if (allow.delays) d.push(...compareRtts(sim, emu, allow));
  return {
    name,
    sim,
    emu,
    agree: d.length === 0,
    differences: d,
    ...(race !== undefined && { race: { outcomes: race, differed: false } }),
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function compareRtts(sim: ProbeResult, emu: ProbeResult, allow: Allowances): string[] {
  if (sim.rttsNs.length === 0 || emu.rttsNs.length === 0) return [];
  const a = mean(sim.rttsNs);
  const b = mean(emu.rttsNs);
  const tol = RTT_TOLERANCE_NS + a / 10 + allow.jitterNs + (allow.relayNs ?? 0);
  return Math.abs(a - b) <= tol
    ? []
    : [
        `mean RTT: simulator ${formatDuration(Math.round(a))}, emulator ${formatDuration(Math.round(b))} (tolerance ${formatDuration(Math.round(tol))})`,
      ];
}
