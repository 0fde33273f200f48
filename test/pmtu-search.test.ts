/**
 * Both engines' path MTU probes search alike (sim/apps/pmtu-probe.ts, emulator/pmtu.ts):
 * on a black hole, and on a path cut during the search, the emulator's search asks the
 * very sizes the simulator's probe sent, and ends the same way. The emulator's search
 * runs here with a ping that answers as the simulated path did, so no kernel is needed.
 */
import { describe, expect, it } from 'vitest';
import type { PingOutcome } from '../emulator/ping.js';
import { searchPmtu } from '../emulator/pmtu.js';
import { packetsOn, probeNamed, runScenario } from '../sim/test-helpers.js';
import { pmtuLab } from './helpers/scenario.js';

/**
 * The echo requests a sent, by size and time; and the emulator's search on a path answering up to
 * 1284 bytes for the first `alive` requests.
 */
async function both(more: string, cutNs = Infinity) {
  const r = runScenario(pmtuLab(more));
  const sent = packetsOn(r, 'a', 'eth0').filter((x) => x.d.icmp?.kind === 'echo-request');
  const alive = sent.filter((x) => x.timeNs < cutNs).length;
  const asked: number[] = [];
  const ping = (bytes: number): Promise<PingOutcome> => {
    const n = asked.push(bytes) - 1;
    const ok = n < alive && bytes <= 1284;
    return Promise.resolve(
      ok
        ? { outcome: 'delivered', detail: '1/1 replies', sent: 1, received: 1, rttsNs: [1] }
        : { outcome: 'timed-out', detail: 'no answer', sent: 1, received: 0, rttsNs: [] },
    );
  };
  const emu = await searchPmtu(1500, ping);
  return { sim: probeNamed(r, 'p'), simSizes: sent.map((x) => x.data.length - 14), emu, asked };
}

describe('the path MTU search, simulator and emulator (seed 1)', () => {
  it('ask the same sizes of a black hole and find 1284', async () => {
    const b = await both('');
    expect(b.asked).toEqual(b.simSizes);
    expect([b.sim.pathMtu, b.emu.pathMtu]).toEqual([1284, 1284]);
  });

  it('ask the same sizes when the path is cut during the search, and both report no MTU', async () => {
    const b = await both('  - { at: 3100ms, link-down: b:eth0 }', 3_100_000_000);
    expect(b.asked).toEqual(b.simSizes);
    expect([b.sim.outcome, b.emu.outcome]).toEqual(['dropped', 'timed-out']);
    expect(b.sim.detail.startsWith(b.emu.detail)).toBe(true);
  });
});
