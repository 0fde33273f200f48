import { describe, expect, it } from 'vitest';
import type { Backend, RunOptions, RunResult } from '../core/backend.js';
import { PLAN_FORMAT, type Plan } from '../core/plan/types.js';
import { EXACT_TESTBED, type Testbed } from '../core/testbed.js';
import { runTwin } from './run.js';

const plan = {
  format: PLAN_FORMAT,
  scenario: { name: 't', description: '', seed: 1 },
  notes: [],
  namespaces: [],
  capture: [],
  timeline: [],
} as unknown as Plan;

const relayed: Testbed = {
  relayedCables: [
    {
      ends: [
        { ns: 'a', dev: 'eth0' },
        { ns: 'b', dev: 'eth0' },
      ],
      carries: 'bytes',
      addedLatencyBoundNs: 5e6,
    },
  ],
  perDirectionCaptures: [{ ns: 'a', dev: 'eth0' }],
};

/** A backend that records how it was called and returns an empty run on `testbed`. */
function fake(
  name: 'sim' | 'emulator',
  testbed: Testbed,
  calls: { name: string; options: RunOptions | undefined }[],
): Backend {
  return {
    name,
    run: (_plan, options) => {
      calls.push({ name, options });
      const result: RunResult = {
        observations: {
          engine: name,
          scenario: 't',
          seed: 1,
          endNs: 0,
          probes: [],
          drops: [],
          captures: [],
          notes: [],
        },
        captures: [],
        testbed,
      };
      return Promise.resolve(result);
    },
  };
}

describe('the twin run', () => {
  it('runs the real engine first, then the model mirroring the testbed the real engine built, both capturing everything', async () => {
    const calls: { name: string; options: RunOptions | undefined }[] = [];
    const r = await runTwin(plan, { real: fake('emulator', relayed, calls), model: fake('sim', EXACT_TESTBED, calls) });
    expect(calls).toEqual([
      { name: 'emulator', options: { captureAll: true } },
      { name: 'sim', options: { captureAll: true, mirror: relayed } },
    ]);
    expect([r.real.observations.engine, r.model.observations.engine, r.comparison.agree]).toEqual([
      'emulator',
      'sim',
      true,
    ]);
  });

  it('does not run the model when the real engine fails', async () => {
    const calls: { name: string; options: RunOptions | undefined }[] = [];
    const failing: Backend = { name: 'emulator', run: () => Promise.reject(new Error('no root')) };
    await expect(runTwin(plan, { real: failing, model: fake('sim', EXACT_TESTBED, calls) })).rejects.toThrow('no root');
    expect(calls).toEqual([]);
  });
});
