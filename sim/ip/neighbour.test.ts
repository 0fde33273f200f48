/**
 * The neighbour table (neighbour.ts) on its own: a fake stack records the ARP requests
 * it is asked to send, the frames it releases and the ones it reports unreachable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../engine/simulation.js';
import { wheelDelay } from '../engine/timer-wheel.js';
import { s } from '../test-helpers.js';
import { SkBuff } from '../skb.js';
import {
  NEIGH_BASE_REACHABLE_NS,
  NEIGH_DELAY_FIRST_PROBE_NS,
  NEIGH_MCAST_SOLICIT,
  NEIGH_RETRANS_NS,
  NEIGH_UNRES_QLEN_BYTES,
  NeighbourTable,
} from './neighbour.js';

const IP = 0x0a000001;
const MAC = 0x02_00_00_00_00_aa;
const MAC2 = 0x02_00_00_00_00_bb;

function table(seed = 1) {
  const sim = new Simulation(seed);
  const solicits: { t: number; ip: number; unicast: number | undefined }[] = [];
  const outputs: { t: number; frame: SkBuff; mac: number }[] = [];
  const unreachable: { t: number; frame: SkBuff }[] = [];
  const t = new NeighbourTable(sim, new Rng(seed), {
    solicit: (ip, unicast) => solicits.push({ t: sim.now, ip, unicast }),
    output: (frame, mac) => outputs.push({ t: sim.now, frame, mac }),
    unreachable: (frame) => unreachable.push({ t: sim.now, frame }),
  });
  return { sim, t, solicits, outputs, unreachable };
}

const pkt = (len = 100) => new SkBuff(new Uint8Array(len));

/** When a neighbour timer armed at `t` for `d` fires: late, as the kernel's timer wheel rounds it. */
const fires = (t: number, d: number) => t + wheelDelay(t, d);
/** The times of a chain of `n` timers of `d` each, from `t`. */
function chain(t: number, d: number, n: number): number[] {
  const out = [t];
  for (let i = 1; i < n; i++) out.push(fires(out[i - 1] as number, d));
  return out;
}

describe('Neighbour resolution', () => {
  it('queues a packet to an unknown next hop, asks first, and sends it when the answer comes', () => {
    const { sim, t, solicits, outputs } = table();
    const p = pkt();
    t.send(IP, p);
    expect(solicits).toEqual([{ t: 0, ip: IP, unicast: undefined }]);
    expect(outputs).toEqual([]);
    expect(t.get(IP)?.state).toBe('incomplete');
    sim.run(s(0.25));
    t.update(IP, MAC, true);
    expect(outputs).toEqual([{ t: s(0.25), frame: p, mac: MAC }]);
    expect(t.get(IP)?.state).toBe('reachable');
    t.send(IP, pkt());
    expect(outputs).toHaveLength(2);
    expect(solicits).toHaveLength(1);
  });

  it(`retries every ${NEIGH_RETRANS_NS / 1e9} s and fails after ${NEIGH_MCAST_SOLICIT} unanswered requests: each queued packet is reported unreachable`, () => {
    const { sim, t, solicits, outputs, unreachable } = table();
    const a = pkt();
    const b = pkt();
    t.send(IP, a);
    sim.run(s(0.5));
    t.send(IP, b);
    sim.run();
    const [t0, t1, t2, t3] = chain(0, NEIGH_RETRANS_NS, 4) as [number, number, number, number];
    expect([t1, t2, t3]).toEqual([s(1.024), s(2.048), s(3.072)]);
    expect(solicits.map((x) => x.t)).toEqual([t0, t1, t2]);
    expect(unreachable).toEqual([
      { t: t3, frame: a },
      { t: t3, frame: b },
    ]);
    expect(outputs).toEqual([]);
    expect(t.get(IP)?.state).toBe('failed');
  });

  it('starts a new resolution for a packet to a FAILED neighbour', () => {
    const { sim, t, solicits } = table();
    t.send(IP, pkt());
    sim.run();
    t.send(IP, pkt());
    expect(t.get(IP)?.state).toBe('incomplete');
    expect(solicits.map((x) => x.t)).toEqual(chain(0, NEIGH_RETRANS_NS, 4));
  });

  it('keeps the newest queued packets within unres_qlen_bytes, dropping the oldest', () => {
    const { t, outputs } = table();
    const frames = Array.from({ length: 200 }, () => pkt(1514));
    for (const f of frames) t.send(IP, f);
    t.update(IP, MAC, true);
    expect(outputs.length).toBeGreaterThan(50);
    expect(outputs.length).toBeLessThan(200);
    expect(outputs.length * 1514).toBeLessThanOrEqual(NEIGH_UNRES_QLEN_BYTES);
    expect(outputs.map((o) => o.frame)).toEqual(frames.slice(200 - outputs.length));
  });

  it('learns a host that sent us a request as STALE (neigh_event_ns) and uses it without asking', () => {
    const { t, solicits, outputs } = table();
    t.update(IP, MAC, false);
    expect(t.get(IP)?.state).toBe('stale');
    t.send(IP, pkt());
    expect(outputs.map((o) => o.mac)).toEqual([MAC]);
    expect(solicits).toEqual([]);
  });

  it('never probes or changes a permanent entry', () => {
    const { sim, t, solicits, outputs } = table();
    t.setPermanent(IP, MAC);
    t.update(IP, MAC2, true);
    sim.run(s(3600));
    t.send(IP, pkt());
    expect(outputs.map((o) => o.mac)).toEqual([MAC]);
    expect(solicits).toEqual([]);
  });
});

describe('Neighbour unreachability detection', () => {
  it(`REACHABLE becomes STALE after a random time within [${NEIGH_BASE_REACHABLE_NS / 2e9} s, ${(3 * NEIGH_BASE_REACHABLE_NS) / 2e9} s], late by the timer wheel at most (seed 41)`, () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        const { sim, t } = table(seed);
        t.send(IP, pkt());
        t.update(IP, MAC, true);
        sim.run(NEIGH_BASE_REACHABLE_NS / 2 - 1);
        expect(t.get(IP)?.state).toBe('reachable');
        sim.run(fires(0, (3 * NEIGH_BASE_REACHABLE_NS) / 2));
        expect(t.get(IP)?.state).toBe('stale');
      }),
      { seed: 41, numRuns: 200 },
    );
  });

  it('a STALE entry in use sends at once, waits 5 s, then probes by unicast; an answer makes it REACHABLE', () => {
    const { sim, t, solicits, outputs } = table();
    t.update(IP, MAC, false);
    sim.run(s(100));
    t.send(IP, pkt());
    expect(outputs.map((o) => [o.t, o.mac])).toEqual([[s(100), MAC]]);
    expect(t.get(IP)?.state).toBe('delay');
    const probeAt = fires(s(100), NEIGH_DELAY_FIRST_PROBE_NS);
    sim.run(probeAt);
    expect(t.get(IP)?.state).toBe('probe');
    expect(solicits).toEqual([{ t: probeAt, ip: IP, unicast: MAC }]);
    t.update(IP, MAC, true);
    expect(t.get(IP)?.state).toBe('reachable');
  });

  it('a probed entry that never answers fails after 3 unicast probes 1 s apart', () => {
    const { sim, t, solicits } = table();
    t.update(IP, MAC, false);
    t.send(IP, pkt());
    sim.run();
    const first = fires(0, NEIGH_DELAY_FIRST_PROBE_NS);
    expect(solicits.map((x) => [x.t, x.unicast])).toEqual(chain(first, NEIGH_RETRANS_NS, 3).map((t) => [t, MAC]));
    expect(t.get(IP)?.state).toBe('failed');
  });

  it('counts a confirmation only within delay_first_probe_time before the DELAY timer fires', () => {
    const late = table();
    late.t.update(IP, MAC, false);
    late.t.send(IP, pkt());
    late.t.confirm(IP); // at once: the timer fires more than 5 s later, so it probes
    late.sim.run(fires(0, NEIGH_DELAY_FIRST_PROBE_NS));
    expect(late.t.get(IP)?.state).toBe('probe');
    const fresh = table();
    fresh.t.update(IP, MAC, false);
    fresh.t.send(IP, pkt());
    fresh.sim.run(s(3));
    fresh.t.confirm(IP);
    fresh.sim.run(fires(0, NEIGH_DELAY_FIRST_PROBE_NS));
    expect(fresh.t.get(IP)?.state).toBe('reachable');
    expect(fresh.solicits).toEqual([]);
  });
});

describe('Neighbours when the carrier goes', () => {
  it('forgets every entry but the permanent ones and frees the queued packets without an error (neigh_carrier_down)', () => {
    const { sim, t, unreachable, solicits } = table();
    t.send(IP, pkt());
    t.update(IP, MAC, true);
    t.setPermanent(IP + 1, MAC2);
    t.send(IP + 2, pkt());
    expect(t.flushDevice()).toHaveLength(1);
    expect([t.get(IP), t.get(IP + 1)?.state, t.get(IP + 2)]).toEqual([undefined, 'permanent', undefined]);
    sim.run(10e9);
    expect(unreachable).toEqual([]);
    expect(solicits).toHaveLength(2);
  });
});
