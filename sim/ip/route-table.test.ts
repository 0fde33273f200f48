/**
 * The routing table (route-table.ts): longest prefix first, then the lowest metric, then
 * the route added first, checked against a brute-force reference over random tables.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { networkOf, parseIpv4 } from '../../core/addr.js';
import { RouteTable, type Route } from './route-table.js';

const ip = (t: string) => parseIpv4(t) as number;
const route = (dst: string, len: number, dev: string, metric = 0): Route => ({
  dst: ip(dst),
  len,
  dev,
  metric,
  proto: 'static',
});

describe('RouteTable lookup', () => {
  it('prefers the longest prefix, then the lowest metric, then the route added first', () => {
    const t = new RouteTable();
    t.add(route('0.0.0.0', 0, 'default'));
    t.add(route('10.0.0.0', 8, 'wide'));
    t.add(route('10.1.0.0', 16, 'second', 10));
    t.add(route('10.1.0.0', 16, 'cheap', 5));
    t.add(route('10.1.0.0', 16, 'cheap-later', 5));
    expect(t.lookup(ip('10.1.2.3'))?.dev).toBe('cheap');
    expect(t.lookup(ip('10.2.0.1'))?.dev).toBe('wide');
    expect(t.lookup(ip('192.0.2.1'))?.dev).toBe('default');
    t.remove((r) => r.dev === 'default');
    expect(t.lookup(ip('192.0.2.1'))).toBeUndefined();
  });

  it('answers like a brute-force search over every route (seed 71)', () => {
    const routeArb = fc.record({
      addr: fc.integer({ min: 0, max: 0xffffffff }),
      len: fc.integer({ min: 0, max: 32 }),
      metric: fc.integer({ min: 0, max: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(routeArb, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 20 }),
        (rs, probes) => {
          const t = new RouteTable();
          const all = rs.map((r, i) => ({
            dst: networkOf(r.addr, r.len),
            len: r.len,
            metric: r.metric,
            dev: `r${i}`,
            proto: 'static' as const,
          }));
          for (const r of all) t.add(r);
          for (const a of probes) {
            const matching = all.filter((r) => networkOf(a, r.len) === r.dst);
            const best = matching.reduce<Route | undefined>(
              (b, r) => (b === undefined || r.len > b.len || (r.len === b.len && r.metric < b.metric) ? r : b),
              undefined,
            );
            expect(t.lookup(a)?.dev).toBe(best?.dev);
          }
        },
      ),
      { seed: 71, numRuns: 300 },
    );
  });

  // lookup reads prefix and mask arrays kept beside the routes: removing must rebuild them.
  it('answers like a brute-force search after some routes are removed (seed 72)', () => {
    const routeArb = fc.record({
      addr: fc.integer({ min: 0, max: 0xffffffff }),
      len: fc.integer({ min: 0, max: 32 }),
      gone: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(routeArb, { maxLength: 30 }),
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { minLength: 1, maxLength: 20 }),
        (rs, probes) => {
          const t = new RouteTable();
          const all = rs.map((r, i) => ({
            dst: networkOf(r.addr, r.len),
            len: r.len,
            metric: 0,
            dev: r.gone ? `gone${i}` : `r${i}`,
            proto: 'static' as const,
          }));
          for (const r of all) t.add(r);
          t.remove((r) => r.dev.startsWith('gone'));
          const kept = all.filter((r) => !r.dev.startsWith('gone'));
          for (const a of probes) {
            const best = kept
              .filter((r) => networkOf(a, r.len) === r.dst)
              .reduce<Route | undefined>((b, r) => (b === undefined || r.len > b.len ? r : b), undefined);
            expect(t.lookup(a)?.dev).toBe(best?.dev);
          }
        },
      ),
      { seed: 72, numRuns: 300 },
    );
  });
});
