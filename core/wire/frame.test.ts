import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { tsharkCheck } from '../../test/helpers/tshark.js';
import { encodePcap } from '../pcap/format.js';
import { onesSum } from './checksum.js';
import { decodeFrame } from './decode.js';
import {
  buildArpFrame,
  buildIcmpEchoFrame,
  buildIcmpErrorFrame,
  buildTcpFrame,
  buildUdpFrame,
  buildVxlanFrame,
  type Ipv4FrameSpec,
} from './frame.js';
import { ICMP_ERROR_MAX_QUOTE, UNREACH_FRAG_NEEDED, UNREACH_PORT } from './icmpv4.js';
import { TCP_ACK, TCP_PSH, TCP_SYN } from './tcp.js';
import { linuxTcpOptions } from './tcp-options.js';

const spec: Ipv4FrameSpec = {
  srcMac: '02:42:ac:11:00:02',
  dstMac: '02:42:ac:11:00:03',
  src: 0xac110002,
  dst: 0xac110003,
};

describe('frame builders', () => {
  it('return a view of exactly the frame length, 8-byte aligned, that no other frame shares', () => {
    const f = buildUdpFrame({ ...spec, srcPort: 1, dstPort: 2, payload: new Uint8Array(10) });
    const g = buildUdpFrame({ ...spec, srcPort: 1, dstPort: 2, payload: new Uint8Array(10) });
    expect(f.length).toBe(52);
    expect(f.byteOffset % 8).toBe(0);
    const overlap =
      f.buffer === g.buffer && f.byteOffset < g.byteOffset + g.length && g.byteOffset < f.byteOffset + f.length;
    expect(overlap).toBe(false);
    expect(f).toEqual(g);
  });

  it('give the same UDP checksum when the payload sum is passed in (seed 12)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1500 }), fc.integer({ min: 1, max: 65535 }), (payload, port) => {
        const plain = buildUdpFrame({ ...spec, srcPort: port, dstPort: 53, payload });
        const summed = buildUdpFrame({
          ...spec,
          srcPort: port,
          dstPort: 53,
          payload,
          payloadSum: onesSum(payload, 0, payload.length),
        });
        expect(summed).toEqual(plain);
      }),
      { seed: 12, numRuns: 200 },
    );
  });

  it('default to TTL 64, id 0, DF clear, TOS 0, and TOS 0xc0 for ICMP errors as Linux does', () => {
    const echo = decodeFrame(buildIcmpEchoFrame({ ...spec, echoId: 1, seq: 1 }));
    expect(echo.ipv4).toMatchObject({ ttl: 64, id: 0, df: false, tos: 0 });
    const original = buildUdpFrame({ ...spec, srcPort: 1, dstPort: 2 }).subarray(14);
    expect(
      decodeFrame(buildIcmpErrorFrame({ ...spec, kind: 'dest-unreachable', code: UNREACH_PORT, original })).ipv4,
    ).toMatchObject({ tos: 0xc0 });
  });

  it('take MACs as strings or 48-bit numbers alike', () => {
    const bytes = buildTcpFrame({ ...spec, srcPort: 1, dstPort: 2, seq: 3, flags: TCP_SYN, window: 5 });
    expect(
      buildTcpFrame({
        ...spec,
        srcMac: 0x0242ac110002,
        dstMac: 0x0242ac110003,
        srcPort: 1,
        dstPort: 2,
        seq: 3,
        flags: TCP_SYN,
        window: 5,
      }),
    ).toEqual(bytes);
    expect(() => buildUdpFrame({ ...spec, srcMac: '02:42', srcPort: 1, dstPort: 2 })).toThrow(RangeError);
  });

  it('quote at most 548 bytes of the original in an ICMP error (RFC 1812 §4.3.2.3), all of a small one', () => {
    const big = buildUdpFrame({ ...spec, srcPort: 1, dstPort: 2, payload: new Uint8Array(1400) }).subarray(14);
    const e = decodeFrame(
      buildIcmpErrorFrame({
        ...spec,
        kind: 'dest-unreachable',
        code: UNREACH_FRAG_NEEDED,
        nextHopMtu: 1400,
        original: big,
      }),
    );
    expect(e.icmp).toMatchObject({ nextHopMtu: 1400, quoted: big.subarray(0, ICMP_ERROR_MAX_QUOTE) });
    expect(e.ipv4?.payloadLen).toBe(576 - 20);
    const small = big.subarray(0, 40);
    expect(
      decodeFrame(buildIcmpErrorFrame({ ...spec, kind: 'time-exceeded', code: 0, original: small })).icmp,
    ).toMatchObject({ quoted: small });
  });

  it('address an ARP reply to the target and a request to broadcast', () => {
    const reply = decodeFrame(
      buildArpFrame({
        op: 'reply',
        senderMac: 0x0242ac110002,
        senderIp: 1,
        targetMac: '02:42:ac:11:00:03',
        targetIp: 2,
      }),
    );
    expect(reply.eth).toEqual({ dst: '02:42:ac:11:00:03', src: '02:42:ac:11:00:02', ethertype: 0x0806 });
    const request = decodeFrame(buildArpFrame({ op: 'request', senderMac: 0x0242ac110002, senderIp: 1, targetIp: 2 }));
    expect(request.eth?.dst).toBe('ff:ff:ff:ff:ff:ff');
    expect(request.arp?.targetMac).toBe('00:00:00:00:00:00');
  });
});

describe('Wireshark reads built frames', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twinnet-wire-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('as well-formed with every checksum good (seed 121)', () => {
    const arb = fc.record({
      src: fc.integer({ min: 0x01000000, max: 0xdfffffff }),
      dst: fc.integer({ min: 0x01000000, max: 0xdfffffff }),
      srcPort: fc.integer({ min: 1024, max: 0xffff }),
      dstPort: fc.integer({ min: 1, max: 1023 }),
      payload: fc.uint8Array({ maxLength: 64 }),
      seq: fc.integer({ min: 0, max: 0xffffffff }),
    });
    const samples = fc.sample(arb, { seed: 121, numRuns: 8 });
    const frames = samples.flatMap((s) => {
      const ip = { ...spec, ...s };
      const udp = buildUdpFrame(ip);
      const tcp = buildTcpFrame({
        ...ip,
        flags: TCP_PSH | TCP_ACK,
        ack: 1,
        window: 502,
        options: linuxTcpOptions({ timestamps: { val: 5, ecr: 6 } }),
      });
      return [
        udp,
        tcp,
        buildTcpFrame({
          ...ip,
          flags: TCP_SYN,
          window: 64240,
          mss: 1460,
          options: linuxTcpOptions({ sackPermitted: true, timestamps: { val: 7, ecr: 0 }, wscale: 7 }),
        }),
        buildIcmpEchoFrame({ ...ip, echoId: s.srcPort, seq: 1, data: s.payload }),
        buildIcmpErrorFrame({
          ...ip,
          src: s.dst,
          dst: s.src,
          kind: 'dest-unreachable',
          code: UNREACH_PORT,
          original: udp.subarray(14),
        }),
        buildArpFrame({ op: 'request', senderMac: 0x0242ac110002, senderIp: s.src, targetIp: s.dst }),
        buildVxlanFrame({ ...ip, vni: s.dstPort, inner: tcp }),
      ];
    });
    const file = join(dir, 'built.pcap');
    writeFileSync(file, encodePcap(frames.map((data, i) => ({ timeNs: i * 1000, data }))));
    const check = tsharkCheck(file);
    expect({ packets: check.packets, malformed: check.malformed, badChecksums: check.badChecksums }).toEqual({
      packets: frames.length,
      malformed: 0,
      badChecksums: 0,
    });
  });
});
