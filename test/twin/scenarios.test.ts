/**
 * The twin test: every bundled scenario on both engines, one test body over both
 * backends (architecture, firm decision 4). Each engine must meet every expectation of
 * the scenario, and the two must agree probe by probe and device by device.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import type { RunResult } from '../../core/backend.js';
import { compareRuns } from '../../core/compare/index.js';
import { compilePlan } from '../../core/plan/compile/index.js';
import type { Plan } from '../../core/plan/types.js';
import { loadScenarioFile } from '../../core/scenario/load.js';
import { verdictsOf } from '../../core/verdicts.js';
import { emulate } from '../../emulator/run.js';
import { renderComparison } from '../../reports/comparison.js';
import { simulate } from '../../sim/run.js';
import { itEmulator } from '../helpers/emulator.js';

const dir = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

// The emulator first: the simulator then runs the testbed it built (its userspace links).
const backends = [
  { name: 'emulator', run: (plan: Plan) => emulate(plan, { captureAll: true }) },
  { name: 'simulator', run: (plan: Plan, emu?: RunResult) => Promise.resolve(simulate(plan, { captureAll: true, ...(emu?.userspaceCables && { userspaceCables: emu.userspaceCables }) })) },
] as const;

describe.each(files)('%s on both engines', (file) => {
  itEmulator('meets every expectation on each engine, and the engines agree', async () => {
    const model = loadScenarioFile(join(dir, file)).model;
    if (model === undefined) throw new Error(`${file} is invalid`);
    const plan = compilePlan(model);
    const results: Record<string, RunResult> = {};
    for (const b of backends) {
      const r = await b.run(plan, results.emulator);
      const unmet = [...verdictsOf(plan, r.observations).values()].filter((v) => !v.met).map((v) => `${b.name}: ${v.name}: ${v.failures.join('; ')}`);
      expect(unmet).toEqual([]);
      results[b.name] = r;
    }
    const c = compareRuns(plan, results.simulator as RunResult, results.emulator as RunResult);
    expect(c.agree, renderComparison(c)).toBe(true);
  });
});
