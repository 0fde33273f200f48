/**
 * Checks every probe of a run against the expectations of its plan, and the verdicts as
 * data for observations.json and `--json` (so CI reads them without parsing the table).
 */
import { checkExpectation, type Verdict } from './expect.js';
import type { Observations } from './observations.js';
import type { ExpectPlan, Plan } from './plan/types.js';

/** Verdicts by probe name, for probes that have an expectation. */
export function verdictsOf(plan: Plan, obs: Observations): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const t of plan.timeline) {
    if (t.expect === undefined) continue;
    const r = obs.probes.find((p) => p.name === t.name);
    out.set(
      t.name,
      r === undefined
        ? { name: t.name, met: false, failures: ['the probe did not run'] }
        : checkExpectation(t.name, t.expect, r, obs.engine),
    );
  }
  return out;
}

/** One probe's expectation as the plan holds it, and whether the run met it. */
export interface ExpectationRecord {
  readonly probe: string;
  readonly expect: ExpectPlan;
  readonly met: boolean;
  /** Why not, one reason per unmet field; empty when met. */
  readonly failures: readonly string[];
}

/** Every expectation of a run, in timeline order, with counts. */
export interface RunVerdicts {
  readonly met: number;
  readonly notMet: number;
  readonly expectations: readonly ExpectationRecord[];
}

/** The verdicts of a run as data: every probe that has an expectation, in timeline order. */
export function runVerdicts(plan: Plan, obs: Observations): RunVerdicts {
  const verdicts = verdictsOf(plan, obs);
  const expectations = plan.timeline.flatMap((t) => {
    const v = verdicts.get(t.name);
    return t.expect === undefined || v === undefined
      ? []
      : [{ probe: t.name, expect: t.expect, met: v.met, failures: v.failures }];
  });
  const met = expectations.filter((x) => x.met).length;
  return { met, notMet: expectations.length - met, expectations };
}
