/**
 * ICMP (icmp.ts): when errors are sent, from which address, what they quote, and the
 * per-destination rate limit. Unit cases run a real namespace whose interfaces record
 * what they send (`stackRig`); the end-to-end case runs a scenario.
 */
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { buildIcmpEchoFrame, buildIcmpErrorFrame, buildUdpFrame } from '../../core/wire/frame.js';
import { fillIpv4Checksum, IPV4_PROTOCOL_OFF } from '../../core/wire/ipv4.js';
import { packetsOn, routedLab, runScenario, s, stackRig, type StackRig } from '../test-helpers.js';
import { fragment } from './fragment.js';
import { ICMP_BURST, ICMP_RATELIMIT_NS, IcmpRateLimiter } from './icmp.js';
import { SkBuff } from '../skb.js';

const ip = (t: string) => parseIpv4(t) as number;

/** A datagram from `src` to `dst` arriving on interface `i` of the rig. */
function udpIn(
  r: StackRig,
  src: string,
  dst: string,
  opts: { i?: number; dport?: number; size?: number; df?: boolean } = {},
): Uint8Array {
  const dev = r.ifs[opts.i ?? 0]!;
  return buildUdpFrame({
    srcMac: 0x02_00_00_00_00_20 + (opts.i ?? 0),
    dstMac: dev.macNum,
    src: ip(src),
    dst: ip(dst),
    srcPort: 40000,
    dstPort: opts.dport ?? 9999,
    df: opts.df ?? false,
    payload: new Uint8Array(opts.size ?? 8),
    id: 1,
  });
}

/** `frame` with its IPv4 protocol changed (to one nothing on the host handles). */
function withProtocol(frame: Uint8Array, proto: number): Uint8Array {
  frame[14 + IPV4_PROTOCOL_OFF] = proto;
  fillIpv4Checksum(frame, 14);
  return frame;
}

function inject(r: StackRig, frame: Uint8Array, i = 0): void {
  r.ifs[i]!.receive(new SkBuff(frame));
  r.sim.run(r.sim.now);
}

/** The ICMP errors sent since the last call: [type, code, from, to]. */
function errors(r: StackRig): [string, number, string, string][] {
  return r
    .take()
    .filter((x) => x.d.icmp !== undefined && x.d.icmp.kind !== 'echo-request' && x.d.icmp.kind !== 'echo-reply')
    .map((x) => [
      x.d.icmp!.kind,
      'code' in x.d.icmp! ? x.d.icmp.code : -1,
      formatIpv4(x.d.ipv4!.src),
      formatIpv4(x.d.ipv4!.dst),
    ]);
}

describe('ICMP rate limiting', () => {
  it(`the token bucket allows a burst of ${ICMP_BURST}, then one error per ${ICMP_RATELIMIT_NS / 1e9} s per destination`, () => {
    const l = new IcmpRateLimiter();
    const burst = Array.from({ length: 10 }, () => l.allow(1, 0));
    expect(burst).toEqual([true, true, true, true, true, true, false, false, false, false]);
    expect(l.allow(2, 0)).toBe(true);
    expect(l.allow(1, ICMP_RATELIMIT_NS - 1)).toBe(false);
    expect(l.allow(1, ICMP_RATELIMIT_NS)).toBe(true);
    expect(l.allow(1, ICMP_RATELIMIT_NS)).toBe(false);
    // A long pause refills the bucket up to the burst, not beyond.
    expect(Array.from({ length: 8 }, () => l.allow(1, s(3600))).filter(Boolean)).toHaveLength(ICMP_BURST);
  });

  it('sends only 6 of 10 port unreachables to one destination within a second, and 6 more to another', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }, { addr: '10.0.1.1/24' }]);
    for (let k = 0; k < 10; k++) inject(r, udpIn(r, '10.0.0.2', '10.0.0.1'));
    expect(errors(r)).toEqual(Array(6).fill(['dest-unreachable', 3, '10.0.0.1', '10.0.0.2']));
    for (let k = 0; k < 10; k++) inject(r, udpIn(r, '10.0.1.2', '10.0.1.1', { i: 1 }), 1);
    expect(errors(r)).toHaveLength(6);
    r.sim.run(s(1));
    for (let k = 0; k < 3; k++) inject(r, udpIn(r, '10.0.0.2', '10.0.0.1'));
    expect(errors(r)).toHaveLength(1);
  });

  it('never limits fragmentation-needed (PMTU discovery must not stall)', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }, { addr: '10.0.1.1/24', mtu: 1000 }], { forward: true });
    for (let k = 0; k < 10; k++) inject(r, udpIn(r, '10.0.0.2', '10.0.1.2', { size: 1200, df: true }));
    const e = errors(r);
    expect(e).toHaveLength(10);
    expect(e[0]).toEqual(['dest-unreachable', 4, '10.0.0.1', '10.0.0.2']);
  });

  it('end to end: ten UDP probes at once to a closed port, six are refused and four hear nothing', () => {
    const udps = Array.from(
      { length: 10 },
      (_, i) => `  - { at: 1s, name: u${i}, udp: { from: client, to: server, port: 5353 } }`,
    ).join('\n');
    const res = runScenario(routedLab({ timeline: udps }));
    expect(res.observations.probes.map((p) => p.outcome)).toEqual([
      ...Array(6).fill('refused'),
      ...Array(4).fill('timed-out'),
    ]);
    const sent = packetsOn(res, 'server', 'eth0').filter((p) => p.d.icmp?.kind === 'dest-unreachable');
    expect(sent).toHaveLength(6);
    expect(sent.every((p) => p.d.icmp?.kind === 'dest-unreachable' && p.d.icmp.code === 3)).toBe(true);
  });
});

describe('ICMP errors: when and what', () => {
  it('answers an unknown protocol with protocol unreachable from the address it was sent to', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    inject(r, withProtocol(udpIn(r, '10.0.0.2', '10.0.0.1'), 47));
    expect(errors(r)).toEqual([['dest-unreachable', 2, '10.0.0.1', '10.0.0.2']]);
  });

  it('never answers a datagram sent to a broadcast address (RFC 1122 3.2.2; icmp_send skips RTCF_BROADCAST)', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    inject(r, withProtocol(udpIn(r, '10.0.0.2', '10.0.0.255'), 47));
    inject(r, udpIn(r, '10.0.0.2', '10.0.0.255'));
    inject(r, withProtocol(udpIn(r, '10.0.0.2', '255.255.255.255'), 47));
    expect(errors(r)).toEqual([]);
  });

  it('never answers a datagram from a zero, broadcast or multicast source', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    for (const src of ['0.0.0.0', '255.255.255.255', '224.0.0.5']) inject(r, udpIn(r, src, '10.0.0.1'));
    expect(errors(r)).toEqual([]);
  });

  it('sends net unreachable for a forwarded packet without a route, but never about an ICMP error or a non-first fragment', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }], { forward: true });
    const dev = r.ifs[0]!;
    const echo = buildIcmpEchoFrame({
      srcMac: 0x02_00_00_00_00_20,
      dstMac: dev.macNum,
      src: ip('10.0.0.2'),
      dst: ip('10.9.9.9'),
      echoId: 1,
      seq: 1,
      data: new Uint8Array(2000),
    });
    inject(r, echo);
    expect(errors(r)).toEqual([['dest-unreachable', 0, '10.0.0.1', '10.0.0.2']]);
    const [first, second] = fragment(echo, 1500);
    inject(r, second!);
    expect(errors(r)).toEqual([]);
    inject(r, first!);
    expect(errors(r)).toHaveLength(1);
    const err = buildIcmpErrorFrame({
      srcMac: 0x02_00_00_00_00_20,
      dstMac: dev.macNum,
      src: ip('10.0.0.2'),
      dst: ip('10.9.9.9'),
      kind: 'dest-unreachable',
      code: 1,
      original: echo.subarray(14, 14 + 48),
    });
    inject(r, err);
    expect(errors(r)).toEqual([]);
    expect(r.trace.drops.map((d) => d.reason)).toEqual(['no-route', 'no-route', 'no-route', 'no-route']);
  });

  it('quotes the offending datagram, keeping the error within 576 bytes', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    inject(r, udpIn(r, '10.0.0.2', '10.0.0.1', { size: 1000 }));
    const [e] = r.take();
    expect(e?.d.ipv4?.payloadLen).toBe(576 - 20);
    expect(e?.d.quoted?.dstPort).toBe(9999);
    expect(formatIpv4(e?.d.quoted?.ipv4.src ?? 0)).toBe('10.0.0.2');
  });

  it('answers an echo request from the address it was sent to, with the same identifier, sequence and data', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }, { addr: '10.0.1.1/24' }]);
    const data = Uint8Array.from({ length: 40 }, (_, i) => i);
    inject(
      r,
      buildIcmpEchoFrame({
        srcMac: 0x02_00_00_00_00_20,
        dstMac: r.ifs[0]!.macNum,
        src: ip('10.0.0.2'),
        dst: ip('10.0.1.1'),
        echoId: 77,
        seq: 5,
        data,
      }),
    );
    const [rep] = r.take();
    expect(rep?.dev).toBe('eth0');
    expect(formatIpv4(rep?.d.ipv4?.src ?? 0)).toBe('10.0.1.1');
    expect(rep?.d.icmp).toMatchObject({ kind: 'echo-reply', id: 77, seq: 5, data });
  });
});
