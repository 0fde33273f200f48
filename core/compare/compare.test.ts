import { describe, expect, it } from 'vitest';
import type { CapturedPacket, RunResult } from '../backend.js';
import type { Observations, Outcome, ProbeResult } from '../observations.js';
import { PLAN_FORMAT, type ActionPlan, type Plan, type ShapePlan } from '../plan/types.js';
import { EXACT_TESTBED, type RelayedCable, type Testbed } from '../testbed.js';
import { buildIcmpEchoFrame, buildTcpFrame, buildUdpFrame } from '../wire/frame.js';
import { compareRuns } from './index.js';
import { compareDevice, CROSSING_WINDOW_NS } from './packets.js';
import { compareProbe } from './probes.js';

const base: ProbeResult = {
  name: 'p',
  kind: 'tcp',
  atNs: 1e9,
  ns: 'a',
  dst: '10.0.0.2',
  outcome: 'delivered',
  detail: 'x',
  sent: 1,
  received: 1,
  rttsNs: [1000],
  seen: { address: '10.0.0.1', port: 40000 },
};
const noAllow = { randomLoss: false, delays: false, jitterNs: 0 };

describe('comparing probes', () => {
  it('agrees when only the ephemeral port the server saw differs', () => {
    expect(compareProbe('p', base, { ...base, seen: { address: '10.0.0.1', port: 51234 } }, noAllow).agree).toBe(true);
  });
  it('treats a silent drop and a timeout as one (the emulator has no drop monitor)', () => {
    expect(compareProbe('p', { ...base, outcome: 'dropped' }, { ...base, outcome: 'timed-out' }, noAllow).agree).toBe(
      true,
    );
  });
  it('disagrees on outcome, server address, TTL and RTT beyond the tolerance', () => {
    const c = compareProbe(
      'p',
      { ...base, kind: 'ping', ttl: 64, rttsNs: [10e6] },
      { ...base, kind: 'ping', outcome: 'refused', ttl: 63, seen: { address: '10.0.0.9', port: 1 }, rttsNs: [30e6] },
      { ...noAllow, delays: true },
    );
    expect(c.agree).toBe(false);
    expect(c.differences).toHaveLength(4);
  });
  it('allows a relay its slack on RTTs: 10 ms against 15 ms agrees only when links were relayed', () => {
    const ping = (ms: number) => ({ ...base, kind: 'ping' as const, rttsNs: [ms * 1e6] });
    expect(compareProbe('p', ping(10), ping(15), { ...noAllow, delays: true }).agree).toBe(false);
    expect(compareProbe('p', ping(10), ping(15), { ...noAllow, delays: true, relayNs: 5e6 }).agree).toBe(true);
  });
});

describe('comparing runs on the testbeds the engines describe', () => {
  const ping: ActionPlan = {
    kind: 'ping',
    ns: 'a',
    dst: '10.0.0.2',
    count: 1,
    intervalNs: 1e9,
    size: 56,
    df: false,
    ttl: 64,
    timeoutNs: 1e9,
  };
  const shape = { delayNs: 5e6, jitterNs: 0, lossPpm: 0, rateBps: 0, limit: 1000 } as unknown as ShapePlan;
  const plan = {
    format: PLAN_FORMAT,
    scenario: { name: 't', description: '', seed: 1 },
    notes: [],
    capture: [],
    namespaces: [{ id: 'a', qdiscs: [{ dev: 'eth0', shape }] }],
    timeline: [{ atNs: 1e9, name: 'p', action: ping }],
  } as unknown as Plan;
  const cable: RelayedCable = {
    ends: [
      { ns: 'a', dev: 'eth0' },
      { ns: 'b', dev: 'eth0' },
    ],
    carries: 'bytes',
    addedLatencyBoundNs: 5e6,
  };
  const run = (
    engine: 'sim' | 'emulator',
    rttMs: number,
    testbed: Testbed,
    packets: CapturedPacket[] = [],
  ): RunResult => ({
    observations: {
      engine,
      scenario: 't',
      seed: 1,
      endNs: 3e9,
      drops: [],
      captures: [],
      notes: [],
      probes: [{ ...base, kind: 'ping', name: 'p', rttsNs: [rttMs * 1e6] }],
    },
    captures: [{ ns: 'a', dev: 'eth0', packets }],
    testbed,
  });
  it('takes the RTT slack from the bound a testbed gives its relayed cables, not from a constant', () => {
    expect(compareRuns(plan, run('sim', 10, EXACT_TESTBED), run('emulator', 15, EXACT_TESTBED)).agree).toBe(false);
    expect(
      compareRuns(
        plan,
        run('sim', 10, EXACT_TESTBED),
        run('emulator', 15, { ...EXACT_TESTBED, relayedCables: [cable] }),
      ).agree,
    ).toBe(true);
    expect(
      compareRuns(
        plan,
        run('sim', 10, EXACT_TESTBED),
        run('emulator', 25, { ...EXACT_TESTBED, relayedCables: [cable] }),
      ).agree,
    ).toBe(false);
  });
  it('compares a device direction by direction when either testbed says its captures are', () => {
    const dgram = (from: 1 | 2, timeNs: number) => ({
      timeNs,
      data: buildUdpFrame({
        srcMac: from,
        dstMac: 3 - from,
        src: 0x0a000000 + from,
        dst: 0x0a000003 - from,
        srcPort: from === 1 ? 40000 : 53,
        dstPort: from === 1 ? 53 : 40000,
      }),
    });
    const sim = [dgram(1, 0), dgram(2, 10e6)];
    const emu = [dgram(2, 0), dgram(1, 10e6)];
    expect(
      compareRuns(plan, run('sim', 10, EXACT_TESTBED, sim), run('emulator', 10, EXACT_TESTBED, emu)).devices[0]?.agree,
    ).toBe(false);
    const loose: Testbed = { ...EXACT_TESTBED, perDirectionCaptures: [{ ns: 'a', dev: 'eth0' }] };
    expect(
      compareRuns(plan, run('sim', 10, EXACT_TESTBED, sim), run('emulator', 10, loose, emu)).devices[0],
    ).toMatchObject({ agree: true });
  });
});

describe('comparing captures', () => {
  const syn = (sport: number, seq: number) => ({
    timeNs: 0,
    data: buildTcpFrame({
      srcMac: 1,
      dstMac: 2,
      src: 0x0a000001,
      dst: 0x0a000002,
      srcPort: sport,
      dstPort: 80,
      seq,
      flags: 0x02,
      window: 64240,
      mss: 1460,
      id: seq & 0xffff,
    }),
  });
  it('agrees across random ports, sequence numbers and IP IDs', () => {
    expect(compareDevice('a', 'eth0', [syn(40000, 5)], [syn(51000, 999999)]).agree).toBe(true);
  });
  it('numbers echo identifiers per pair of addresses: two pings that start together may reach a device in either order', () => {
    const echo = (src: number, dst: number, echoId: number, timeNs: number) => ({
      timeNs,
      data: buildIcmpEchoFrame({
        srcMac: 1,
        dstMac: 2,
        src,
        dst,
        id: 1,
        ttl: 64,
        df: false,
        echoId,
        seq: 1,
        data: new Uint8Array(56),
      }),
    });
    const [a, b, c] = [0xac110003, 0xac110001, 0xac110002];
    const sim = [echo(a, b, 100, 0), echo(c, b, 200, 1)];
    const emu = [echo(c, b, 7, 0), echo(a, b, 9, 1)];
    expect(compareDevice('dockerhost', 'docker0', sim, emu).agree).toBe(true);
  });
  it('finds the first packet where the traces part', () => {
    const c = compareDevice('a', 'eth0', [syn(40000, 5), syn(40000, 5)], [syn(51000, 9)]);
    expect(c.agree).toBe(false);
    expect(c.divergence?.index).toBe(1);
    expect(c.divergence?.sim).toContain('TCP e1 > 80 [S] seq 0');
    expect(c.divergence?.emu).toBeUndefined();
  });

  describe('packets crossing in opposite directions', () => {
    const seg = (fromClient: boolean, flags: number, timeNs: number) => ({
      timeNs,
      data: buildTcpFrame(
        fromClient
          ? {
              srcMac: 1,
              dstMac: 2,
              src: 0x0a000001,
              dst: 0x0a000002,
              srcPort: 40000,
              dstPort: 80,
              seq: 100,
              ack: 501,
              flags,
              window: 502,
            }
          : {
              srcMac: 2,
              dstMac: 1,
              src: 0x0a000002,
              dst: 0x0a000001,
              srcPort: 80,
              dstPort: 40000,
              seq: 500,
              ack: 101,
              flags,
              window: 502,
            },
      ),
    });
    const SYNACK = 0x12;
    const ACK = 0x10;
    const sim = [seg(true, 0x02, 0), seg(false, SYNACK, 0), seg(true, ACK, 0), seg(false, SYNACK, 0)];
    it(`may be captured either way round within ${CROSSING_WINDOW_NS / 1000} us on the emulator`, () => {
      const emu = [seg(true, 0x02, 0), seg(false, SYNACK, 10_000), seg(false, SYNACK, 11_000), seg(true, ACK, 20_000)];
      expect(compareDevice('a', 'eth0', sim, emu).agree).toBe(true);
    });
    it('must keep their order when further apart', () => {
      const emu = [
        seg(true, 0x02, 0),
        seg(false, SYNACK, 10_000),
        seg(false, SYNACK, 11_000),
        seg(true, ACK, 11_000 + CROSSING_WINDOW_NS),
      ];
      expect(compareDevice('a', 'eth0', sim, emu).agree).toBe(false);
    });
  });
});

describe('racy probes (an expectation that accepts a set of outcomes)', () => {
  const race: Outcome[] = ['refused', 'dropped'];
  it('agree when both engines end within the set, even differently, and say it was the race', () => {
    const c = compareProbe(
      'p',
      { ...base, outcome: 'refused', detail: 'Connection reset by peer' },
      { ...base, outcome: 'timed-out', errorFrom: '10.0.0.9' },
      noAllow,
      race,
    );
    expect(c).toMatchObject({ agree: true, differences: [], race: { outcomes: race, differed: true } });
    expect(compareProbe('p', { ...base, outcome: 'refused' }, { ...base, outcome: 'timed-out' }, noAllow).agree).toBe(
      false,
    );
  });
  it('disagree when one engine ends outside the set', () => {
    const c = compareProbe('p', { ...base, outcome: 'refused' }, { ...base, outcome: 'delivered' }, noAllow, race);
    expect(c.agree).toBe(false);
    expect(c.race).toEqual({ outcomes: race, differed: false });
  });
  it('compare everything else as usual when both end the same way', () => {
    const c = compareProbe(
      'p',
      { ...base, outcome: 'refused', ttl: 64 },
      { ...base, outcome: 'refused', ttl: 63 },
      noAllow,
      race,
    );
    expect(c.agree).toBe(false);
    expect(c.differences).toEqual(['reply TTL: simulator 64, emulator 63']);
  });

  describe('in a whole comparison', () => {
    const tcp = { kind: 'tcp' as const, ns: 'a', dst: '10.0.0.2', port: 80, request: 'x', timeoutNs: 1e9 };
    const plan: Plan = {
      format: PLAN_FORMAT,
      scenario: { name: 't', description: '', seed: 1 },
      notes: [],
      namespaces: [],
      capture: [],
      timeline: [
        { atNs: 1e9, name: 'racy', action: tcp, expect: { outcome: race } },
        { atNs: 2e9, name: 'after', action: tcp, expect: { outcome: 'delivered' } },
      ],
    };
    const seg = (sport: number, flags: number, timeNs: number) => ({
      timeNs,
      data: buildTcpFrame({
        srcMac: 1,
        dstMac: 2,
        src: 0x0a000001,
        dst: 0x0a000002,
        srcPort: sport,
        dstPort: 80,
        seq: 1,
        flags,
        window: 100,
      }),
    });
    const run = (engine: 'sim' | 'emulator', racy: Outcome, packets: CapturedPacket[]): RunResult => {
      const obs: Observations = {
        engine,
        scenario: 't',
        seed: 1,
        endNs: 3e9,
        drops: [],
        captures: [],
        notes: [],
        probes: [
          { ...base, name: 'racy', outcome: racy },
          { ...base, name: 'after', atNs: 2e9 },
        ],
      };
      return { observations: obs, captures: [{ ns: 'a', dev: 'eth0', packets }], testbed: EXACT_TESTBED };
    };
    // The racy probe's connection ends with a RST in one engine and a FIN in the other; the next
    // probe's is the same in both.
    const sim = run('sim', 'refused', [seg(40000, 0x02, 1e9), seg(40000, 0x04, 1e9 + 1), seg(40001, 0x02, 2e9)]);
    const emu = run('emulator', 'timed-out', [seg(50000, 0x02, 1e9), seg(50000, 0x11, 1e9 + 1), seg(50001, 0x02, 2e9)]);
    const c = compareRuns(plan, sim, emu);

    it("agree, leaving out the conversations that began during the race, and carry each engine's verdict", () => {
      expect(c.agree).toBe(true);
      expect(c.probes[0]?.race).toEqual({ outcomes: race, differed: true });
      expect(c.devices[0]).toMatchObject({ agree: true, raceSkipped: 1 });
      expect(c.probes[0]?.expectation).toEqual({
        expect: { outcome: race },
        simulator: { met: true, failures: [] },
        emulator: { met: true, failures: [] },
      });
    });
    it('still find a difference after the race', () => {
      const late = run('emulator', 'timed-out', [
        seg(50000, 0x02, 1e9),
        seg(50000, 0x11, 1e9 + 1),
        seg(50001, 0x04, 2e9),
      ]);
      expect(compareRuns(plan, sim, late).devices[0]).toMatchObject({ agree: false, raceSkipped: 1 });
    });
  });
});
