/**
 * Every bundled scenario in the simulator, at its own seed: each expectation is met,
 * and the probe table (every cell whole: `--wide`) with every decision trace is pinned in `__golden__/NAME.sim.txt`
 * (regenerate with `npx vitest run test/golden -u` and review the diff).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../core/plan/compile/index.js';
import { loadPlanFile } from '../../cli/scenario-input.js';
import { verdictsOf } from '../../core/verdicts.js';
import { renderProbeTable, renderTrace } from '../../reports/probe-table.js';
import { simulate } from '../../sim/run.js';

const dir = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

describe.each(files)('simulating %s', (file) => {
  const model = loadPlanFile(join(dir, file)).model;
  if (model === undefined) return;
  const plan = compilePlan(model);
  const { observations } = simulate(plan);
  const verdicts = verdictsOf(plan, observations);

  it(`meets every expectation (seed ${plan.scenario.seed})`, () => {
    const unmet = [...verdicts.values()].filter((v) => !v.met).map((v) => `${v.name}: ${v.failures.join('; ')}`);
    expect(unmet).toEqual([]);
    expect(observations.probes).toHaveLength(plan.timeline.filter((t) => ['ping', 'tcp', 'udp', 'pmtu'].includes(t.action.kind)).length);
  });

  it(`shows the pinned probes and decision traces (seed ${plan.scenario.seed})`, async () => {
    const text = [renderProbeTable(observations, verdicts, { wide: true }), ...observations.probes.map(renderTrace)].join('\n');
    await expect(text).toMatchFileSnapshot(`__golden__/${file.replace(/\.[a-z]+$/, '')}.sim.txt`);
  });
});
