/**
 * The emulator's path MTU search (pmtu.ts) with a ping of the test's own, one answer per
 * request: a black hole, a path cut during the search (for good, or healing), and a
 * destination that never answers. A real `ping -M do` gives these same answers; the
 * simulator's probe, which this search follows, meets the same paths in
 * sim/apps/pmtu-probe.test.ts, and test/pmtu-search.test.ts checks that both ask the
 * same sizes. Last, the cut on a real kernel.
 */
import { describe, expect, it } from 'vitest';
import { itEmulator } from '../test/helpers/emulator.js';
import { plan, pmtuLab } from '../test/helpers/scenario.js';
import type { PingOutcome } from './ping.js';
import { searchPmtu } from './pmtu.js';
import { emulate } from './run.js';

const ANSWERED: PingOutcome = { outcome: 'delivered', detail: '1/1 replies', sent: 1, received: 1, rttsNs: [100_000] };
const SILENT: PingOutcome = { outcome: 'timed-out', detail: 'no answer', sent: 1, received: 0, rttsNs: [] };

/** A path that carries up to `mtu` bytes, alive for the requests `alive(n)` says (n from 0). */
function path(mtu: number, alive: (n: number) => boolean = () => true) {
  const asked: number[] = [];
  const ping = (bytes: number): Promise<PingOutcome> => {
    const n = asked.push(bytes) - 1;
    return Promise.resolve(alive(n) && bytes <= mtu ? ANSWERED : SILENT);
  };
  return { asked, ping };
}

describe("the emulator's path MTU search", () => {
  it("finds a black hole's MTU, a control request confirming each vanished size", async () => {
    const p = path(1284);
    expect(await searchPmtu(1500, p.ping)).toMatchObject({ outcome: 'delivered', pathMtu: 1284 });
    // 1500 vanishes; the control at 68 passes, so 1500 was too large; and so on.
    expect(p.asked.slice(0, 4)).toEqual([1500, 68, 784, 1142]);
  });

  it('reports that nothing gets through when the path is cut during the search, not an MTU', async () => {
    const p = path(1284, (n) => n < 8);
    const r = await searchPmtu(1500, p.ping);
    expect(r).toMatchObject({
      outcome: 'timed-out',
      detail: expect.stringMatching(/^no answer at any size, 3 times in a row, though \d+ bytes had passed before$/),
    });
    expect(r.pathMtu).toBeUndefined();
  });

  it('asks a size again when its control vanished too, so a cut that heals still finds the MTU', async () => {
    const p = path(1284, (n) => n < 8 || n >= 12);
    expect(await searchPmtu(1500, p.ping)).toMatchObject({ outcome: 'delivered', pathMtu: 1284 });
  });

  it('gives up on a destination that never answers after 3 rounds of a size and its control', async () => {
    const p = path(1284, () => false);
    expect(await searchPmtu(1500, p.ping)).toMatchObject({
      outcome: 'timed-out',
      detail: 'no answer at any size, 3 times in a row',
      sent: 6,
      received: 0,
    });
    expect(p.asked).toEqual([1500, 68, 1500, 68, 1500, 68]);
  });

  it('ends with the error a control draws (the path broke, its router says so)', async () => {
    let n = 0;
    const unreachable: PingOutcome = {
      outcome: 'unreachable',
      detail: 'From 10.0.0.9: Destination Host Unreachable',
      sent: 1,
      received: 0,
      rttsNs: [],
      errorFrom: '10.0.0.9',
    };
    const ping = (bytes: number) =>
      Promise.resolve(n++ < 2 ? (bytes <= 1284 ? ANSWERED : SILENT) : bytes > 1284 ? SILENT : unreachable);
    expect(await searchPmtu(1500, ping)).toMatchObject({ outcome: 'unreachable', errorFrom: '10.0.0.9' });
  });
});

const BLACK_HOLE_CUT = pmtuLab('  - { at: 3100ms, link-down: b:eth0 }');

describe('the path MTU probe on a real kernel (seed 1)', () => {
  itEmulator("reports no MTU when b's cable is pulled during the search, as the simulator does", async () => {
    const { observations: o } = await emulate(plan(BLACK_HOLE_CUT));
    const p = o.probes.find((x) => x.name === 'p');
    expect(p).toMatchObject({
      outcome: 'timed-out',
      detail: expect.stringMatching(/^no answer at any size, 3 times in a row/),
    });
    expect(p?.pathMtu).toBeUndefined();
  });
});
