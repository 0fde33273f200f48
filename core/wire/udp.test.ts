import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checksumVerifies, pseudoHeaderSum } from './checksum.js';
import { decodeFrame } from './decode.js';
import { WireError } from './error.js';
import { buildUdpFrame } from './frame.js';
import { IPPROTO_UDP } from './ipv4.js';
import { summarizeFrame } from './pretty.js';
import {
  emitUdp,
  fillUdpChecksum,
  parseUdp,
  setUdpDstPort,
  setUdpSrcPort,
  UDP_HEADER_LEN,
  udpChecksum,
  udpChecksumOk,
  udpDstPort,
  udpLen,
  udpLength,
  udpSrcPort,
  type UdpRepr,
} from './udp.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Captured with `tcpdump -i wa0 -w` in namespace twwire-a while bash there ran
// `echo hello > /dev/udp/203.0.113.2/9`: veth wa0 (02:00:5e:00:00:01, 198.51.100.1/24) to
// router namespace twwire-r (02:00:5e:00:00:02), tx checksum offload off (final checksum).
const UDP_FRAME = hex(
  '02005e00000202005e0000010800450000229828400040113c6bc6336401cb007102d6580009000e7f5c68656c6c6f0a',
);

const A = 0xc6336401; // 198.51.100.1
const B = 0xcb007102; // 203.0.113.2
const U = 34;
const REPR: UdpRepr = { srcPort: 54872, dstPort: 9, payloadLen: 6, noChecksum: false, checksumOk: true };

describe('UDP', () => {
  it('deconstructs the captured datagram and verifies its checksum over the pseudo-header', () => {
    expect([
      udpSrcPort(UDP_FRAME, U),
      udpDstPort(UDP_FRAME, U),
      udpLength(UDP_FRAME, U),
      udpChecksum(UDP_FRAME, U),
    ]).toEqual([54872, 9, 14, 0x7f5c]);
    expect(udpChecksumOk(UDP_FRAME, U, A, B)).toBe(true);
    expect(udpChecksumOk(UDP_FRAME, U, A, B + 1)).toBe(false);
    expect(checksumVerifies(UDP_FRAME, U, 14, pseudoHeaderSum(A, B, IPPROTO_UDP, 14))).toBe(true);
    expect(parseUdp(UDP_FRAME, U, 14, A, B)).toEqual(REPR);
  });

  it('constructs it by emit into 0xa5, by setters and by the frame builder', () => {
    const buf = UDP_FRAME.slice().fill(0xa5, U, U + UDP_HEADER_LEN);
    emitUdp(REPR, buf, U, A, B);
    expect(buf).toEqual(UDP_FRAME);
    const set = UDP_FRAME.slice().fill(0xa5, U, U + 4);
    setUdpSrcPort(set, U, 54872);
    setUdpDstPort(set, U, 9);
    fillUdpChecksum(set, U, A, B);
    expect(set).toEqual(UDP_FRAME);
    const spec = {
      srcMac: '02:00:5e:00:00:01',
      dstMac: 0x02005e000002,
      src: A,
      dst: B,
      id: 0x9828,
      df: true,
      srcPort: 54872,
      dstPort: 9,
    };
    expect(buildUdpFrame({ ...spec, payload: new TextEncoder().encode('hello\n') })).toEqual(UDP_FRAME);
    expect(udpLen(REPR)).toBe(14);
  });

  it('decodes and prints it as the brief asks (tcpdump order, payload length)', () => {
    expect(decodeFrame(UDP_FRAME)).toMatchObject({ udp: REPR, payloadOffset: 42 });
    expect(summarizeFrame(UDP_FRAME)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, UDP 198.51.100.1.54872 > 203.0.113.2.9, length 6',
    );
  });

  it('reads a zero checksum as "no checksum" and sends a computed zero as 0xffff (RFC 768)', () => {
    const none = UDP_FRAME.slice();
    none[U + 6] = 0;
    none[U + 7] = 0;
    expect(parseUdp(none, U, 14, A, B)).toEqual({ ...REPR, noChecksum: true });
    expect(udpChecksumOk(none, U, A, 0)).toBe(true);
    const buf = new Uint8Array(10);
    emitUdp({ srcPort: 1, dstPort: 2, payloadLen: 2 }, buf, 0, A, B); // payload word 0
    const sum0 = 0xffff - (~((buf[6]! << 8) | buf[7]!) & 0xffff); // the word that makes the sum 0xffff
    buf.set([sum0 >>> 8, sum0 & 0xff], 8);
    emitUdp({ srcPort: 1, dstPort: 2, payloadLen: 2 }, buf, 0, A, B);
    expect(udpChecksum(buf, 0)).toBe(0xffff);
    expect(parseUdp(buf, 0, 10, A, B)).toMatchObject({ noChecksum: false, checksumOk: true });
  });

  it('rejects bad lengths, and ignores bytes past the length field', () => {
    const d = UDP_FRAME.slice(U);
    expect(String(parseUdp(d, 0, 7, A, B))).toBe('udp: 7 bytes is shorter than the 8-byte header');
    expect(String(parseUdp(d, 0, 13, A, B))).toBe('udp: length field 14 exceeds the 13 bytes present');
    const short = d.slice();
    short[5] = 7;
    expect(parseUdp(short, 0, 14, A, B)).toBeInstanceOf(WireError);
    expect(parseUdp(Uint8Array.from([...d, 9, 9]), 0, 16, A, B)).toEqual(REPR);
    const bad = d.slice();
    bad[13] = bad[13]! ^ 1;
    expect(parseUdp(bad, 0, 14, A, B)).toMatchObject({ checksumOk: false });
  });

  it('parse(emit(x)) equals x (seed 61)', () => {
    const arb = fc.record({
      r: fc.record({
        srcPort: fc.nat(0xffff),
        dstPort: fc.nat(0xffff),
        payloadLen: fc.nat(200),
        noChecksum: fc.boolean(),
        checksumOk: fc.constant(true),
      }),
      src: fc.integer({ min: 0, max: 0xffffffff }),
      dst: fc.integer({ min: 0, max: 0xffffffff }),
      off: fc.nat(6),
      fill: fc.nat(255),
    });
    fc.assert(
      fc.property(arb, ({ r, src, dst, off, fill }) => {
        const buf = new Uint8Array(off + udpLen(r)).fill(fill);
        emitUdp(r, buf, off, src, dst);
        expect(parseUdp(buf, off, udpLen(r), src, dst)).toEqual(r);
      }),
      { seed: 61 },
    );
  });

  it('parse never throws on arbitrary bytes, offsets and lengths (seed 62)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: -2, max: 45 }),
        fc.option(fc.integer({ min: -2, max: 45 })),
        fc.nat(),
        (b, off, len, a) => {
          parseUdp(b, off, len ?? undefined, a, ~a >>> 0);
        },
      ),
      { seed: 62 },
    );
  });
});
