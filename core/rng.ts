/**
 * The run's random stream (architecture, firm decision 3): one seed per run, from which
 * every random choice in the simulator derives (loss, jitter, ephemeral ports, IP IDs,
 * TCP initial sequence numbers). Backed by pure-rand's xoroshiro128+, the generator
 * fast-check uses.
 *
 * `fork(label)` derives an independent stream per consumer (a link end, a socket), so
 * that adding a probe to a scenario does not change the loss pattern of an unrelated
 * link; every fork is still a function of the run seed alone.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { fnv1a32 } from './hash.js';

type Generator = ReturnType<typeof xoroshiro128plus>;

/** A seeded, mutable random stream. */
export class Rng {
  private readonly gen: Generator;

  constructor(readonly seed: number) {
    this.gen = xoroshiro128plus(seed | 0);
  }

  /** An integer in [from, to], both included. */
  int(from: number, to: number): number {
    return uniformInt(this.gen, from, to);
  }

  /** A float in [0, 1). */
  float(): number {
    return uniformFloat64(this.gen);
  }

  /** True with probability ppm / 1,000,000. */
  chancePpm(ppm: number): boolean {
    return ppm > 0 && (ppm >= 1_000_000 || this.int(0, 999_999) < ppm);
  }

  /** An independent stream for one consumer, derived from this seed and a label. */
  fork(label: string): Rng {
    return new Rng((Math.imul(this.seed | 0, 0x9e3779b1) ^ fnv1a32(label)) | 0);
  }
}
