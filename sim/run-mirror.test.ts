/**
 * The simulator as a Backend mirroring another engine's testbed (run.ts simBackend,
 * RunOptions.mirror): a relayed cable carries bytes only and its sending end's capture
 * stamps a frame before the relay's delay; the run's own testbed says what it mirrored.
 */
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../core/backend.js';
import { EXACT_TESTBED, type Testbed } from '../core/testbed.js';
import { simBackend } from './run.js';
import { packetsOn, planOf, routedLab } from './test-helpers.js';

const plan = planOf(
  routedLab({
    uplink: 'delay: 20ms',
    timeline: `
  - { at: 1s, name: ping, ping: { from: client, to: server, count: 1 } }`,
  }),
);

/** The client's cable to the uplink's switch, whose port delays what it sends to the client by 20 ms. */
const uplink = [
  { ns: 'seg-uplink', dev: 'client-eth0' },
  { ns: 'client', dev: 'eth0' },
] as const;
const relayed: Testbed = {
  relayedCables: [{ ends: [...uplink], carries: 'bytes', addedLatencyBoundNs: 5e6 }],
  perDirectionCaptures: [...uplink],
};

/** When the switch port's capture saw the echo reply it sends to the client (ns). */
const replyNs = (r: RunResult) =>
  packetsOn(r, 'seg-uplink', 'client-eth0').find((p) => p.d.icmp?.kind === 'echo-reply')?.timeNs;

describe('the simulator mirroring a testbed', () => {
  it('says it built the plan as it is when asked to mirror nothing', async () => {
    expect((await simBackend().run(plan, { captureAll: true })).testbed).toEqual(EXACT_TESTBED);
  });

  it('relays the mirrored cable: the sending end captures the reply 20 ms earlier, before the delay', async () => {
    const plain = await simBackend().run(plan, { captureAll: true });
    const mirrored = await simBackend().run(plan, { captureAll: true, mirror: relayed });
    expect((replyNs(plain) ?? 0) - (replyNs(mirrored) ?? 0)).toBe(20e6);
    expect(mirrored.observations.probes[0]?.outcome).toBe('delivered');
  });

  it('describes the mirrored cable in its own testbed, with no latency of its own', async () => {
    const r = await simBackend().run(plan, { captureAll: true, mirror: relayed });
    expect(r.testbed).toEqual({
      relayedCables: [{ ...relayed.relayedCables[0], addedLatencyBoundNs: 0 }],
      perDirectionCaptures: uplink,
    });
  });
});
