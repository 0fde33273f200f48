/**
 * The twin test: every bundled scenario on both engines, one test body over both
 * backends (architecture, firm decision 4), through the twin run (twin/run.ts): the
 * simulator mirrors the testbed the emulator built. Each engine must meet every
 * expectation of the scenario, and the two must agree probe by probe and device by device.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { compilePlan } from '../../core/plan/compile/index.js';
import { loadPlanFile } from '../../cli/scenario-input.js';
import { verdictsOf } from '../../core/verdicts.js';
import { renderComparison } from '../../reports/comparison.js';
import { runTwin } from '../../twin/run.js';
import { itEmulator } from '../helpers/emulator.js';

const dir = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(dir)
  .filter((f) => /\.(ya?ml|json)$/.test(f))
  .sort();

describe.each(files)('%s on both engines', (file) => {
  itEmulator('meets every expectation on each engine, and the engines agree', async () => {
    const model = loadPlanFile(join(dir, file)).model;
    if (model === undefined) throw new Error(`${file} is invalid`);
    const plan = compilePlan(model);
    const { real, model: sim, comparison: c } = await runTwin(plan);
    for (const [name, r] of [
      ['emulator', real],
      ['simulator', sim],
    ] as const) {
      const unmet = [...verdictsOf(plan, r.observations).values()]
        .filter((v) => !v.met)
        .map((v) => `${name}: ${v.name}: ${v.failures.join('; ')}`);
      expect(unmet).toEqual([]);
    }
    expect(c.agree, renderComparison(c)).toBe(true);
  });
});
