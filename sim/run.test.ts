/**
 * Determinism of a run (run.ts, topology.ts; architecture decisions 2 and 3): the same plan
 * and seed give the same observations and the same capture bytes, whatever else ran in
 * the process; another seed changes what random impairments do.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../core/backend.js';
import { planOf, routedLab } from './test-helpers.js';
import { simulate } from './run.js';

const plan = planOf(
  routedLab({
    seed: 7,
    uplink: 'delay: 5ms, jitter: 2ms, loss: 15%',
    timeline: `
  - { at: 1s, name: pings, ping: { from: client, to: server, count: 40, interval: 50ms } }
  - { at: 1s, name: tcp, tcp: { from: client, to: server, port: 443, timeout: 20s } }
  - { at: 1s, name: udp, udp: { from: client, to: server, port: 53 } }
  - { at: 2s, name: refused, udp: { from: client, to: server, port: 54 } }
  - { at: 3s, name: pmtu, pmtu: { from: client, to: server } }`,
  }),
);

const run = (seed?: number): RunResult => simulate(plan, { captureAll: true, ...(seed !== undefined && { seed }) });

/** Every random loss of a run, when and what: its loss pattern. */
const lossPattern = (r: RunResult) =>
  r.observations.drops.filter((d) => d.reason === 'loss').map((d) => `${d.timeNs} ${d.summary}`);

describe('Simulation determinism', () => {
  it('gives identical observations and identical capture bytes for the same plan and seed (seed 7)', () => {
    const a = run();
    const b = run();
    expect(a.observations.seed).toBe(7);
    expect(b.observations).toEqual(a.observations);
    expect(b.captures).toEqual(a.captures);
    expect(a.captures.reduce((n, c) => n + c.packets.length, 0)).toBeGreaterThan(100);
    expect(lossPattern(a).length).toBeGreaterThan(0);
  });

  it('does not depend on other runs in the same process (seed 7, then 8, then 7)', () => {
    const first = run(7);
    run(8);
    expect(run(7)).toEqual(first);
  });

  it('changes the loss pattern with another seed, and reports the seed it used (seeds 7, 8)', () => {
    const a = run(7);
    const b = run(8);
    expect(b.observations.seed).toBe(8);
    expect(lossPattern(b)).not.toEqual(lossPattern(a));
    const pings = (r: RunResult) => r.observations.probes.find((p) => p.name === 'pings')?.rttsNs;
    expect(pings(b)).not.toEqual(pings(a));
  });

  it('repeats itself for any seed (seed 61)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        expect(run(seed)).toEqual(run(seed));
      }),
      { seed: 61, numRuns: 8 },
    );
  });
});
