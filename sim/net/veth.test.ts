/**
 * A veth pair (veth.ts) between two fake namespaces on one simulation: when frames
 * arrive, what is dropped and why, and how an impairment qdisc on one end shapes them.
 */
import { describe, expect, it } from 'vitest';
import type { ShapePlan } from '../../core/plan/types.js';
import { Rng } from '../../core/rng.js';
import { Simulation } from '../engine/simulation.js';
import { ethFrame, FakeHost, macBytes, macNum } from '../test-helpers.js';
import { SkBuff } from '../skb.js';
import { Qdisc } from './qdisc.js';
import { Veth } from './veth.js';

const NONE: ShapePlan = { delayNs: 0, jitterNs: 0, lossPpm: 0, rateBps: 0, limit: 0 };
const ms = (x: number) => x * 1_000_000;

/** Two namespaces a and b joined by a veth pair: a's end `va` (MTU mtuA), b's end `vb` (MTU mtuB), both up. */
function pair(mtuA = 1500, mtuB = 1500, seed = 1) {
  const sim = new Simulation(seed);
  const ha = new FakeHost('a', sim);
  const hb = new FakeHost('b', sim);
  const va = new Veth(ha, 'va', macBytes(1), mtuA);
  const vb = new Veth(hb, 'vb', macBytes(2), mtuB);
  Veth.pair(va, vb);
  va.adminUp = vb.adminUp = true;
  return { sim, ha, hb, va, vb };
}

const frame = (len = 60) => ethFrame(macNum(2), macNum(1), len);

describe('Veth delivery', () => {
  it('hands a frame to the peer at the same instant, as an event of its own', () => {
    const { sim, hb, va } = pair();
    sim.run(ms(5));
    const f = frame();
    va.transmit(new SkBuff(f));
    expect(hb.received).toEqual([]);
    sim.run();
    expect(hb.received).toEqual([{ dev: 'vb', frame: f, timeNs: ms(5) }]);
  });

  it('has carrier only while both ends are administratively up', () => {
    const { va, vb } = pair();
    expect([va.carrier, vb.carrier]).toEqual([true, true]);
    vb.adminUp = false;
    expect([va.carrier, vb.carrier]).toEqual([false, false]);
  });

  it("with a qdisc, the frame arrives when it leaves the qdisc, and the sender's capture is stamped then", () => {
    const { sim, hb, va } = pair();
    va.qdisc = new Qdisc({ ...NONE, delayNs: ms(20) }, new Rng(1));
    va.capture = { ns: 'a', dev: 'va', records: [] };
    va.transmit(new SkBuff(frame()));
    sim.run();
    expect(hb.received.map((r) => r.timeNs)).toEqual([ms(20)]);
    expect(va.capture.records.map((r) => r.timeNs)).toEqual([ms(20)]);
  });

  it('delivers jittered frames in departure-time order, which can differ from send order (seed 21)', () => {
    const { sim, hb, va } = pair(1500, 1500, 21);
    va.qdisc = new Qdisc({ ...NONE, delayNs: ms(20), jitterNs: ms(10) }, new Rng(21));
    const sent = Array.from({ length: 50 }, () => frame());
    sent.forEach((f, i) => sim.scheduleAt(i * ms(1), { handleEvent: () => va.transmit(new SkBuff(f)) }, 0));
    sim.run();
    const times = hb.received.map((r) => r.timeNs);
    expect(times).toEqual([...times].sort((x, y) => x - y));
    expect(hb.received).toHaveLength(50);
    const order = hb.received.map((r) => sent.indexOf(r.frame));
    expect(order).not.toEqual([...order].sort((x, y) => x - y));
  });

  it('records a frame its qdisc loses as a drop on the sending device (reason loss)', () => {
    const { sim, ha, hb, va } = pair();
    va.qdisc = new Qdisc({ ...NONE, lossPpm: 1_000_000 }, new Rng(1));
    va.transmit(new SkBuff(frame()));
    sim.run();
    expect(hb.received).toEqual([]);
    expect(ha.drops.map((d) => [d.reason, d.dev])).toEqual([['loss', 'va']]);
  });
});

describe('a cable relayed in userspace', () => {
  it('delivers the same bytes as a new packet: a neighbour confirmation and a socket hash stay behind', () => {
    const { sim, hb, va, vb } = pair();
    vb.bytesOnly = true;
    const f = frame();
    const sent = new SkBuff(f, 3);
    sent.pendingConfirm = true;
    sent.setHash(7);
    va.transmit(sent);
    sim.run();
    const got = hb.packets[0] as SkBuff;
    expect(got.data).toEqual(f);
    expect(got.data).not.toBe(f);
    expect([got.pendingConfirm, got.l4Hash, got.flow]).toEqual([false, false, 3]);
  });

  it("stamps a frame in the sender's capture when it is sent, before the relay delays or loses it", () => {
    const { sim, va, vb } = pair();
    vb.bytesOnly = true;
    va.qdisc = new Qdisc({ ...NONE, delayNs: ms(40) }, new Rng(1));
    va.capture = { ns: 'a', dev: 'va', records: [] };
    vb.capture = { ns: 'b', dev: 'vb', records: [] };
    va.transmit(new SkBuff(frame()));
    va.qdisc.setShape({ ...NONE, lossPpm: 1_000_000 });
    va.transmit(new SkBuff(frame()));
    sim.run();
    expect(va.capture.records.map((r) => r.timeNs)).toEqual([0, 0]);
    expect(vb.capture.records.map((r) => r.timeNs)).toEqual([ms(40)]);
  });

  it('without the mark hands on the packet itself, scrubbed as skb_scrub_packet does: its conntrack entry goes, its hash and confirmation stay', () => {
    const { sim, hb, va } = pair();
    const skb = new SkBuff(frame());
    skb.pendingConfirm = true;
    skb.setHash(9);
    skb.fragMax = 1400;
    skb.ct = { conn: {} as never, dir: 0, info: 'new' };
    va.transmit(skb);
    sim.run();
    const got = hb.packets[0] as SkBuff;
    expect(got).toBe(skb);
    expect([got.pendingConfirm, got.hash, got.ct, got.fragMax]).toEqual([true, 9, undefined, 0]);
  });
});

describe('Veth drops', () => {
  it("drops a frame larger than the peer's MTU plus a VLAN tag (reason mtu, at the peer), as is_skb_forwardable does", () => {
    const { sim, hb, va } = pair(9000, 1400);
    va.transmit(new SkBuff(frame(14 + 1405)));
    va.transmit(new SkBuff(frame(14 + 1404)));
    va.transmit(new SkBuff(frame(14 + 1400)));
    sim.run();
    expect(hb.received.map((r) => r.frame.length)).toEqual([14 + 1404, 14 + 1400]);
    expect(hb.drops.map((d) => [d.reason, d.dev, d.frame.length])).toEqual([['mtu', 'vb', 14 + 1405]]);
  });

  it('drops what is sent on an end that is administratively down (reason link-down)', () => {
    const { sim, ha, hb, va } = pair();
    va.adminUp = false;
    va.transmit(new SkBuff(frame()));
    sim.run();
    expect(hb.received).toEqual([]);
    expect(ha.drops.map((d) => [d.reason, d.dev])).toEqual([['link-down', 'va']]);
  });

  it('drops what is sent toward a peer that is down (reason no-carrier)', () => {
    const { sim, ha, hb, va, vb } = pair();
    vb.adminUp = false;
    va.transmit(new SkBuff(frame()));
    sim.run();
    expect(hb.received).toEqual([]);
    expect(ha.drops.map((d) => [d.reason, d.dev])).toEqual([['no-carrier', 'va']]);
  });

  it('drops a frame in flight when the peer goes down before it arrives (reason no-carrier, at the peer)', () => {
    const { sim, hb, va, vb } = pair();
    va.qdisc = new Qdisc({ ...NONE, delayNs: ms(10) }, new Rng(1));
    va.transmit(new SkBuff(frame()));
    sim.run(ms(5));
    vb.adminUp = false;
    sim.run();
    expect(hb.received).toEqual([]);
    expect(hb.drops.map((d) => [d.reason, d.dev, d.timeNs])).toEqual([['no-carrier', 'vb', ms(10)]]);
  });
});
