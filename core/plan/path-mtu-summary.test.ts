/**
 * The path-MTU table at scale: the summary `twinnet plan` prints above PATH_MTU_LIST_MAX
 * pairs, and traces whose cost does not grow with the plan. Counted, never timed:
 * performance is measured in `npm run bench`.
 */
import { describe, expect, it } from 'vitest';
import { OVERLAY_LAB, model } from '../../test/helpers/scenario.js';
import { compilePlan } from './compile/index.js';
import { pathMtuPairCount, pathMtuSummary, pathMtuTable } from './path-mtu-table.js';
import { tracePath } from './path-mtu.js';
import { renderPathMtuSummary } from './render-text.js';
import type { Plan } from './types.js';

/** OVERLAY_LAB with `n` more containers on ov1 (alternating hosts, every third also on netMTU) and `n` on netA. */
function estate(n: number): string {
  const more = Array.from(
    { length: n },
    (_, i) =>
      `  x${i}: { host: host${(i % 2) + 1}, networks: [ov1${i % 3 === 0 && i % 2 === 0 ? ', netMTU' : ''}] }\n  y${i}: { host: host1, networks: [netA] }\n`,
  ).join('');
  return OVERLAY_LAB.replace(
    '  o3: { host: host2, networks: [ov1] }\n',
    `  o3: { host: host2, networks: [ov1] }\n${more}`,
  );
}

/** The plan with its namespace list counting how many times an element is read. */
function counted(p: Plan): { plan: Plan; reads: () => number } {
  let reads = 0;
  const namespaces = new Proxy(p.namespaces as Plan['namespaces'][number][], {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { plan: { ...p, namespaces }, reads: () => reads };
}

describe('path traces at scale', () => {
  it('reads the plan once for any number of traces, not once per trace (the table was cubic in containers)', () => {
    const m = model(estate(60));
    const { plan, reads } = counted(compilePlan(m));
    const ys = m.containers.filter((c) => c.name.startsWith('y'));
    const addrOf = (name: string) => m.containers.find((c) => c.name === name)?.endpoints[0]?.address.addr ?? 0;
    const dst = (name: string) => [24, 16, 8, 0].map((s) => (addrOf(name) >>> s) & 255).join('.');
    tracePath(plan, 'y0', dst('y1'));
    const first = reads();
    for (const a of ys.slice(0, 20))
      for (const b of ys.slice(20, 40)) expect(tracePath(plan, a.name, dst(b.name)).ok).toBe(true);
    expect(first).toBeLessThanOrEqual(plan.namespaces.length * 2);
    expect(reads()).toBe(first);
  });
});

describe('pathMtuSummary', () => {
  it('stands for every pair of the full table: the same count, and each pair has the MTU of its group row', () => {
    const m = model(estate(24));
    const p = compilePlan(m);
    const full = pathMtuTable(m, p);
    const s = pathMtuSummary(m, p);
    expect(s.pairs).toBe(full.length);
    expect(pathMtuPairCount(m)).toBe(full.length);
    expect(s.groups.reduce((n, g) => n + g.pairs, 0)).toBe(full.length);
    const endOf = (name: string, network: string) => {
      const c = m.containers.find((x) => x.name === name);
      const net = m.networks.find((x) => x.name === network);
      const e = c?.endpoints.find((x) => x.network === net?.key);
      return p.namespaces.find((n) => n.id === c?.namespace)?.interfaces.find((i) => i.name === e?.ifname)?.peer?.ns;
    };
    for (const r of full) {
      const ends = [endOf(r.a, r.network), endOf(r.b, r.network)];
      const g = s.groups.find(
        (x) =>
          x.network === r.network &&
          x.mtu === r.mtu &&
          ((x.ends[0] === ends[0] && x.ends[1] === ends[1]) || (x.ends[0] === ends[1] && x.ends[1] === ends[0])),
      );
      expect(g, `${r.a} <-> ${r.b} on ${r.network}`).toBeDefined();
      expect(g?.note === '').toBe(r.note === '');
    }
  });

  it('traces one pair per two groups, however many containers there are', () => {
    const small = model(estate(10));
    const large = model(estate(100));
    const a = pathMtuSummary(small, compilePlan(small));
    const b = pathMtuSummary(large, compilePlan(large));
    expect(b.groups.map((g) => [g.network, g.ends, g.mtu])).toEqual(a.groups.map((g) => [g.network, g.ends, g.mtu]));
    expect(b.pairs).toBe(pathMtuPairCount(large));
  });

  it('prints one line per group with its pair count and an example', () => {
    const m = model(estate(4));
    const lines = renderPathMtuSummary(pathMtuSummary(m, compilePlan(m)));
    expect(lines[1]).toMatch(/^ {2}\d+ pairs, summarised: /);
    expect(lines.some((l) => /^ {2}netA +within host1 +6 pairs +1500 {2}e\.g\. y0 <-> y1$/.test(l))).toBe(true);
    expect(lines.filter((l) => / ov-ov1-host1 <-> ov-ov1-host2 /.test(l))).toEqual([
      expect.stringMatching(/^ {2}ov1 +ov-ov1-host1 <-> ov-ov1-host2 +12 pairs +1450 {2}e\.g\. o1 <-> o3$/),
    ]);
  });
});
