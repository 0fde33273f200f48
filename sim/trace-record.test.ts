/**
 * The bounded step record of one probe (trace-record.ts): it keeps the first and last
 * halves of its limit, in order, counts every step, and shrinking it part way gives what
 * the smaller limit would have kept from the start.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TraceStep } from '../core/observations.js';
import { FlowSteps } from './trace-record.js';

const step = (i: number): TraceStep => ({ timeNs: i, ns: 'a', step: i % 3 === 0 ? 'tx' : 'rx', detail: `#${i}` });

/** What a record of `limit` should keep of `n` steps. */
function expected(n: number, limit: number): number[] {
  const all = [...Array(n).keys()];
  if (n <= limit) return all;
  return [...all.slice(0, Math.ceil(limit / 2)), ...all.slice(n - Math.floor(limit / 2))];
}

describe('FlowSteps', () => {
  it('keeps every step up to its limit, and no summary', () => {
    const r = new FlowSteps(10);
    for (let i = 0; i < 10; i++) r.push(step(i));
    expect(r.kept().map((s) => s.timeNs)).toEqual(expected(10, 10));
    expect(r.summary()).toBeUndefined();
  });

  it('keeps the first and last halves of a longer trace, with counts of all steps by kind', () => {
    const r = new FlowSteps(10);
    for (let i = 0; i < 1000; i++) r.push(step(i));
    expect(r.kept().map((s) => s.timeNs)).toEqual([0, 1, 2, 3, 4, 995, 996, 997, 998, 999]);
    expect(r.summary()).toEqual({ steps: 1000, kept: 10, cutAfter: 5, byStep: { rx: 666, tx: 334 } });
  });

  it('keeps what its limit says for any number of steps (seed 5)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 1, max: 50 }), (n, limit) => {
        const r = new FlowSteps(limit);
        for (let i = 0; i < n; i++) r.push(step(i));
        expect(r.kept().map((s) => s.timeNs)).toEqual(expected(n, limit));
        expect(r.summary()?.steps ?? n).toBe(n);
      }),
      { seed: 5 },
    );
  });

  it('shrunk part way, ends with what the smaller limit keeps from the start (seed 6)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 0, max: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 60 }),
        (before, after, small, extra) => {
          const r = new FlowSteps(small + extra);
          for (let i = 0; i < before; i++) r.push(step(i));
          r.shrink(small);
          for (let i = before; i < before + after; i++) r.push(step(i));
          expect(r.kept().map((s) => s.timeNs)).toEqual(expected(before + after, small));
          const s = r.summary();
          if (s !== undefined)
            expect(s).toMatchObject({ steps: before + after, kept: small, cutAfter: Math.ceil(small / 2) });
        },
      ),
      { seed: 6 },
    );
  });
});
