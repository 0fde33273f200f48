/**
 * The decision steps kept for one probe, bounded: its first steps and its last ones,
 * with a count of every step recorded and of each kind. A probe of many large packets
 * (a 64 KB ping sent 10,000 times crosses a bridge as 45 fragments each way, every
 * fragment a handful of steps) records millions of steps; keeping them all made the
 * run's memory grow with its packets and its observations.json outgrow a JavaScript
 * string. The middle of a long trace repeats its beginning; the beginning shows the way
 * the packets went and the end shows how the probe ended, so those two are kept.
 * Not modelled: sampling the middle, or keeping steps by kind.
 */
import type { TraceStep, TraceSummary } from '../core/observations.js';

/**
 * Steps kept of a probe whose expectation was met and whose trace nobody asked for
 * (`--trace`): its first 500 and its last 500. The longest trace of a bundled scenario
 * has 368 steps, so their traces are whole.
 */
export const TRACE_STEPS_KEPT = 1_000;

/**
 * Steps kept of a probe asked for with `--trace`, or whose expectation was not met: its
 * first 10,000 and its last 10,000, a few megabytes of observations.json. Every probe
 * keeps this many while it runs, since whether it passes is known only at its end.
 */
export const TRACE_STEPS_KEPT_FULL = 20_000;

/**
 * Steps the whole traces of one run keep together, about 50 MB of observations.json:
 * past it, a probe that failed or was asked for keeps TRACE_STEPS_KEPT steps like the
 * others (a broken network at scale fails every probe, and each must not keep 20,000).
 */
export const TRACE_STEPS_KEPT_RUN = 200_000;

/** One probe's steps: the first `limit / 2`, the last `limit / 2`, and counts of all. */
export class FlowSteps {
  private head: TraceStep[] = [];
  private tail: TraceStep[] = [];
  private headCap: number;
  private tailCap: number;
  /** Steps recorded in all, kept or not. */
  total = 0;
  private readonly byStep = new Map<string, number>();

  constructor(limit: number = TRACE_STEPS_KEPT_FULL) {
    this.headCap = Math.ceil(limit / 2);
    this.tailCap = Math.floor(limit / 2);
  }

  /** The most steps this record keeps. */
  get limit(): number {
    return this.headCap + this.tailCap;
  }

  push(s: TraceStep): void {
    this.total++;
    this.byStep.set(s.step, (this.byStep.get(s.step) ?? 0) + 1);
    if (this.head.length < this.headCap) return void this.head.push(s);
    this.tail.push(s);
    // Trimmed in batches, so that each step costs O(1) amortised and at most twice the
    // tail is held.
    if (this.tail.length >= 2 * this.tailCap) this.tail = this.tail.slice(this.tail.length - this.tailCap);
  }

  /** Keeps at most `limit` steps from now on (the first and last halves of what it kept). */
  shrink(limit: number): void {
    if (limit >= this.limit) return;
    const headCap = Math.ceil(limit / 2);
    const tailCap = Math.floor(limit / 2);
    const kept = this.kept();
    if (this.total <= limit) {
      // Nothing was cut yet: the steps stay in order, the first ones in the head.
      this.head = kept.slice(0, headCap);
      this.tail = kept.slice(headCap);
    } else {
      this.head = this.head.slice(0, headCap);
      this.tail = tailCap === 0 ? [] : kept.slice(Math.max(headCap, kept.length - tailCap));
    }
    this.headCap = headCap;
    this.tailCap = tailCap;
  }

  /** The steps kept, in the order they were recorded. */
  kept(): TraceStep[] {
    const tail = this.tail.length > this.tailCap ? this.tail.slice(this.tail.length - this.tailCap) : this.tail;
    return this.head.length === 0 ? [...tail] : [...this.head, ...tail];
  }

  /** What was left out, when something was: undefined when every step was kept. */
  summary(): TraceSummary | undefined {
    const kept = this.head.length + Math.min(this.tail.length, this.tailCap);
    if (kept === this.total) return undefined;
    const byStep = Object.fromEntries(
      [...this.byStep.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    );
    return { steps: this.total, kept, cutAfter: this.head.length, byStep };
  }
}
