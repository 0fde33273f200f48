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
  readonly scheduler = new Scheduler();
  readonly rng: Rng;

  constructor(readonly seed: number) {
    this.rng = new Rng(seed);
  }

  /** The current simulated time in nanoseconds. */
  get now(): number {
    return this.scheduler.now;
  }

  /** Schedules `handler.handleEvent(kind, arg)` after `delayNs` (0: after everything already due now). */
  schedule(delayNs: number, handler: EventHandler, kind: number, arg?: unknown): EventId {
    if (!(delayNs >= 0)) throw new Error(`cannot schedule into the past (delay ${delayNs} ns)`);
    return this.scheduler.insert(this.scheduler.now + delayNs, handler, kind, arg);
  }

  /** Schedules at an absolute time, which must not be in the past. */
  scheduleAt(atNs: number, handler: EventHandler, kind: number, arg?: unknown): EventId {
    if (atNs < this.scheduler.now)
      throw new Error(`cannot schedule at ${atNs} ns, before now (${this.scheduler.now} ns)`);
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
    const s = this.scheduler;
    const before = s.executed;
    s.stopAt = untilNs;
    s.runUntil();
    if (s.stopAt !== Infinity && s.stopAt > s.now) s.now = s.stopAt;
    return s.executed - before;
  }

  /** Ends the current run() at `atNs` (not later than it would have ended anyway). */
  stopAtTime(atNs: number): void {
    const s = this.scheduler;
    s.stopAt = Math.min(s.stopAt, Math.max(atNs, s.now));
  }

  /** Whether any event is pending. */
  get idle(): boolean {
    return this.scheduler.peekTime() === Infinity;
  }
}
