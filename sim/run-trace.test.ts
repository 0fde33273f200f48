/**
 * What a run keeps of its probes' decision traces (run.ts, trace.ts, trace-record.ts):
 * a probe of many large packets keeps a bounded number of steps, counted, not timed;
 * a probe asked for (`--trace`) or whose expectation is not met keeps its whole trace.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../core/backend.js';
import { planOf, probeNamed, routedLab } from './test-helpers.js';
import { simulate } from './run.js';
import { TRACE_STEPS_KEPT, TRACE_STEPS_KEPT_FULL, TRACE_STEPS_KEPT_RUN } from './trace-record.js';

/** `count` pings of 8000 bytes (6 fragments each way) from client to server, across r1. */
const bigPings = (count: number, expect: string) =>
  planOf(
    routedLab({
      timeline: `  - { at: 1s, name: big, ping: { from: client, to: server, count: ${count}, interval: 10ms, size: 8000 }, expect: { ${expect} } }`,
    }),
  );

const run = (count: number, expect = `received: ${count}`, traceProbes?: string[]): RunResult =>
  simulate(bigPings(count, expect), traceProbes === undefined ? {} : { traceProbes });

describe('Decision traces of long probes', () => {
  const passing = run(60);
  const big = probeNamed(passing, 'big');

  it('keeps the first and last TRACE_STEPS_KEPT steps of a passing probe of many large packets, and counts them all', () => {
    expect(big.outcome).toBe('delivered');
    expect(big.trace).toHaveLength(TRACE_STEPS_KEPT);
    const s = big.traceSummary;
    expect(s?.steps).toBeGreaterThan(TRACE_STEPS_KEPT);
    expect(s?.kept).toBe(TRACE_STEPS_KEPT);
    expect(Object.values(s?.byStep ?? {}).reduce((a, b) => a + b, 0)).toBe(s?.steps);
    expect(
      passing.observations.notes.some(
        (n) => n.startsWith(`the decision trace of big had ${s?.steps} steps`) && n.includes('--trace big'),
      ),
    ).toBe(true);
  });

  it('keeps as many steps of three times the packets', () => {
    const triple = probeNamed(run(180), 'big');
    expect(triple.trace).toHaveLength(TRACE_STEPS_KEPT);
    expect(triple.traceSummary?.steps).toBeGreaterThan(2.5 * (big.traceSummary?.steps ?? 0));
  });

  it('keeps the whole trace of a probe asked for with traceProbes (--trace)', () => {
    for (const asked of [['big'], ['all']]) {
      const p = probeNamed(run(60, 'received: 60', asked), 'big');
      expect(p.traceSummary).toBeUndefined();
      expect(p.trace).toHaveLength(big.traceSummary?.steps ?? -1);
      expect(p.trace?.slice(0, TRACE_STEPS_KEPT / 2)).toEqual(big.trace?.slice(0, TRACE_STEPS_KEPT / 2));
    }
  });

  it('keeps the whole trace of a probe whose expectation is not met', () => {
    const r = run(60, 'received: 59');
    const p = probeNamed(r, 'big');
    expect(p.traceSummary).toBeUndefined();
    expect(p.trace).toHaveLength(big.traceSummary?.steps ?? -1);
    expect(r.observations.notes.filter((n) => n.includes('decision trace'))).toEqual([]);
  });

  it("keeps whole traces of failed probes only within the run's budget (traceBudget, default TRACE_STEPS_KEPT_RUN)", () => {
    const steps = big.traceSummary?.steps ?? 0;
    const entry = (at: number) =>
      `  - { at: ${at}s, name: big${at}, ping: { from: client, to: server, count: 60, interval: 10ms, size: 8000 }, expect: { received: 59 } }`;
    const r = simulate(planOf(routedLab({ timeline: [1, 3, 5].map(entry).join('\n') })), {
      traceBudget: Math.floor(2.5 * steps),
    });
    const [a, b, c] = ['big1', 'big3', 'big5'].map((n) => probeNamed(r, n));
    expect([a?.traceSummary, b?.traceSummary, c?.trace?.length]).toEqual([undefined, undefined, TRACE_STEPS_KEPT]);
    const held = (a?.trace?.length ?? 0) + (b?.trace?.length ?? 0);
    expect(held).toBeGreaterThan(1.5 * steps);
    expect(r.observations.notes.filter((n) => n.includes('decision trace'))).toEqual([
      `the decision trace of big5 had ${c?.traceSummary?.steps} steps: kept the first 500 and the last 500; the run's whole traces already held ${held} of the ${Math.floor(2.5 * steps)} steps they may`,
    ]);
    expect(TRACE_STEPS_KEPT_RUN).toBeGreaterThanOrEqual(10 * TRACE_STEPS_KEPT_FULL);
  });

  it('keeps at most TRACE_STEPS_KEPT_FULL steps even of a probe asked for', () => {
    const p = probeNamed(
      run(Math.ceil((1.2 * TRACE_STEPS_KEPT_FULL * 60) / (big.traceSummary?.steps ?? 1)), 'outcome: delivered', [
        'big',
      ]),
      'big',
    );
    expect(p.trace).toHaveLength(TRACE_STEPS_KEPT_FULL);
    expect(p.traceSummary?.steps).toBeGreaterThan(TRACE_STEPS_KEPT_FULL);
  });
});
