/**
 * The twin comparison: probe by probe and device by device, whether the simulator's run
 * of a plan agrees with the emulator's. Compared as values, never log text (Batfish's
 * lesson in anchors-style.md). A probe whose expectation accepts several outcomes is
 * racy in the real kernel: the engines agree on it when both end it within that set
 * (probes.ts), and the device traffic of its time is then not compared (packets.ts).
 * Each probe also carries each engine's verdict on its expectation, for comparison.json.
 * How each engine realised the plan (its testbed, core/testbed.ts) widens what may
 * differ: RTTs through a relayed cable, captures whose directions are not in wire order.
 */
import type { RunResult } from '../backend.js';
import { acceptedOutcomes, checkExpectation } from '../expect.js';
import type { Outcome, ProbeResult } from '../observations.js';
import type { Plan } from '../plan/types.js';
import { refIn, relayLatencyBoundNs } from '../testbed.js';
import { compareDevice, type DeviceComparison, type TimeWindow } from './packets.js';
import { allowancesOf, compareProbe, type ExpectationVerdict, type ProbeComparison } from './probes.js';

export interface Comparison {
  readonly probes: readonly ProbeComparison[];
  readonly devices: readonly DeviceComparison[];
  readonly agree: boolean;
}

export function compareRuns(plan: Plan, sim: RunResult, emu: RunResult): Comparison {
  const allow = { ...allowancesOf(plan), relayNs: relayLatencyBoundNs(sim.testbed, emu.testbed) };
  const names = [...new Set([...sim.observations.probes, ...emu.observations.probes].map((p) => p.name))];
  const probes = names.map((n) => {
    const [s, e] = [
      sim.observations.probes.find((p) => p.name === n),
      emu.observations.probes.find((p) => p.name === n),
    ];
    return withExpectation(plan, compareProbe(n, s, e, allow, raceOf(plan, n)));
  });
  const skip = raceWindows(plan, probes);
  const devices = sim.captures.flatMap((c) => {
    const other = emu.captures.find((e) => e.ns === c.ns && e.dev === c.dev);
    const loose = refIn([...sim.testbed.perDirectionCaptures, ...emu.testbed.perDirectionCaptures], c);
    return other === undefined ? [] : [compareDevice(c.ns, c.dev, c.packets, other.packets, loose, skip)];
  });
  // Random loss picks different packets in each engine, so their captures legitimately part.
  const devicesCount = !allow.randomLoss;
  return { probes, devices, agree: probes.every((p) => p.agree) && (!devicesCount || devices.every((d) => d.agree)) };
}

/** Each engine's verdict on the probe's expectation, for comparison.json (core/verdicts.ts for one run). */
function withExpectation(plan: Plan, p: ProbeComparison): ProbeComparison {
  const x = plan.timeline.find((t) => t.name === p.name)?.expect;
  if (x === undefined) return p;
  const verdict = (r: ProbeResult | undefined, engine: 'sim' | 'emulator'): ExpectationVerdict => {
    if (r === undefined) return { met: false, failures: ['the probe did not run'] };
    const v = checkExpectation(p.name, x, r, engine);
    return { met: v.met, failures: v.failures };
  };
  return { ...p, expectation: { expect: x, simulator: verdict(p.sim, 'sim'), emulator: verdict(p.emu, 'emulator') } };
}

/** The outcomes a probe's expectation accepts, when more than one: the plan marks the probe as racy. */
function raceOf(plan: Plan, name: string): readonly Outcome[] | undefined {
  const x = plan.timeline.find((t) => t.name === name)?.expect;
  const accepted = x === undefined ? [] : acceptedOutcomes(x);
  return accepted.length > 1 ? accepted : undefined;
}

/**
 * The time each racy probe the engines ended differently had to itself: from its start
 * to the next later entry of the timeline (or the end of the run). Probes that start at
 * the same instant share it, and their conversations go uncompared with it.
 */
function raceWindows(plan: Plan, probes: readonly ProbeComparison[]): TimeWindow[] {
  return probes.flatMap((p) => {
    const at = p.race?.differed === true ? plan.timeline.find((t) => t.name === p.name)?.atNs : undefined;
    if (at === undefined) return [];
    const next = Math.min(...plan.timeline.filter((t) => t.atNs > at).map((t) => t.atNs));
    return [{ fromNs: at, toNs: Number.isFinite(next) ? next : Number.MAX_SAFE_INTEGER }];
  });
}

export type { DeviceComparison, ProbeComparison };
