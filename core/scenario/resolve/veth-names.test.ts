import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hexDigest } from '../../hash.js';
import { loadPlan } from '../../plan/load-plan.js';
import type { HostModel } from '../model.js';
import { VethNames } from './veth-names.js';

/** One Docker host `d` on its default bridge, with these containers. */
function onHostD(containers: readonly string[]): string {
  const cs = containers.map((c) => `  ${c}: {}\n`).join('');
  return `version: 1\nhosts:\n  d:\n    kind: docker\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.2/24 }\nsegments:\n  lan: {}\ncontainers:\n${cs}`;
}

const HOST_D = { name: 'd', interfaces: [{ name: 'eth0' }], bridges: [], vxlans: [] } as unknown as HostModel;

describe('host-side veth names', () => {
  it('c388 and c6904 on host d, whose first hashes are both veth64490fa, are both valid and get different names', () => {
    expect(hexDigest('d/c388/bridge@d/0', 7)).toBe(hexDigest('d/c6904/bridge@d/0', 7));
    const r = loadPlan(onHostD(['c388', 'c6904']), 'test.yaml');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [a, b] = r.model?.containers.map((c) => c.endpoints[0]?.hostVeth) ?? [];
    // The first declared keeps the name it always had; the second is hashed again.
    expect(a).toBe('veth64490fa');
    expect(b).toBe(`veth${hexDigest('d/c6904/bridge@d/0#1', 7)}`);
    expect(b).not.toBe(a);
  });

  it('does not hand out a name the host declares for one of its own devices', () => {
    const host = { ...HOST_D, interfaces: [{ name: `veth${hexDigest('seed', 7)}` }] } as unknown as HostModel;
    expect(new VethNames().name(host, 'seed')).toBe(`veth${hexDigest('seed#1', 7)}`);
  });

  it('names within a host are unique, `veth` and 7 hex digits, and the same in every run (fast-check, seed 8)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 400 }),
        fc.integer({ min: 0, max: 40 }),
        (containers, forced) => {
          const run = () => {
            const names = new VethNames();
            // `forced` endpoints all ask for the same seed: a collision on every one of them.
            return [
              ...containers.map((c) => names.name(HOST_D, `d/${c}/bridge@d/0`)),
              ...Array.from({ length: forced }, () => names.name(HOST_D, 'same')),
            ];
          };
          const got = run();
          expect(new Set(got).size).toBe(got.length);
          for (const n of got) expect(n).toMatch(/^veth[0-9a-f]{7}$/);
          expect(run()).toEqual(got);
        },
      ),
      { seed: 8, numRuns: 200 },
    );
  });
});
