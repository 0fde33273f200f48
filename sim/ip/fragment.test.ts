/**
 * IPv4 fragmentation (fragment.ts) and reassembly (reassembly.ts): properties over
 * random datagrams and MTUs, the reassembly timeout, and fragmentation end to end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { decodeFrame } from '../../core/wire/decode.js';
import { buildIcmpEchoFrame } from '../../core/wire/frame.js';
import { Simulation } from '../engine/simulation.js';
import { packetsOn, probeNamed, routedLab, runScenario, s, stackRig } from '../test-helpers.js';
import { TraceSink } from '../trace.js';
import { fragment } from './fragment.js';
import { NetNamespace } from './namespace.js';
import { IPFRAG_TIME_NS } from './reassembly.js';
import { SkBuff } from '../skb.js';

const ip = (t: string) => parseIpv4(t) as number;

/** An echo request of `size` data bytes (a recognisable pattern) from 10.0.0.2 to 10.0.0.1. */
function datagram(size: number, id = 0x1234, dstMac = 0x02_00_00_00_01_00): Uint8Array {
  const data = Uint8Array.from({ length: size }, (_, i) => (i * 7 + 3) & 0xff);
  return buildIcmpEchoFrame({
    srcMac: 0x02_00_00_00_00_20,
    dstMac,
    src: ip('10.0.0.2'),
    dst: ip('10.0.0.1'),
    id,
    echoId: 1,
    seq: 1,
    data,
    ttl: 57,
  });
}

const sizeArb = fc.integer({ min: 0, max: 9000 });
const mtuArb = fc.integer({ min: 68, max: 1500 });

describe('IPv4 fragmentation', () => {
  it('makes fragments that fit the MTU, at 8-byte offsets, MF on all but the last, covering the payload exactly (seed 51)', () => {
    fc.assert(
      fc.property(sizeArb, mtuArb, (size, mtu) => {
        const orig = datagram(size);
        const o = decodeFrame(orig).ipv4!;
        fc.pre(20 + o.payloadLen > mtu);
        const pieces = fragment(orig, mtu).map((f) => ({ f, d: decodeFrame(f).ipv4! }));
        let covered = 0;
        pieces.forEach(({ f, d }, i) => {
          expect(20 + d.payloadLen).toBeLessThanOrEqual(mtu);
          expect(d.fragOffset).toBe(covered);
          expect(d.fragOffset % 8).toBe(0);
          expect(d.mf).toBe(i < pieces.length - 1);
          expect(d.checksumOk).toBe(true);
          expect([d.id, d.src, d.dst, d.protocol, d.ttl, d.df]).toEqual([o.id, o.src, o.dst, o.protocol, o.ttl, o.df]);
          expect(f.subarray(34)).toEqual(orig.subarray(34 + covered, 34 + covered + d.payloadLen));
          covered += d.payloadLen;
        });
        expect(covered).toBe(o.payloadLen);
      }),
      { seed: 51, numRuns: 300 },
    );
  });

  it("keeps MF on every piece of a fragment that had it, with offsets from the fragment's own", () => {
    const [first] = fragment(datagram(3000), 1500);
    const again = fragment(first!, 576).map((f) => decodeFrame(f).ipv4!);
    expect(again.map((d) => [d.fragOffset, d.mf])).toEqual([
      [0, true],
      [552, true],
      [1104, true],
    ]);
  });
});

describe('IPv4 reassembly', () => {
  it('rebuilds the original datagram byte for byte from its fragments in any order, duplicates included (seed 52)', () => {
    fc.assert(
      fc.property(
        sizeArb,
        mtuArb,
        fc.infiniteStream(fc.nat()),
        fc.array(fc.nat(), { maxLength: 4 }),
        (size, mtu, order, dups) => {
          const orig = datagram(size);
          const pieces = fragment(orig, mtu);
          fc.pre(pieces.length > 1);
          // A random permutation (from the stream), then some pieces again.
          const shuffled = [...pieces];
          const picks = order[Symbol.iterator]();
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (picks.next().value as number) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          const dupFrames = dups.map((d) => shuffled[d % shuffled.length]!);
          const ns = new NetNamespace('h', new Simulation(1), new TraceSink());
          const results = [...shuffled, ...dupFrames].map((f) => ns.reassembler.add(new SkBuff(f))?.data);
          const whole = results.filter((r) => r !== undefined);
          expect(results.slice(0, shuffled.length - 1).every((r) => r === undefined)).toBe(true);
          expect(whole.length).toBeGreaterThanOrEqual(1);
          expect(whole[0]).toEqual(orig);
        },
      ),
      { seed: 52, numRuns: 300 },
    );
  });

  it(`drops an incomplete datagram after ${IPFRAG_TIME_NS / 1e9} s and tells the sender (time exceeded, reassembly) when its first fragment came`, () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    const [first] = fragment(datagram(3000, 1, r.ifs[0]!.macNum), 1500);
    r.ifs[0]!.receive(new SkBuff(first!));
    r.sim.run(IPFRAG_TIME_NS - 1);
    expect(r.take()).toEqual([]);
    r.sim.run(IPFRAG_TIME_NS);
    const sent = r.take();
    expect(
      sent.map((x) => [
        x.timeNs,
        x.d.icmp?.kind,
        x.d.icmp?.kind === 'time-exceeded' && x.d.icmp.code,
        formatIpv4(x.d.ipv4?.dst ?? 0),
      ]),
    ).toEqual([[IPFRAG_TIME_NS, 'time-exceeded', 1, '10.0.0.2']]);
    expect(r.trace.drops.map((d) => d.reason)).toEqual(['reassembly-timeout']);
  });

  it('says nothing when only later fragments came (RFC 792: no first fragment, no error)', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    const [, second] = fragment(datagram(3000, 1, r.ifs[0]!.macNum), 1500);
    r.ifs[0]!.receive(new SkBuff(second!));
    r.sim.run(s(60));
    expect(r.take()).toEqual([]);
  });

  it('answers a fragmented echo request once the last piece is in, with the whole data', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    const pieces = fragment(datagram(3000, 9, r.ifs[0]!.macNum), 1500).reverse();
    for (const p of pieces) r.ifs[0]!.receive(new SkBuff(p));
    r.sim.run();
    const reply = r.take().filter((x) => formatIpv4(x.d.ipv4?.src ?? 0) === '10.0.0.1');
    expect(reply.map((x) => [x.d.ipv4?.fragOffset, x.d.ipv4?.mf])).toEqual([
      [0, true],
      [1480, true],
      [2960, false],
    ]);
    expect(reply.reduce((n, x) => n + (x.d.ipv4?.payloadLen ?? 0), 0)).toBe(8 + 3000);
  });
});

describe('Fragmentation end to end', () => {
  const r = runScenario(
    routedLab({ dcMtu: 1400, timeline: '  - { at: 1s, name: big, ping: { from: client, to: server, size: 2000 } }' }),
  );

  it('delivers a ping without DF that is bigger than the 1400-byte hop', () => {
    const p = probeNamed(r, 'big');
    expect(p.outcome).toBe('delivered');
    expect(p.ttl).toBe(63);
  });

  it('shows the request in fragments that fit each hop: cut at 1500 by the client, the first cut again at 1400 by the router', () => {
    const frags = (ns: string, dev: string) =>
      packetsOn(r, ns, dev)
        .filter(
          (p) => p.d.ipv4 !== undefined && formatIpv4(p.d.ipv4.src) === '198.51.100.10' && p.d.ipv4.protocol === 1,
        )
        .map((p) => [p.d.ipv4!.fragOffset, p.d.ipv4!.payloadLen, p.d.ipv4!.mf]);
    expect(frags('client', 'eth0')).toEqual([
      [0, 1480, true],
      [1480, 528, false],
    ]);
    expect(frags('r1', 'eth1')).toEqual([
      [0, 1376, true],
      [1376, 104, true],
      [1480, 528, false],
    ]);
  });
});
