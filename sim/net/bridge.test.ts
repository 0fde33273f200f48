/**
 * The Linux bridge model (bridge.ts) on a small harness: a bridge in a fake namespace
 * whose ports record what they are asked to transmit. Frames come in through a port's
 * `receive`, as they would from its cable.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { decodeFrame } from '../../core/wire/decode.js';
import { buildIcmpEchoFrame } from '../../core/wire/frame.js';
import { MAC_BROADCAST } from '../../core/wire/mac.js';
import { Simulation } from '../engine/simulation.js';
import { NetNamespace } from '../ip/namespace.js';
import { SkBuff } from '../skb.js';
import { ethFrame, FakeHost, macBytes, macNum, RecordingPort, s } from '../test-helpers.js';
import { TraceSink, type CaptureBuffer } from '../trace.js';
import { Bridge, BRIDGE_DEFAULT_AGEING_NS } from './bridge.js';

const A = macNum(0xa);
const B = macNum(0xb);
const C = macNum(0xc);
const MCAST = 0x01_00_5e_00_00_01;

interface Rig {
  host: FakeHost;
  br: Bridge;
  ports: RecordingPort[];
}

/** A bridge br0 (MAC 02:..:00:b0) with `mtus.length` ports p0, p1... (MACs 02:..:01:00 + i), all up. */
function rig(
  mtus: number[] = [1500, 1500, 1500],
  flags: { hairpin?: boolean; learning?: boolean; flood?: boolean }[] = [],
): Rig {
  const host = new FakeHost('sw');
  const br = new Bridge(host, 'br0', macBytes(0xb0), 1500);
  br.adminUp = true;
  const ports = mtus.map((mtu, i) => {
    const p = new RecordingPort(host, `p${i}`, macBytes(0x100 + i), mtu);
    p.adminUp = true;
    p.port = { hairpin: false, learning: true, flood: true, ...flags[i] };
    br.addPort(p);
    return p;
  });
  return { host, br, ports };
}

/** Injects a frame on port `i` and returns the indices of the ports that transmitted it. */
function inject(r: Rig, i: number, frame: Uint8Array): number[] {
  for (const p of r.ports) p.sent.length = 0;
  (r.ports[i] as RecordingPort).receive(new SkBuff(frame));
  return r.ports.flatMap((p, j) => (p.sent.some((x) => x.frame === frame) ? [j] : []));
}

/** Moves the bridge's clock to `t` ns. */
function at(r: Rig, t: number): void {
  r.host.sim.run(t);
}

describe('Bridge carrier', () => {
  it('drops what the stack sends on a bridge with no port, before its capture sees it (noop_qdisc; found by fuzz:twin)', () => {
    const host = new FakeHost('h');
    const br = new Bridge(host, 'docker0', macBytes(0xb0), 1500);
    br.adminUp = true;
    const capture: CaptureBuffer = { ns: 'h', dev: 'docker0', records: [] };
    br.capture = capture;
    br.transmit(new SkBuff(ethFrame(A, macNum(0xb0))));
    expect(capture.records).toHaveLength(0);
    expect(host.drops.map((d) => [d.reason, d.dev])).toEqual([['no-carrier', 'docker0']]);
    const r = rig([1500]);
    const ported: CaptureBuffer = { ns: 'sw', dev: 'br0', records: [] };
    r.br.capture = ported;
    r.br.transmit(new SkBuff(ethFrame(A, macNum(0xb0))));
    expect(ported.records).toHaveLength(1);
    expect(r.ports[0]?.sent).toHaveLength(1);
  });
});

describe('Bridge learning and forwarding', () => {
  it('floods an unknown unicast to every other port, then sends the answer to the learned port only', () => {
    const r = rig();
    expect(inject(r, 0, ethFrame(B, A))).toEqual([1, 2]);
    expect(inject(r, 1, ethFrame(A, B))).toEqual([0]);
    expect(inject(r, 0, ethFrame(B, A))).toEqual([1]);
    expect(r.host.received).toEqual([]);
  });

  it('floods broadcast and multicast to every other port and delivers them to the stack through the bridge device', () => {
    const r = rig();
    expect(inject(r, 1, ethFrame(MAC_BROADCAST, A))).toEqual([0, 2]);
    expect(inject(r, 2, ethFrame(MCAST, B))).toEqual([0, 1]);
    expect(r.host.received.map((x) => x.dev)).toEqual(['br0', 'br0']);
  });

  it('moves a MAC to the port it was last seen on', () => {
    const r = rig();
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    inject(r, 2, ethFrame(MAC_BROADCAST, A));
    expect(inject(r, 1, ethFrame(A, B))).toEqual([2]);
  });

  it('does not learn on a port with learning off, and floods unknown unicast only to ports with flood on', () => {
    const r = rig([1500, 1500, 1500], [{ learning: false }, {}, { flood: false }]);
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    expect(inject(r, 1, ethFrame(A, B))).toEqual([0]);
    expect(inject(r, 0, ethFrame(C, A))).toEqual([1]);
    // Broadcast ignores the flood flag (it is BR_FLOOD, for unknown unicast only).
    expect(inject(r, 0, ethFrame(MAC_BROADCAST, A))).toEqual([1, 2]);
  });

  it('sends what the stack transmits on the bridge device to the learned port, or floods it to every port', () => {
    const r = rig();
    inject(r, 2, ethFrame(MAC_BROADCAST, A));
    const known = ethFrame(A, macNum(0xb0));
    r.br.transmit(new SkBuff(known));
    expect(r.ports.map((p) => p.sent.filter((x) => x.frame === known).length)).toEqual([0, 0, 1]);
    const unknown = ethFrame(C, macNum(0xb0));
    r.br.transmit(new SkBuff(unknown));
    expect(r.ports.map((p) => p.sent.filter((x) => x.frame === unknown).length)).toEqual([1, 1, 1]);
  });

  it('does not forward to a port that is administratively down', () => {
    const r = rig();
    (r.ports[1] as RecordingPort).adminUp = false;
    expect(inject(r, 0, ethFrame(MAC_BROADCAST, A))).toEqual([2]);
  });

  it('drops a frame whose source MAC is multicast or all zeros, without learning it (br_handle_frame: is_valid_ether_addr)', () => {
    const r = rig();
    expect(inject(r, 0, ethFrame(MAC_BROADCAST, MCAST))).toEqual([]);
    expect(inject(r, 0, ethFrame(B, 0))).toEqual([]);
    expect(r.host.drops.map((d) => [d.reason, d.dev])).toEqual([
      ['malformed', 'p0'],
      ['malformed', 'p0'],
    ]);
    expect(r.host.received).toEqual([]);
    // Not learned: a frame to 00:00:00:00:00:00 is still unknown and floods.
    expect(inject(r, 1, ethFrame(0, B))).toEqual([0, 2]);
  });

  it('drops what its ports receive while the bridge is down (reason bridge-down)', () => {
    const r = rig();
    r.br.adminUp = false;
    expect(inject(r, 0, ethFrame(MAC_BROADCAST, A))).toEqual([]);
    expect(r.host.drops.map((d) => d.reason)).toEqual(['bridge-down']);
    expect(r.host.received).toEqual([]);
  });
});

describe('Bridge hairpin', () => {
  it('never sends a frame back out of its ingress port when hairpin is off (drop reason hairpin)', () => {
    const r = rig();
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    expect(inject(r, 0, ethFrame(A, C))).toEqual([]);
    expect(r.host.drops.map((d) => [d.reason, d.dev])).toEqual([['hairpin', 'p0']]);
  });

  it('with hairpin on, sends a frame for a MAC learned on the ingress port back out of it', () => {
    const r = rig([1500, 1500, 1500], [{ hairpin: true }]);
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    expect(inject(r, 0, ethFrame(A, C))).toEqual([0]);
  });

  it('with hairpin on, floods broadcast and unknown unicast back out of the ingress port too (should_deliver)', () => {
    const r = rig([1500, 1500, 1500], [{ hairpin: true }]);
    expect(inject(r, 0, ethFrame(MAC_BROADCAST, A))).toEqual([0, 1, 2]);
    expect(inject(r, 0, ethFrame(B, A))).toEqual([0, 1, 2]);
  });
});

describe('Bridge FDB ageing', () => {
  it(`keeps an entry for ${BRIDGE_DEFAULT_AGEING_NS / 1e9} s and forgets it after: the next frame floods`, () => {
    const r = rig();
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    at(r, BRIDGE_DEFAULT_AGEING_NS - 1);
    expect(inject(r, 1, ethFrame(A, B))).toEqual([0]);
    at(r, BRIDGE_DEFAULT_AGEING_NS + 1);
    expect(inject(r, 2, ethFrame(A, C))).toEqual([0, 1]);
  });

  it("restarts an entry's age whenever its MAC sends, but not when frames are sent to it", () => {
    const r = rig();
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    at(r, s(200));
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    at(r, s(450));
    expect(inject(r, 1, ethFrame(A, B))).toEqual([0]);
    at(r, s(501));
    expect(inject(r, 1, ethFrame(A, B))).toEqual([0, 2]);
  });

  it('follows a changed ageing time, and never ages a static entry', () => {
    const r = rig();
    r.br.ageingNs = s(10);
    r.br.addStatic(C, r.ports[2] as RecordingPort);
    inject(r, 0, ethFrame(MAC_BROADCAST, A));
    at(r, s(11));
    expect(inject(r, 1, ethFrame(A, B))).toEqual([0, 2]);
    at(r, s(10_000));
    expect(inject(r, 1, ethFrame(C, B))).toEqual([2]);
  });
});

describe('Bridge MTU', () => {
  it('follows the smallest port MTU as ports join and leave (br_mtu_auto_adjust)', () => {
    const r = rig([9000, 1500]);
    expect(r.br.mtu).toBe(1500);
    const small = new RecordingPort(r.host, 'p9', macBytes(0x109), 1400);
    r.br.addPort(small);
    expect(r.br.mtu).toBe(1400);
    r.br.removePort(small);
    expect(r.br.mtu).toBe(1500);
    r.br.removePort(r.ports[1] as RecordingPort);
    expect(r.br.mtu).toBe(9000);
  });

  it('goes back to 1500 when its last port leaves (br_mtu_min: ETH_DATA_LEN without ports)', () => {
    const r = rig([9000]);
    expect(r.br.mtu).toBe(9000);
    r.br.removePort(r.ports[0] as RecordingPort);
    expect(r.br.mtu).toBe(1500);
  });

  it('keeps an MTU that was set explicitly', () => {
    const host = new FakeHost();
    const br = new Bridge(host, 'br0', macBytes(0xb0), 1450);
    br.mtuSet = true;
    br.addPort(new RecordingPort(host, 'p0', macBytes(0x100), 1400));
    br.addPort(new RecordingPort(host, 'p1', macBytes(0x101), 9000));
    expect(br.mtu).toBe(1450);
  });

  it('drops a frame larger than the egress port MTU plus a VLAN tag (reason mtu) and forwards one that fits', () => {
    const r = rig([1500, 1400]);
    expect(inject(r, 0, ethFrame(MAC_BROADCAST, A, 14 + 1405))).toEqual([]);
    expect(r.host.drops.map((d) => [d.reason, d.dev])).toEqual([['mtu', 'p1']]);
    expect(inject(r, 0, ethFrame(MAC_BROADCAST, A, 14 + 1404))).toEqual([1]);
  });
});

describe('Bridge local delivery', () => {
  it("delivers a frame for the bridge's own MAC up the stack and out of no port", () => {
    const r = rig();
    expect(inject(r, 0, ethFrame(macNum(0xb0), A))).toEqual([]);
    expect(r.host.received.map((x) => x.dev)).toEqual(['br0']);
  });

  it('delivers a frame for a port\'s own MAC locally too (its "local" FDB entry)', () => {
    const r = rig();
    expect(inject(r, 0, ethFrame(macNum(0x102), A))).toEqual([]);
    expect(r.host.received.map((x) => x.dev)).toEqual(['br0']);
  });

  it("a frame for a port's MAC reaches IP in a real namespace, which answers it (br_pass_frame_up keeps PACKET_HOST)", () => {
    const sim = new Simulation(5);
    const ns = new NetNamespace('h', sim, new TraceSink());
    const br = new Bridge(ns, 'br0', macBytes(0xb0), 1500);
    const port = new RecordingPort(ns, 'veth0', macBytes(0x100), 1500);
    ns.addDevice(br);
    ns.addDevice(port);
    br.addPort(port);
    br.adminUp = port.adminUp = true;
    const brIp = parseIpv4('10.0.0.1') as number;
    const peerIp = parseIpv4('10.0.0.2') as number;
    ns.addAddress(br, { addr: brIp, len: 24 });
    ns.neighbourTable(br).setPermanent(peerIp, A);
    port.receive(
      new SkBuff(buildIcmpEchoFrame({ srcMac: A, dstMac: port.macNum, src: peerIp, dst: brIp, echoId: 7, seq: 1 })),
    );
    sim.run();
    const out = port.sent.map((x) => decodeFrame(x.frame));
    expect(out.map((d) => [d.icmp?.kind, formatIpv4(d.ipv4?.dst ?? 0)])).toEqual([['echo-reply', '10.0.0.2']]);
  });
});

/** A random frame injected on a random port after a random pause. */
interface Step {
  port: number;
  src: number;
  dst: number;
  pauseNs: number;
}

const hostMacs = [A, B, C, macNum(0xd), macNum(0xe)];

function stepArb(ports: number): fc.Arbitrary<Step> {
  return fc.record({
    port: fc.nat(ports - 1),
    src: fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom(...hostMacs) },
      { weight: 1, arbitrary: fc.constantFrom(0, MCAST) },
    ),
    dst: fc.constantFrom(...hostMacs, MAC_BROADCAST, MCAST, macNum(0xb0), macNum(0x100)),
    pauseNs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: s(200) })),
  });
}

const scenarioArb = fc.integer({ min: 2, max: 5 }).chain((n) =>
  fc.record({
    flags: fc.array(fc.record({ hairpin: fc.boolean(), learning: fc.boolean(), flood: fc.boolean() }), {
      minLength: n,
      maxLength: n,
    }),
    steps: fc.array(stepArb(n), { minLength: 1, maxLength: 60 }),
  }),
);

describe('Bridge properties', () => {
  it('transmits a frame at most once per port, and back out of its ingress port only with hairpin on (seed 31)', () => {
    fc.assert(
      fc.property(scenarioArb, ({ flags, steps }) => {
        const r = rig(
          flags.map(() => 1500),
          flags,
        );
        let now = 0;
        for (const st of steps) {
          now += st.pauseNs;
          at(r, now);
          const frame = ethFrame(st.dst, st.src);
          inject(r, st.port, frame);
          r.ports.forEach((p, j) => {
            const times = p.sent.filter((x) => x.frame === frame).length;
            expect(times).toBeLessThanOrEqual(1);
            if (j === st.port && !(flags[j] as { hairpin: boolean }).hairpin) expect(times).toBe(0);
          });
        }
      }),
      { seed: 31, numRuns: 300 },
    );
  });

  it("sends every frame to exactly the ports a reference model of Linux's FDB predicts (seed 32)", () => {
    fc.assert(
      fc.property(scenarioArb, ({ flags, steps }) => {
        const r = rig(
          flags.map(() => 1500),
          flags,
        );
        const local = new Set([macNum(0xb0), ...r.ports.map((p) => p.macNum)]);
        const fdb = new Map<number, { port: number; t: number }>();
        let now = 0;
        for (const st of steps) {
          now += st.pauseNs;
          at(r, now);
          const f = flags;
          const allowed = (j: number) => j !== st.port || (f[j] as { hairpin: boolean }).hairpin;
          const validSrc = st.src !== 0 && st.src !== MCAST;
          if (validSrc && (f[st.port] as { learning: boolean }).learning) fdb.set(st.src, { port: st.port, t: now });
          const e = fdb.get(st.dst);
          const fresh = e !== undefined && now - e.t <= BRIDGE_DEFAULT_AGEING_NS ? e : undefined;
          let expected: number[];
          if (!validSrc) expected = [];
          else if (st.dst === MAC_BROADCAST || st.dst === MCAST)
            expected = f.flatMap((_, j) => (allowed(j) ? [j] : []));
          else if (local.has(st.dst)) expected = [];
          else if (fresh === undefined) expected = f.flatMap((x, j) => (allowed(j) && x.flood ? [j] : []));
          else expected = allowed(fresh.port) ? [fresh.port] : [];
          expect(inject(r, st.port, ethFrame(st.dst, st.src))).toEqual(expected);
        }
      }),
      { seed: 32, numRuns: 300 },
    );
  });
});
