import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode.js';
import { WireError } from './error.js';
import { buildTcpFrame, type Ipv4FrameSpec } from './frame.js';
import { summarizeFrame } from './pretty.js';
import {
  emitTcp,
  parseTcp,
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  tcpAck,
  tcpChecksum,
  tcpChecksumOk,
  tcpDstPort,
  tcpFlags,
  tcpHeaderLen,
  tcpLen,
  tcpMss,
  tcpSeq,
  tcpSrcPort,
  tcpUrgent,
  tcpWindow,
  type TcpRepr,
} from './tcp.js';
import { linuxTcpOptions } from './tcp-options.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Captured with `tcpdump -i wa0 -w` in namespace twwire-a: veth wa0 (02:00:5e:00:00:01,
// 198.51.100.1/24) — router namespace twwire-r (02:00:5e:00:00:02 on that side) — MTU-1400
// link — twwire-b (203.0.113.2/24). Tx checksum offload off on every veth, so checksums
// are final. Linux's SYN options: mss, sackOK, TS, nop, wscale.
// bash `exec 3<>/dev/tcp/203.0.113.2/81` in twwire-a, nothing listening: SYN, then b's RST.
const SYN = hex(
  '02005e00000202005e00000108004500003c0c0240004006c882c6336401cb007102a87c0051d2fae3d200000000a002',
  'ff00d2c90000020405500402080a976d1956000000000103030a',
);
const RST = hex(
  '02005e00000102005e000002080045000028000040003f06d598cb007102c63364010051a87c00000000d2fae3d35014',
  '0000e9fc0000',
);
// The same to port 8080 where a python3 socket server in twwire-b accepts and reads
// "hello\n": b's SYN-ACK, then a's data segment (PSH, ACK; NOP NOP TS).
const SYN_ACK = hex(
  '02005e00000102005e00000208004500003c000040003f06d584cb007102c63364011f909122a789402f26ba3035a012',
  'fcc00ce70000020405500402080a661c093ea980d03b0103030a',
);
const PSH = hex(
  '02005e00000202005e00000108004500003ac0e14000400613a5c6336401cb00710291221f9026ba3035a78940308018',
  '0040f3e800000101080aa980d03b661c093e68656c6c6f0a',
);
// A SYN from an earlier run of the same capture with tx checksum offload left ON: the
// sending veth hands tcpdump a CHECKSUM_PARTIAL packet whose checksum field holds only the
// folded pseudo-header sum (0x6666), so it does not verify. Emulator captures on a
// sending veth look like this.
const PARTIAL_SYN = hex(
  '02005e00000202005e00000108004500003cb496400040061feec6336401cb007102952e0051ab32288000000000a002',
  'ff0066660000020405500402080a498d1490000000000103030a',
);

const A = 0xc6336401; // 198.51.100.1
const B = 0xcb007102; // 203.0.113.2
const T = 34;
const MAC_A = '02:00:5e:00:00:01';
const MAC_R = '02:00:5e:00:00:02';
const aToB: Ipv4FrameSpec = { srcMac: MAC_A, dstMac: MAC_R, src: A, dst: B, df: true };
const bToA: Ipv4FrameSpec = { srcMac: MAC_R, dstMac: MAC_A, src: B, dst: A, df: true, ttl: 63, id: 0 };

function parsed(frame: Uint8Array, src: number, dst: number): TcpRepr {
  const r = parseTcp(frame, T, frame.length - T, src, dst);
  if (r instanceof WireError) throw new Error(String(r));
  return r;
}

describe('TCP headers', () => {
  it('deconstructs the captured SYN: fields, flags, window, MSS; other options skipped by length', () => {
    expect([tcpSrcPort(SYN, T), tcpDstPort(SYN, T), tcpSeq(SYN, T), tcpAck(SYN, T)]).toEqual([
      43132, 81, 3539657682, 0,
    ]);
    expect([tcpHeaderLen(SYN, T), tcpFlags(SYN, T), tcpWindow(SYN, T), tcpChecksum(SYN, T), tcpUrgent(SYN, T)]).toEqual(
      [40, TCP_SYN, 65280, 0xd2c9, 0],
    );
    expect([tcpMss(SYN, T), tcpChecksumOk(SYN, T, 40, A, B)]).toEqual([1360, true]);
    expect(parsed(SYN, A, B)).toEqual({
      srcPort: 43132,
      dstPort: 81,
      seq: 3539657682,
      ack: 0,
      flags: TCP_SYN,
      window: 65280,
      urgent: 0,
      mss: 1360,
      options: SYN.slice(T + 24, T + 40),
      payloadLen: 0,
      checksumOk: true,
    });
  });

  it('deconstructs the RST, the SYN-ACK and the data segment', () => {
    expect(parsed(RST, B, A)).toMatchObject({
      seq: 0,
      ack: 3539657683,
      flags: TCP_RST | TCP_ACK,
      window: 0,
      options: new Uint8Array(0),
      checksumOk: true,
    });
    expect(tcpMss(RST, T)).toBe(-1);
    expect(parsed(SYN_ACK, B, A)).toMatchObject({
      seq: 2810789935,
      ack: 649736245,
      flags: TCP_SYN | TCP_ACK,
      mss: 1360,
      checksumOk: true,
    });
    const psh = parsed(PSH, A, B);
    expect(psh).toMatchObject({ flags: TCP_PSH | TCP_ACK, window: 64, payloadLen: 6, checksumOk: true });
    expect(psh.mss).toBeUndefined();
    expect(decodeFrame(PSH).payloadOffset).toBe(PSH.length - 6);
  });

  it('constructs all four by emit into 0xa5', () => {
    for (const [f, src, dst] of [
      [SYN, A, B],
      [RST, B, A],
      [SYN_ACK, B, A],
      [PSH, A, B],
    ] as const) {
      const r = parsed(f, src, dst);
      const buf = f.slice().fill(0xa5, T, f.length - r.payloadLen);
      emitTcp(r, buf, T, src, dst);
      expect(buf).toEqual(f);
      expect(tcpLen(r)).toBe(f.length - T);
    }
  });

  it('the frame builder, with Linux-ordered options, reproduces all four', () => {
    const synOpts = (val: number, ecr: number): Uint8Array =>
      linuxTcpOptions({ sackPermitted: true, timestamps: { val, ecr }, wscale: 10 });
    const syn = {
      ...aToB,
      id: 0x0c02,
      srcPort: 43132,
      dstPort: 81,
      seq: 3539657682,
      flags: TCP_SYN,
      window: 65280,
      mss: 1360,
    };
    expect(buildTcpFrame({ ...syn, options: synOpts(2540509526, 0) })).toEqual(SYN);
    expect(
      buildTcpFrame({
        ...bToA,
        srcPort: 81,
        dstPort: 43132,
        seq: 0,
        ack: 3539657683,
        flags: TCP_RST | TCP_ACK,
        window: 0,
      }),
    ).toEqual(RST);
    const synAck = {
      ...bToA,
      srcPort: 8080,
      dstPort: 37154,
      seq: 2810789935,
      ack: 649736245,
      flags: TCP_SYN | TCP_ACK,
      window: 64704,
      mss: 1360,
    };
    expect(buildTcpFrame({ ...synAck, options: synOpts(1713113406, 2843791419) })).toEqual(SYN_ACK);
    const data = {
      ...aToB,
      id: 0xc0e1,
      srcPort: 37154,
      dstPort: 8080,
      seq: 649736245,
      ack: 2810789936,
      flags: TCP_PSH | TCP_ACK,
      window: 64,
    };
    const ts = linuxTcpOptions({ timestamps: { val: 2843791419, ecr: 1713113406 } });
    expect(buildTcpFrame({ ...data, options: ts, payload: new TextEncoder().encode('hello\n') })).toEqual(PSH);
  });

  it('prints them as tcpdump does, with absolute sequence numbers', () => {
    expect(summarizeFrame(SYN)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, TCP 198.51.100.1.43132 > 203.0.113.2.81: Flags [S], seq 3539657682, win 65280, options [mss 1360,sackOK,TS val 2540509526 ecr 0,nop,wscale 10]',
    );
    expect(summarizeFrame(RST)).toBe(
      '02:00:5e:00:00:02 > 02:00:5e:00:00:01, TCP 203.0.113.2.81 > 198.51.100.1.43132: Flags [R.], seq 0, ack 3539657683, win 0',
    );
    expect(summarizeFrame(PSH)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, TCP 198.51.100.1.37154 > 203.0.113.2.8080: Flags [P.], seq 649736245, ack 2810789936, win 64, options [nop,nop,TS val 2843791419 ecr 1713113406], length 6',
    );
  });

  it('reports the offloaded (CHECKSUM_PARTIAL) SYN as a bad checksum, not an error', () => {
    expect(parsed(PARTIAL_SYN, A, B)).toMatchObject({ flags: TCP_SYN, mss: 1360, checksumOk: false });
    expect(tcpChecksum(PARTIAL_SYN, T)).toBe(0x6666);
    expect(summarizeFrame(PARTIAL_SYN)).toMatch(/wscale 10\] \[bad tcp cksum\]$/);
  });

  it('splits an MSS option that is not first out of the other options', () => {
    const seg = Uint8Array.from([
      ...SYN.slice(T, T + 12),
      0x80,
      TCP_FIN,
      0,
      1,
      0,
      0,
      0,
      0,
      1,
      1,
      2,
      4,
      5,
      0xb4,
      1,
      3,
      3,
      7,
      0,
      0,
    ]);
    const r = parsed(Uint8Array.from([...SYN.slice(0, T), ...seg]), A, B);
    expect(r).toMatchObject({ mss: 1460, options: Uint8Array.of(1, 1, 1, 3, 3, 7, 0, 0) });
    expect(tcpMss(seg, 0)).toBe(1460);
  });

  it('rejects short segments, bad data offsets and malformed option lengths', () => {
    const seg = SYN.slice(T);
    const patched = (i: number, v: number): Uint8Array => Uint8Array.from(seg, (b, j) => (j === i ? v : b));
    expect(parseTcp(seg, 0, 19, A, B)).toBeInstanceOf(WireError);
    expect(String(parseTcp(patched(12, 0x40), 0, 40, A, B))).toBe('tcp: data offset 16 is below 20');
    expect(parseTcp(patched(12, 0xf0), 0, 40, A, B)).toBeInstanceOf(WireError);
    expect(String(parseTcp(patched(21, 3), 0, 40, A, B))).toBe('tcp: malformed option length'); // MSS of length 3
    expect(parseTcp(patched(25, 1), 0, 40, A, B)).toBeInstanceOf(WireError); // sackOK of length 1
    expect(parseTcp(patched(27, 30), 0, 40, A, B)).toBeInstanceOf(WireError); // TS running past the header
    expect(tcpMss(patched(27, 30), 0)).toBe(-1);
  });
});

/** Well-formed options other than MSS, padded with EOL to a multiple of 4, at most `room` bytes. */
function optionsArb(room: number): fc.Arbitrary<Uint8Array> {
  const chunk = fc.oneof(
    fc.constant([1]),
    fc.nat(14).map((s) => [3, 3, s]),
    fc.constant([4, 2]),
    fc.uint8Array({ minLength: 8, maxLength: 8 }).map((v) => [8, 10, ...v]),
    fc
      .uint8Array({ minLength: 8, maxLength: 16 })
      .map((v) => [5, 2 + (v.length & ~7), ...v.subarray(0, v.length & ~7)]),
    fc
      .tuple(fc.integer({ min: 9, max: 254 }), fc.uint8Array({ maxLength: 4 }))
      .map(([k, v]) => [k, 2 + v.length, ...v]),
  );
  return fc.array(chunk, { maxLength: 6 }).map((chunks) => {
    const out: number[] = [];
    for (const c of chunks) if (((out.length + c.length + 3) & ~3) <= room) out.push(...c);
    while (out.length % 4 !== 0) out.push(0);
    return Uint8Array.from(out);
  });
}

const tcpReprArb: fc.Arbitrary<TcpRepr> = fc.option(fc.nat(0xffff), { nil: undefined }).chain((mss) =>
  fc.record({
    srcPort: fc.nat(0xffff),
    dstPort: fc.nat(0xffff),
    seq: fc.integer({ min: 0, max: 0xffffffff }),
    ack: fc.integer({ min: 0, max: 0xffffffff }),
    flags: fc.nat(255),
    window: fc.nat(0xffff),
    urgent: fc.nat(0xffff),
    ...(mss === undefined ? {} : { mss: fc.constant(mss) }),
    options: optionsArb(mss === undefined ? 40 : 36),
    payloadLen: fc.nat(100),
    checksumOk: fc.constant(true),
  }),
);

describe('TCP properties', () => {
  it('parse(emit(x)) equals x (seed 71)', () => {
    fc.assert(
      fc.property(tcpReprArb, fc.nat(6), fc.integer({ min: 0, max: 0xffffffff }), fc.nat(255), (r, off, src, fill) => {
        const buf = new Uint8Array(off + tcpLen(r)).fill(fill);
        emitTcp(r, buf, off, src, 0x0a000001);
        expect(parseTcp(buf, off, tcpLen(r), src, 0x0a000001)).toEqual(r);
      }),
      { seed: 71 },
    );
  });

  it('parse never throws on arbitrary bytes, offsets and lengths (seed 72)', () => {
    const nearTcp = fc
      .uint8Array({ maxLength: 80 })
      .map((b) => (b.length > 12 ? Uint8Array.from(b, (x, i) => (i === 12 ? (x & 0xf0) | 0x50 : x)) : b));
    fc.assert(
      fc.property(
        nearTcp,
        fc.integer({ min: -2, max: 90 }),
        fc.option(fc.integer({ min: -2, max: 90 })),
        (b, off, len) => {
          parseTcp(b, off, len ?? undefined, 1, 2);
          if (b.length >= 20) tcpMss(b, 0);
        },
      ),
      { seed: 72 },
    );
  });
});
