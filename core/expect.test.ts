import { describe, expect, it } from 'vitest';
import { checkExpectation, nearestRank } from './expect.js';
import type { ProbeResult } from './observations.js';
import type { ExpectPlan } from './plan/types.js';

const MS = 1_000_000;
const ping = (over: Partial<ProbeResult> = {}): ProbeResult => ({
  name: 'p',
  kind: 'ping',
  atNs: 0,
  ns: 'a',
  dst: '10.0.0.2',
  outcome: 'delivered',
  detail: 'x',
  sent: 20,
  received: 20,
  rttsNs: [],
  ...over,
});
const check = (x: ExpectPlan, r: ProbeResult, engine: 'sim' | 'emulator' = 'sim') =>
  checkExpectation('p', x, r, engine);

describe('an outcome or a set of outcomes', () => {
  it('meets a set with any of its members, and names the set when none came', () => {
    const x: ExpectPlan = { outcome: ['refused', 'dropped'] };
    expect(check(x, ping({ outcome: 'refused' })).met).toBe(true);
    expect(check(x, ping({ outcome: 'dropped' })).met).toBe(true);
    expect(check(x, ping({ outcome: 'delivered', detail: '1/1 replies' })).failures).toEqual([
      'expected refused or dropped, got delivered (1/1 replies)',
    ]);
  });
  it('lets the emulator meet a dropped in the set with a timeout, as it does a single dropped', () => {
    expect(check({ outcome: ['refused', 'dropped'] }, ping({ outcome: 'timed-out' }), 'emulator').met).toBe(true);
    expect(check({ outcome: ['refused', 'dropped'] }, ping({ outcome: 'timed-out' }), 'sim').met).toBe(false);
    expect(check({ outcome: 'dropped' }, ping({ outcome: 'timed-out' }), 'emulator').met).toBe(true);
  });
  it("keeps the single outcome's message as it was", () => {
    expect(
      check({ outcome: 'delivered' }, ping({ outcome: 'refused', detail: 'Connection refused' })).failures,
    ).toEqual(['expected delivered, got refused (Connection refused)']);
  });
});

describe('replies received', () => {
  it('exactly', () => {
    expect(check({ received: 20 }, ping()).met).toBe(true);
    expect(check({ received: 20 }, ping({ received: 19 })).failures).toEqual(['expected 20 replies, got 19 of 20']);
  });
  it('at least and at most', () => {
    expect(check({ receivedMin: 18 }, ping({ received: 18 })).met).toBe(true);
    expect(check({ receivedMin: 18 }, ping({ received: 17 })).failures).toEqual([
      'expected at least 18 replies, got 17 of 20',
    ]);
    expect(check({ receivedMax: 2 }, ping({ received: 3 })).failures).toEqual([
      'expected at most 2 replies, got 3 of 20',
    ]);
    expect(check({ receivedMin: 1, receivedMax: 2 }, ping({ received: 2 })).met).toBe(true);
  });
});

describe('loss as a fraction with bounds', () => {
  it('meets max: 5% with 1 of 20 lost (exactly 5%) and not with 2 of 20', () => {
    const x: ExpectPlan = { lossMaxPpm: 50_000 };
    expect(check(x, ping({ received: 19 })).met).toBe(true);
    expect(check(x, ping({ received: 18 })).failures).toEqual(['expected loss <= 5%, got 10% (2 of 20 unanswered)']);
  });
  it('meets min: 50% only when at least half went unanswered', () => {
    const x: ExpectPlan = { lossMinPpm: 500_000 };
    expect(check(x, ping({ sent: 3, received: 1 })).met).toBe(true);
    expect(check(x, ping({ sent: 3, received: 2 })).failures).toEqual([
      'expected loss >= 50%, got 33.333% (1 of 3 unanswered)',
    ]);
  });
  it('compares exactly where a percentage does not divide evenly (1 of 3 is more than 33.333%)', () => {
    expect(check({ lossMaxPpm: 333_330 }, ping({ sent: 3, received: 2 })).met).toBe(false);
    expect(check({ lossMaxPpm: 333_340 }, ping({ sent: 3, received: 2 })).met).toBe(true);
  });
  it('fails when nothing was sent', () => {
    expect(check({ lossMaxPpm: 0 }, ping({ sent: 0, received: 0 })).failures).toEqual([
      'expected a loss fraction, but no request was sent',
    ]);
  });
});

describe('round-trip times', () => {
  const tenSamples = ping({ rttsNs: [7, 1, 10, 3, 5, 2, 9, 4, 6, 8].map((x) => x * MS) });
  it('bounds every sample with min and max, as before', () => {
    expect(check({ rttMinNs: 1 * MS, rttMaxNs: 10 * MS }, tenSamples).met).toBe(true);
    expect(check({ rttMaxNs: 9 * MS }, tenSamples).failures).toEqual([
      'expected every RTT <= 9ms, the largest was 10ms',
    ]);
  });
  it('takes percentiles by nearest rank: of 1..10 ms, p50 is 5 ms, p90 9 ms, p99 10 ms', () => {
    expect(nearestRank(tenSamples.rttsNs, 50)).toBe(5 * MS);
    expect(nearestRank(tenSamples.rttsNs, 90)).toBe(9 * MS);
    expect(nearestRank(tenSamples.rttsNs, 99)).toBe(10 * MS);
    expect(nearestRank([3 * MS], 50)).toBe(3 * MS);
    expect(nearestRank([], 50)).toBeUndefined();
  });
  it('meets a percentile bound that one slow sample would break for every-sample bounds', () => {
    const slowTail = ping({ rttsNs: [...Array(19).fill(10 * MS), 80 * MS] });
    expect(check({ rttPercentiles: [{ percentile: 90, maxNs: 40 * MS }] }, slowTail).met).toBe(true);
    expect(check({ rttPercentiles: [{ percentile: 99, maxNs: 40 * MS }] }, slowTail).failures).toEqual([
      'expected RTT p99 <= 40ms, it was 80ms (of 20 samples)',
    ]);
    expect(check({ rttMaxNs: 40 * MS }, slowTail).met).toBe(false);
  });
  it('bounds the median from below and above', () => {
    expect(check({ rttPercentiles: [{ percentile: 50, minNs: 6 * MS }] }, tenSamples).failures).toEqual([
      'expected RTT p50 >= 6ms, it was 5ms (of 10 samples)',
    ]);
    expect(check({ rttPercentiles: [{ percentile: 50, minNs: 5 * MS, maxNs: 5 * MS }] }, tenSamples).met).toBe(true);
  });
  it('fails a percentile without samples', () => {
    expect(check({ rttPercentiles: [{ percentile: 50, maxNs: MS }] }, ping({ received: 0 })).failures).toEqual([
      'expected RTT p50, but no answer came back',
    ]);
  });
});
