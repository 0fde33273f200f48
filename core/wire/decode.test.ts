import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame, MAX_VXLAN_DEPTH, type DecodedFrame } from './decode.js';
import { ETHERTYPE_IPV6, setEthEthertype } from './ethernet.js';
import { buildIcmpEchoFrame, buildTcpFrame, buildUdpFrame, buildVxlanFrame, type Ipv4FrameSpec } from './frame.js';
import { fillIpv4Checksum } from './ipv4.js';
import { summarizeFrame } from './pretty.js';
import { TCP_ACK, TCP_SYN } from './tcp.js';

const ip: Ipv4FrameSpec = {
  srcMac: '02:42:ac:11:00:02',
  dstMac: '02:42:ac:11:00:03',
  src: 0xac110002,
  dst: 0xac110003,
};
const TCP = buildTcpFrame({ ...ip, srcPort: 40000, dstPort: 80, seq: 1000, flags: TCP_SYN, window: 64240, mss: 1460 });
const UDP = buildUdpFrame({ ...ip, srcPort: 5353, dstPort: 53, payload: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) });
const vxlanOf = (inner: Uint8Array): Uint8Array => buildVxlanFrame({ ...ip, srcPort: 50000, vni: 42, inner });

describe('decodeFrame', () => {
  it('decodes every layer of a frame it fully understands, with no stop', () => {
    const d = decodeFrame(TCP);
    expect(d).toMatchObject({
      offset: 0,
      length: 58,
      eth: { ethertype: 0x0800 },
      ipv4: { protocol: 6, checksumOk: true },
      tcp: { mss: 1460, checksumOk: true },
      payloadOffset: 58,
    });
    expect(d.stop).toBeUndefined();
  });

  it('says where a truncated frame stopped, and that it was malformed', () => {
    expect(decodeFrame(TCP.subarray(0, 10)).stop).toEqual({
      layer: 'ethernet',
      offset: 0,
      reason: 'frame of 10 bytes is shorter than the 14-byte header',
      malformed: true,
    });
    expect(decodeFrame(TCP.subarray(0, 30)).stop).toMatchObject({ layer: 'ipv4', offset: 14, malformed: true });
    const cut = TCP.slice(0, 50); // IPv4 total length still says 44
    expect(decodeFrame(cut).stop).toMatchObject({
      layer: 'ipv4',
      reason: 'total length 44 exceeds the 36 bytes present',
    });
  });

  it('decodes only the total length when the link pads the frame to 60 bytes', () => {
    const padded = new Uint8Array(60);
    padded.set(buildIcmpEchoFrame({ ...ip, echoId: 1, seq: 2 }));
    expect(decodeFrame(padded)).toMatchObject({
      ipv4: { payloadLen: 8 },
      icmp: { kind: 'echo-request', data: new Uint8Array(0), checksumOk: true },
    });
  });

  it('stops without "malformed" at what it does not decode: IPv6, other protocols', () => {
    const v6 = UDP.slice();
    setEthEthertype(v6, 0, ETHERTYPE_IPV6);
    expect(decodeFrame(v6).stop).toEqual({
      layer: 'ethernet',
      offset: 14,
      reason: 'ethertype 0x86dd is not decoded',
      malformed: false,
    });
    const gre = UDP.slice();
    gre[23] = 47;
    fillIpv4Checksum(gre, 14);
    expect(decodeFrame(gre).stop).toEqual({
      layer: 'ipv4',
      offset: 34,
      reason: 'protocol 47 is not decoded',
      malformed: false,
    });
  });

  it('does not decode ICMP types it does not model, without calling them malformed', () => {
    const ts = buildIcmpEchoFrame({ ...ip, echoId: 1, seq: 2 });
    ts[34] = 13; // timestamp request (RFC 792)
    expect(decodeFrame(ts).stop).toEqual({
      layer: 'icmp',
      offset: 34,
      reason: 'ICMP type 13 is not decoded',
      malformed: false,
    });
    expect(summarizeFrame(ts)).toBe(
      '02:42:ac:11:00:02 > 02:42:ac:11:00:03, IPv4 172.17.0.2 > 172.17.0.3: ICMP, length 8 [ICMP type 13 is not decoded]',
    );
  });

  it('does not stop at a bad checksum: the Repr reports it', () => {
    const bad = UDP.slice();
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const d = decodeFrame(bad);
    expect(d.udp?.checksumOk).toBe(false);
    expect(d.stop).toBeUndefined();
  });

  it(`follows VXLAN inside VXLAN, up to ${MAX_VXLAN_DEPTH} levels`, () => {
    let f = UDP;
    for (let i = 0; i < MAX_VXLAN_DEPTH + 1; i++) f = vxlanOf(f);
    let d: DecodedFrame | undefined = decodeFrame(f);
    let depth = 0;
    while (d?.inner !== undefined) {
      d = d.inner;
      depth += 1;
    }
    expect(depth).toBe(MAX_VXLAN_DEPTH);
    expect(d?.stop).toMatchObject({
      layer: 'vxlan',
      reason: `VXLAN nested deeper than ${MAX_VXLAN_DEPTH}`,
      malformed: false,
    });
    const once = decodeFrame(vxlanOf(TCP));
    expect(once.inner).toMatchObject({ offset: 50, length: TCP.length, tcp: { dstPort: 80, checksumOk: true } });
  });

  const specArb = fc.record({
    src: fc.integer({ min: 0, max: 0xffffffff }),
    dst: fc.integer({ min: 0, max: 0xffffffff }),
    srcPort: fc.nat(0xffff),
    dstPort: fc.nat(0xffff).filter((p) => p !== 4789),
    payload: fc.uint8Array({ maxLength: 80 }),
    ttl: fc.nat(255),
    id: fc.nat(0xffff),
    df: fc.boolean(),
  });

  it('decodes what the builders build back to their fields (seed 101)', () => {
    fc.assert(
      fc.property(specArb, fc.nat(255), (s, flags) => {
        const spec = { ...ip, ...s };
        const u = decodeFrame(buildUdpFrame(spec));
        expect(u).toMatchObject({
          ipv4: { src: s.src, dst: s.dst, ttl: s.ttl, id: s.id, df: s.df, checksumOk: true },
          udp: { srcPort: s.srcPort, dstPort: s.dstPort, payloadLen: s.payload.length, checksumOk: true },
        });
        const t = decodeFrame(buildTcpFrame({ ...spec, seq: s.id, ack: s.src, flags: flags | TCP_ACK, window: s.ttl }));
        expect(t).toMatchObject({
          tcp: {
            seq: s.id,
            ack: s.src,
            flags: flags | TCP_ACK,
            window: s.ttl,
            payloadLen: s.payload.length,
            checksumOk: true,
          },
        });
        expect(u.stop ?? t.stop).toBeUndefined();
      }),
      { seed: 101 },
    );
  });

  it('never throws on arbitrary bytes (seed 102)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        decodeFrame(b);
      }),
      { seed: 102 },
    );
  });

  it('never throws on real frames with bytes changed or cut off (seed 103)', () => {
    const frames = [TCP, UDP, vxlanOf(TCP), vxlanOf(vxlanOf(UDP)), buildIcmpEchoFrame({ ...ip, echoId: 1, seq: 1 })];
    const mutation = fc.record({
      which: fc.nat(frames.length - 1),
      edits: fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
      cut: fc.nat(),
    });
    fc.assert(
      fc.property(mutation, ({ which, edits, cut }) => {
        const f = frames[which]!.slice();
        for (const [i, v] of edits) f[i % f.length] = v;
        const d = decodeFrame(f.subarray(0, f.length - (cut % 20)));
        expect(d.length).toBe(f.length - (cut % 20));
      }),
      { seed: 103 },
    );
  });
});
