/**
 * A simulation: the clock, the event list, the run's random stream and the trace sink.
 * There is no global simulator (unlike ns-3's `Simulator::`): every element receives its
 * Simulation, so many run side by side in one process (tests, sweeps). Time is an
 * integer number of nanoseconds and only advances by running events; nothing here
 * reads a wall clock (architecture, firm decision 2).
 */
import { Rng } from '../../core/rng.js';
import { Scheduler, type EventHandler, type EventId } from './scheduler.js';

export class Simulation {
  private clock = 0;
  private stopAt = Infinity;
  readonly scheduler = new Scheduler();
  readonly rng: Rng;
  private readonly setNow = (t: number): void => {
    this.clock = t;
  };

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }

  /** The current simulated time in nanoseconds. */
  get now(): number {
    return this.clock;
  }

  /** Schedules `handler.handleEvent(kind, arg)` after `delayNs` (0: after everything already due now). */
  schedule(delayNs: number, handler: EventHandler, kind: number, arg?: unknown): EventId {
    if (!(delayNs >= 0)) throw new Error(`cannot schedule into the past (delay ${delayNs} ns)`);
    return this.scheduler.insert(this.clock + delayNs, handler, kind, arg);
  }

  /** Schedules at an absolute time, which must not be in the past. */
  scheduleAt(atNs: number, handler: EventHandler, kind: number, arg?: unknown): EventId {
    if (atNs < this.clock) throw new Error(`cannot schedule at ${atNs} ns, before now (${this.clock} ns)`);
    return this.scheduler.insert(atNs, handler, kind, arg);
  }

  cancel(id: EventId): void {
    this.scheduler.cancel(id);
  }

  /**
   * Runs events in (time, sequence) order up to and including `untilNs` (default: until
   * no event is left). The clock ends at `untilNs` when given, else at the last event.
   * Returns the number of events run.
   */
  run(untilNs = Infinity): number {
    const before = this.scheduler.executed;
    this.stopAt = untilNs;
    while (this.scheduler.runNext(this.stopAt, this.setNow) !== undefined) {
      // each iteration ran one event
    }
    if (this.stopAt !== Infinity && this.stopAt > this.clock) this.clock = this.stopAt;
    return this.scheduler.executed - before;
  }

  /** Ends the current run() at `atNs` (not later than it would have ended anyway). */
  stopAtTime(atNs: number): void {
    this.stopAt = Math.min(this.stopAt, Math.max(atNs, this.clock));
  }

  /** Whether any event is pending. */
  get idle(): boolean {
    return this.scheduler.peekTime() === Infinity;
  }
}
