/**
 * The netem-like impairment qdisc (qdisc.ts), called directly: `enqueue(now, bytes)`
 * returns the time the packet leaves the device, or why it did not enter the queue.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ShapePlan } from '../../core/plan/types.js';
import { Rng } from '../../core/rng.js';
import { NETEM_DEFAULT_LIMIT, Qdisc } from './qdisc.js';

const NONE: ShapePlan = { delayNs: 0, jitterNs: 0, lossPpm: 0, rateBps: 0, limit: 0 };
const ms = (x: number) => x * 1_000_000;

function qdisc(shape: Partial<ShapePlan>, seed = 1): Qdisc {
  return new Qdisc({ ...NONE, ...shape }, new Rng(seed));
}

/** Enqueues `n` packets of `bytes` at the times `at(i)` and returns what each got. */
function feed(q: Qdisc, n: number, bytes: number, at: (i: number) => number): (number | string)[] {
  return Array.from({ length: n }, (_, i) => q.enqueue(at(i), bytes));
}

describe('Qdisc delay', () => {
  it('adds exactly the delay to every packet, whatever its size and send time (seed 11)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: ms(500) }),
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: ms(50) }), bytes: fc.integer({ min: 42, max: 9014 }) }), {
          minLength: 1,
          maxLength: 50,
        }),
        (delay, pkts) => {
          const q = qdisc({ delayNs: delay });
          let now = 0;
          for (const p of pkts) {
            now += p.gap;
            expect(q.enqueue(now, p.bytes)).toBe(now + delay);
          }
        },
      ),
      { seed: 11 },
    );
  });

  it('without any impairment, a packet leaves at once', () => {
    expect(qdisc({}).enqueue(12_345, 1514)).toBe(12_345);
  });
});

describe('Qdisc rate', () => {
  it('serialises back-to-back packets: departures are spaced by bytes * 8 / rate', () => {
    // 8 Mbit/s: one byte per microsecond, so a 1000-byte frame takes 1 ms.
    const q = qdisc({ rateBps: 8_000_000 });
    expect(feed(q, 4, 1000, () => 0)).toEqual([ms(1), ms(2), ms(3), ms(4)]);
  });

  it('adds the delay once on top of serialisation, and a packet sent after the queue drained starts afresh', () => {
    const q = qdisc({ rateBps: 8_000_000, delayNs: ms(10) });
    expect(feed(q, 3, 500, () => 0)).toEqual([ms(10.5), ms(11), ms(11.5)]);
    expect(q.enqueue(ms(100), 500)).toBe(ms(110.5));
  });

  it("spaces departures of any back-to-back burst by each packet's own serialisation time (seed 12)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_000, max: 10_000_000_000 }),
        fc.array(fc.integer({ min: 42, max: 1514 }), { minLength: 2, maxLength: 40 }),
        (rate, sizes) => {
          const q = qdisc({ rateBps: rate });
          const out = sizes.map((b) => q.enqueue(0, b) as number);
          for (let i = 1; i < out.length; i++)
            expect((out[i] as number) - (out[i - 1] as number)).toBe(Math.ceil(((sizes[i] as number) * 8e9) / rate));
        },
      ),
      { seed: 12 },
    );
  });
});

describe('Qdisc loss', () => {
  it('drops about the configured fraction over many packets (10% of 100,000, seed 13)', () => {
    const q = qdisc({ lossPpm: 100_000 }, 13);
    const lost = feed(q, 100_000, 100, (i) => i * 1000).filter((r) => r === 'loss').length;
    expect(lost / 100_000).toBeGreaterThan(0.097);
    expect(lost / 100_000).toBeLessThan(0.103);
  });

  it('drops exactly the same packets for the same seed, and others for another seed (seeds 13, 14)', () => {
    const pattern = (seed: number) =>
      feed(qdisc({ lossPpm: 200_000 }, seed), 2000, 100, (i) => i * 1000).map((r) => r === 'loss');
    expect(pattern(13)).toEqual(pattern(13));
    expect(pattern(14)).not.toEqual(pattern(13));
  });

  it('drops everything at 100% and nothing at 0%', () => {
    expect(new Set(feed(qdisc({ lossPpm: 1_000_000 }), 500, 100, (i) => i))).toEqual(new Set(['loss']));
    expect(feed(qdisc({}), 500, 100, (i) => i).includes('loss')).toBe(false);
  });
});

describe('Qdisc queue limit', () => {
  it('drops when full, counting packets that are only being delayed (netem), and accepts again once they left', () => {
    const q = qdisc({ delayNs: ms(10), limit: 3 });
    expect(feed(q, 4, 100, () => 0)).toEqual([ms(10), ms(10), ms(10), 'queue-full']);
    expect(q.enqueue(ms(10) - 1, 100)).toBe('queue-full');
    expect(q.enqueue(ms(10), 100)).toBe(ms(20));
  });

  it(`defaults to netem's ${NETEM_DEFAULT_LIMIT} packets when the limit is 0`, () => {
    const r = feed(qdisc({ delayNs: ms(1) }), NETEM_DEFAULT_LIMIT + 1, 100, () => 0);
    expect(r.filter((x) => x === 'queue-full')).toHaveLength(1);
    expect(r[NETEM_DEFAULT_LIMIT]).toBe('queue-full');
  });

  it('counts packets waiting behind a rate limit', () => {
    const q = qdisc({ rateBps: 8_000_000, limit: 2 });
    expect(feed(q, 3, 1000, () => 0)).toEqual([ms(1), ms(2), 'queue-full']);
    expect(q.enqueue(ms(1), 1000)).toBe(ms(3));
  });
});

describe('Qdisc jitter', () => {
  it('keeps every delay within [delay - jitter, delay + jitter) (seed 15)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: ms(5) }), (seed, jitter) => {
        const q = qdisc({ delayNs: ms(20), jitterNs: jitter }, seed);
        for (let i = 0; i < 50; i++) {
          const d = (q.enqueue(i * ms(1), 100) as number) - i * ms(1);
          expect(d).toBeGreaterThanOrEqual(ms(20) - jitter);
          expect(d).toBeLessThan(ms(20) + jitter);
        }
      }),
      { seed: 15, numRuns: 50 },
    );
  });

  it('can reorder: a later packet may leave before an earlier one (seed 16)', () => {
    const q = qdisc({ delayNs: ms(20), jitterNs: ms(10) }, 16);
    const out = feed(q, 100, 100, (i) => i * ms(1)) as number[];
    const inversions = out.filter((t, i) => i > 0 && t < (out[i - 1] as number)).length;
    expect(inversions).toBeGreaterThan(0);
  });

  it('changing the impairment keeps what is queued and applies to new packets (tc qdisc change)', () => {
    const q = qdisc({ delayNs: ms(50), limit: 2 });
    q.enqueue(0, 100);
    q.setShape({ ...NONE, delayNs: ms(1), limit: 2 });
    expect(q.enqueue(0, 100)).toBe(ms(1));
    expect(q.enqueue(0, 100)).toBe('queue-full');
    expect(q.current.delayNs).toBe(ms(1));
  });
});
