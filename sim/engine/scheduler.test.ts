import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Simulation } from './simulation.js';
import type { EventHandler } from './scheduler.js';

/** Records (time, kind, arg) of every event it handles. */
class Recorder implements EventHandler {
  readonly seen: [number, number, unknown][] = [];
  constructor(private readonly sim: Simulation) {}
  handleEvent(kind: number, arg: unknown): void {
    this.seen.push([this.sim.now, kind, arg]);
  }
}

describe('the event list', () => {
  it('runs events in time order, same-time events in the order scheduled', () => {
    const sim = new Simulation(1);
    const r = new Recorder(sim);
    sim.schedule(5, r, 1, 'c');
    sim.schedule(1, r, 1, 'a');
    sim.schedule(5, r, 1, 'd');
    sim.schedule(1, r, 1, 'b');
    sim.run();
    expect(r.seen.map((e) => e[2])).toEqual(['a', 'b', 'c', 'd']);
    expect(sim.now).toBe(5);
  });
  it('skips cancelled events, and cancelling twice or after the run is harmless', () => {
    const sim = new Simulation(1);
    const r = new Recorder(sim);
    const id = sim.schedule(2, r, 7, 'x');
    sim.schedule(3, r, 7, 'y');
    sim.cancel(id);
    sim.cancel(id);
    sim.run();
    sim.cancel(id);
    expect(r.seen).toEqual([[3, 7, 'y']]);
  });
  it('does not let a stale id cancel the event that reused its slot', () => {
    const sim = new Simulation(1);
    const r = new Recorder(sim);
    const old = sim.schedule(1, r, 0, 'old');
    sim.run();
    sim.schedule(1, r, 0, 'new');
    sim.cancel(old);
    sim.run();
    expect(r.seen.map((e) => e[2])).toEqual(['old', 'new']);
  });
  it('runs up to a time, leaves later events pending, and moves the clock there', () => {
    const sim = new Simulation(1);
    const r = new Recorder(sim);
    sim.schedule(10, r, 0);
    sim.schedule(20, r, 0);
    expect(sim.run(15)).toBe(1);
    expect(sim.now).toBe(15);
    expect(sim.idle).toBe(false);
    sim.run();
    expect(sim.idle).toBe(true);
  });
  it('refuses to schedule into the past', () => {
    const sim = new Simulation(1);
    expect(() => sim.schedule(-1, new Recorder(sim), 0)).toThrow(/past/);
  });
  it('pops in non-decreasing (time, seq) order whatever the insertions and cancellations (seed 21)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1000), fc.boolean()), { maxLength: 3000 }), (ops) => {
        const sim = new Simulation(1);
        const r = new Recorder(sim);
        const ids = ops.map(([t], i) => sim.schedule(t, r, 0, i));
        ops.forEach(([, cancel], i) => cancel && sim.cancel(ids[i] as number));
        sim.run();
        const expected = ops
          .map(([t, c], i) => ({ t, c, i }))
          .filter((x) => !x.c)
          .sort((a, b) => a.t - b.t || a.i - b.i)
          .map((x) => x.i);
        expect(r.seen.map((e) => e[2])).toEqual(expected);
      }),
      { seed: 21, numRuns: 200 },
    );
  });
  it('lets handlers schedule more events while running (seed 22)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(50), { minLength: 1, maxLength: 200 }), (delays) => {
        const sim = new Simulation(1);
        const times: number[] = [];
        let i = 0;
        const chain: EventHandler = {
          handleEvent: () => {
            times.push(sim.now);
            if (i < delays.length) sim.schedule(delays[i++] as number, chain, 0);
          },
        };
        sim.schedule(0, chain, 0);
        sim.run();
        expect(times).toHaveLength(delays.length + 1);
        expect(times.every((t, k) => k === 0 || t >= (times[k - 1] as number))).toBe(true);
      }),
      { seed: 22, numRuns: 100 },
    );
  });
});
