/**
 * Properties of the scenario pipeline over generated scenarios (fixed seeds, in the
 * test names): valid scenarios compile to consistent plans, deterministically; random
 * mutations never make the validator throw, and every error it reports has a position
 * and a path.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { compilePlan } from '../../core/plan/compile/index.js';
import { planViolations } from '../../core/plan/invariants.js';
import { formatDiagnostic } from '../../core/scenario/diagnostics.js';
import { loadPlan } from '../../core/plan/load-plan.js';
import { mutate, mutationArb, validScenarioArb } from '../helpers/arbitraries.js';

describe('generated valid scenarios', () => {
  it('load without errors and compile to consistent, deterministic plans (seed 2)', () => {
    fc.assert(
      fc.property(validScenarioArb, (s) => {
        const r = loadPlan(stringify(s), 'gen.yaml');
        const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
        expect(errors).toEqual([]);
        const plan = compilePlan(r.model as NonNullable<typeof r.model>);
        expect(planViolations(plan)).toEqual([]);
        expect(compilePlan(r.model as NonNullable<typeof r.model>)).toEqual(plan);
      }),
      { seed: 2, numRuns: 150 },
    );
  });
});

describe('mutated scenarios', () => {
  it('never make the validator throw; every error has a file, line, column and path (seed 3)', () => {
    fc.assert(
      fc.property(validScenarioArb, fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (s, ms) => {
        const mutated = ms.reduce((v, m) => mutate(v, m), s as Parameters<typeof mutate>[0]);
        const r = loadPlan(stringify(mutated), 'mut.yaml');
        if (r.model !== undefined) {
          expect(planViolations(compilePlan(r.model))).toEqual([]);
          return;
        }
        expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        for (const d of r.diagnostics) {
          expect(d.file).toBe('mut.yaml');
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
          expect(Array.isArray(d.path)).toBe(true);
          expect(d.message.length).toBeGreaterThan(0);
        }
      }),
      { seed: 3, numRuns: 600 },
    );
  });
  it('never throw on arbitrary text (seed 4)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (t) => {
        const r = loadPlan(t, 'junk.yaml');
        expect(r.model === undefined || r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
      }),
      { seed: 4, numRuns: 300 },
    );
  });
});
