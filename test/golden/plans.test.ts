/**
 * Golden plans: every bundled scenario compiles to exactly the plan pinned in
 * `__golden__/` (as readable text, as shell commands and as JSON), and every plan is
 * internally consistent. Regenerate with `npx vitest run test/golden -u` and review the
 * diff; CI never rewrites goldens (vitest's update mode is "none" when CI is set).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../core/plan/compile/index.js';
import { planViolations } from '../../core/plan/invariants.js';
import { renderPlanSh } from '../../core/plan/render-sh.js';
import { renderPlanText } from '../../core/plan/render-text.js';
import { formatDiagnostic } from '../../core/scenario/diagnostics.js';
import { loadScenarioFile } from '../../core/scenario/load.js';

const dir = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

describe.each(files)('scenario %s', (file) => {
  const r = loadScenarioFile(join(dir, file));
  it('is valid, without warnings', () => {
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
  });
  if (r.model === undefined) return;
  const plan = compilePlan(r.model);
  const base = file.replace(/\.[a-z]+$/, '');
  it('compiles to a consistent plan', () => {
    expect(planViolations(plan)).toEqual([]);
  });
  it('compiles to the pinned plan', async () => {
    await expect(renderPlanText(plan, `scenarios/${file}`)).toMatchFileSnapshot(`__golden__/${base}.plan.txt`);
    await expect(renderPlanSh(plan)).toMatchFileSnapshot(`__golden__/${base}.plan.sh`);
    await expect(`${JSON.stringify(plan, null, 2)}\n`).toMatchFileSnapshot(`__golden__/${base}.plan.json`);
  });
});
