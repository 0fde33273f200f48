/** Checks every probe of a run against the expectations of its plan. */
import { checkExpectation, type Verdict } from './expect.js';
import type { Observations } from './observations.js';
import type { Plan } from './plan/types.js';

/** Verdicts by probe name, for probes that have an expectation. */
export function verdictsOf(plan: Plan, obs: Observations): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const t of plan.timeline) {
    if (t.expect === undefined) continue;
    const r = obs.probes.find((p) => p.name === t.name);
    out.set(t.name, r === undefined ? { name: t.name, met: false, failures: ['the probe did not run'] } : checkExpectation(t.name, t.expect, r, obs.engine));
  }
  return out;
}
