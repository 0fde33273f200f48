/**
 * The egress queueing discipline of a device with an impairment, modelled on Linux's
 * netem (net/sched/sch_netem.c): random loss at enqueue; a queue limit counted in
 * packets held, delayed ones included (netem's `limit`, default 1000); a delay with
 * uniform jitter (netem's default when no distribution table is given: mu +/- sigma);
 * and a rate, where each packet's send time follows the last queued packet's and adds
 * its serialisation time (netem_enqueue's rate branch). Packets leave in send-time order
 * (netem's tfifo), so jitter can reorder them, as it does in Linux.
 *
 * Not modelled: duplication, corruption, reordering by gap, slot, ECN marking, and the
 * distribution tables (normal, pareto).
 */
import type { Rng } from '../../core/rng.js';
import type { ShapePlan } from '../../core/plan/types.js';

/** netem's default queue limit in packets (tc-netem(8): "limit packets ... default 1000"). */
export const NETEM_DEFAULT_LIMIT = 1000;

/** Why a packet did not enter the queue. */
export type EnqueueFailure = 'loss' | 'queue-full';

export class Qdisc {
  private shape: ShapePlan;
  /** Send times of packets still held, ascending. */
  private held: number[] = [];

  constructor(
    shape: ShapePlan,
    private readonly rng: Rng,
  ) {
    this.shape = shape;
  }

  /** Replaces the impairment (tc qdisc change); packets already queued keep their times. */
  setShape(shape: ShapePlan): void {
    this.shape = shape;
  }

  get current(): ShapePlan {
    return this.shape;
  }

  /** The time the packet leaves the device, or why it was dropped. */
  enqueue(now: number, bytes: number): number | EnqueueFailure {
    const s = this.shape;
    if (s.lossPpm > 0 && this.rng.chancePpm(s.lossPpm)) return 'loss';
    this.release(now);
    const limit = s.limit > 0 ? s.limit : NETEM_DEFAULT_LIMIT;
    if (this.held.length >= limit) return 'queue-full';
    let delay = s.delayNs;
    if (s.jitterNs > 0) delay += this.rng.int(-s.jitterNs, s.jitterNs - 1);
    let start = now;
    if (s.rateBps > 0) {
      const last = this.held.length === 0 ? undefined : this.held[this.held.length - 1];
      if (last !== undefined && last > now) {
        delay = Math.max(0, delay - (last - now));
        start = last;
      }
      delay += Math.ceil((bytes * 8 * 1e9) / s.rateBps);
    }
    const at = start + Math.max(0, delay);
    this.insert(at);
    return at;
  }

  /** Forgets packets that have left by `now`. */
  private release(now: number): void {
    let n = 0;
    while (n < this.held.length && (this.held[n] as number) <= now) n++;
    if (n > 0) this.held.splice(0, n);
  }

  private insert(at: number): void {
    let i = this.held.length;
    while (i > 0 && (this.held[i - 1] as number) > at) i--;
    this.held.splice(i, 0, at);
  }
}
