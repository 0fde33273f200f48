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
import { loadPlanFile } from '../../cli/scenario-input.js';

const dir = join(import.meta.dirname, '../../scenarios');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();

/** Warnings a scenario exists to show: each must be there, and nothing else. */
const EXPECTED_WARNINGS: Record<string, readonly string[]> = {
  '15-mtu-black-hole.yaml': ['scenarios/15-mtu-black-hole.yaml:57:8: warning: networks.ov1: overlay ov1 (MTU 1450) needs 1500-byte packets between host1 and host2 (VXLAN adds 50), but r1:wan on the way from host1 to host2 has MTU 1400; mtu: 1350 would fit (got 1450)'],
};

describe.each(files)('scenario %s', (file) => {
  const r = loadPlanFile(join(dir, file));
  it('is valid, with no warnings but those it exists to show', () => {
    expect(r.diagnostics.map((d) => formatDiagnostic(d).replace(`${dir}/`, 'scenarios/'))).toEqual(EXPECTED_WARNINGS[file] ?? []);
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
