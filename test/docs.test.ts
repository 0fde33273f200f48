/**
 * The scenario format reference must not lie: every example in docs/scenario-format.md
 * marked `# complete` is a whole scenario file, each one loads without a problem, and
 * each one, run in the simulator, meets every expectation it states (a reader copies
 * these and runs `twinnet sim` on them).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../core/plan/compile/index.js';
import { formatDiagnostic } from '../core/scenario/diagnostics.js';
import { loadPlan } from '../core/plan/load-plan.js';
import { verdictsOf } from '../core/verdicts.js';
import { simulate } from '../sim/run.js';

const doc = readFileSync(join(import.meta.dirname, '../docs/scenario-format.md'), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n# complete\n([\s\S]*?)```/g)].map((m) => m[1] as string);
const nameOf = (text: string) => /^name: (\S+)/m.exec(text)?.[1] ?? '?';

describe('docs/scenario-format.md', () => {
  it('has complete examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });
  it.each(blocks.map((b, i) => [i + 1, nameOf(b), b] as const))(
    'complete example %i (%s) is valid, without warnings',
    (_i, _name, text) => {
      expect(loadPlan(text, 'example.yaml').diagnostics.map(formatDiagnostic)).toEqual([]);
    },
  );
  it.each(blocks.map((b, i) => [i + 1, nameOf(b), b] as const))(
    'complete example %i (%s) meets its expectations in the simulator',
    (_i, _name, text) => {
      const model = loadPlan(text, 'example.yaml').model;
      expect(model).toBeDefined();
      const plan = compilePlan(model!);
      const obs = simulate(plan).observations;
      const verdicts = [...verdictsOf(plan, obs).values()];
      // An example that states nothing would pass trivially; every complete example states what it shows.
      expect(verdicts.length).toBeGreaterThan(0);
      expect(verdicts.filter((v) => !v.met).map((v) => `${v.name}: ${v.failures.join('; ')}`)).toEqual([]);
    },
  );
});
