/**
 * Properties of overlay compilation over generated scenarios (fixed seeds, in the test
 * names): every generated file loads without errors and compiles to a consistent,
 * deterministic plan; Docker's rules hold in every plan (each container on a
 * non-internal overlay with no bridge network has a docker_gwbridge leg carrying its
 * default route; every node's overlay namespace has one FDB entry and one neighbour per
 * endpoint on the other nodes).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { formatIpv4 } from '../../core/addr.js';
import { compilePlan } from '../../core/plan/compile/index.js';
import { planViolations } from '../../core/plan/invariants.js';
import { formatDiagnostic } from '../../core/scenario/diagnostics.js';
import { loadPlan } from '../../core/plan/load-plan.js';
import { overlayScenarioArb } from '../helpers/overlay-arbitraries.js';

describe('generated overlay scenarios', () => {
  it('load without errors and compile to consistent, deterministic plans (seed 11)', () => {
    fc.assert(
      fc.property(overlayScenarioArb, (s) => {
        const r = loadPlan(stringify(s), 'gen.yaml');
        expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
        const m = r.model as NonNullable<typeof r.model>;
        const plan = compilePlan(m);
        expect(planViolations(plan)).toEqual([]);
        expect(compilePlan(m)).toEqual(plan);
      }),
      { seed: 11, numRuns: 200 },
    );
  });
  it('give every overlay-only container a docker_gwbridge default route, and every node the entries of the others (seed 12)', () => {
    fc.assert(
      fc.property(overlayScenarioArb, (s) => {
        const r = loadPlan(stringify(s), 'gen.yaml');
        const m = r.model as NonNullable<typeof r.model>;
        const plan = compilePlan(m);
        const net = (key: string) => m.networks.find((n) => n.key === key);
        for (const c of m.containers) {
          const eps = c.endpoints.map((e) => net(e.network));
          const needs =
            eps.some((n) => n?.driver === 'overlay' && !n.internal) &&
            !eps.some((n) => n?.driver === 'bridge' && n.gwBridge !== true && !n.internal);
          expect(eps.some((n) => n?.gwBridge === true)).toBe(needs);
          const dflt = plan.namespaces.find((n) => n.id === c.name)?.routes.find((x) => x.dst === 'default');
          const gw = net(`docker_gwbridge@${c.host}`);
          if (needs && gw !== undefined) expect(dflt?.via).toBe(formatIpv4(gw.gateway));
        }
        for (const n of m.networks.filter((x) => x.driver === 'overlay')) {
          for (const h of n.hosts) {
            const remote =
              m.containers.filter((c) => c.host !== h && c.endpoints.some((e) => e.network === n.key)).length +
              m.loadBalancers.filter((l) => l.network === n.key && l.host !== h).length;
            const o = plan.namespaces.find((x) => x.id === `ov-${n.name}-${h}`);
            expect([o?.fdb.length, o?.neighbours.length]).toEqual([remote, remote]);
          }
        }
      }),
      { seed: 12, numRuns: 100 },
    );
  });
});
