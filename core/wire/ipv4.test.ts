import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode.js';
import { WireError } from './error.js';
import {
  emitIpv4,
  fillIpv4Checksum,
  IPPROTO_ICMP,
  ipv4Checksum,
  ipv4ChecksumOk,
  ipv4Df,
  ipv4Dst,
  ipv4FragOffset,
  ipv4HeaderLen,
  ipv4Id,
  ipv4IsFragment,
  ipv4Len,
  ipv4Mf,
  ipv4Protocol,
  ipv4Src,
  ipv4TotalLen,
  ipv4Tos,
  ipv4Ttl,
  ipv4Version,
  NO_OPTIONS,
  parseIpv4,
  parseIpv4Header,
  setIpv4Ttl,
  type Ipv4Repr,
} from './ipv4.js';
import { summarizeFrame } from './pretty.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Captured with `tcpdump -i wa0 -w` in namespace twwire-a: veth wa0 (02:00:5e:00:00:01,
// 198.51.100.1/24) to wr0 in twwire-r (02:00:5e:00:00:02, 198.51.100.2/24), tx checksum
// offload off on both ends (so checksums are final), IPv6 off.
// `ping -c1 -R 198.51.100.2`: IHL 15, 40 bytes of options (NOP, record route).
const RR_REQUEST = hex(
  '02005e00000202005e00000108004f00007c79a9400040011029c6336401c633640201072708c6336401000000000000',
  '00000000000000000000000000000000000000000000000000000800c2982b030001a7290a6b0000000094fb05000000',
  '0000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);
// `ping -c1 -M dont -s 60 198.51.100.2` with wa0's MTU set to 68, the IPv4 minimum
// (RFC 791): an 88-byte datagram sent as two fragments carrying 48 and 20 bytes.
const FRAG_FIRST = hex(
  '02005e00000202005e000001080045000044b0d320004001557bc6336401c63364020800f5402f7600013f2a0a6b0000',
  '0000556b030000000000101112131415161718191a1b1c1d1e1f2021222324252627',
);
const FRAG_LAST = hex(
  '02005e00000202005e000001080045000028b0d3000640017591c6336401c633640228292a2b2c2d2e2f303132333435',
  '363738393a3b',
);

const A = 0xc6336401; // 198.51.100.1
const R = 0xc6336402; // 198.51.100.2
const RR_REPR: Ipv4Repr = {
  src: A,
  dst: R,
  protocol: IPPROTO_ICMP,
  ttl: 64,
  id: 0x79a9,
  tos: 0,
  df: true,
  mf: false,
  fragOffset: 0,
  options: RR_REQUEST.slice(34, 74),
  payloadLen: 64,
  checksumOk: true,
};
const FRAG_REPR = {
  src: A,
  dst: R,
  protocol: IPPROTO_ICMP,
  ttl: 64,
  id: 0xb0d3,
  tos: 0,
  df: false,
  options: NO_OPTIONS,
  checksumOk: true,
};

/** Emits `repr` over a copy of `frame` whose IPv4 header is first filled with 0xa5. */
function reconstruct(frame: Uint8Array, repr: Ipv4Repr): Uint8Array {
  const buf = frame.slice().fill(0xa5, 14, 14 + 20 + repr.options.length);
  emitIpv4(repr, buf, 14);
  return buf;
}

const ipv4ReprArb: fc.Arbitrary<Ipv4Repr> = fc.record({
  src: fc.integer({ min: 0, max: 0xffffffff }),
  dst: fc.integer({ min: 0, max: 0xffffffff }),
  protocol: fc.nat(255),
  ttl: fc.nat(255),
  id: fc.nat(0xffff),
  tos: fc.nat(255),
  df: fc.boolean(),
  mf: fc.boolean(),
  fragOffset: fc.nat(0x1fff).map((o) => o * 8),
  options: fc.nat(10).chain((words) => fc.uint8Array({ minLength: 4 * words, maxLength: 4 * words })),
  payloadLen: fc.nat(300),
  checksumOk: fc.constant(true),
});

describe('IPv4 headers', () => {
  it('deconstructs a captured header with options, skipping them by IHL', () => {
    const o = 14;
    expect([
      ipv4Version(RR_REQUEST, o),
      ipv4HeaderLen(RR_REQUEST, o),
      ipv4Tos(RR_REQUEST, o),
      ipv4TotalLen(RR_REQUEST, o),
    ]).toEqual([4, 60, 0, 124]);
    expect([
      ipv4Id(RR_REQUEST, o),
      ipv4Df(RR_REQUEST, o),
      ipv4Mf(RR_REQUEST, o),
      ipv4FragOffset(RR_REQUEST, o),
    ]).toEqual([0x79a9, true, false, 0]);
    expect([ipv4Ttl(RR_REQUEST, o), ipv4Protocol(RR_REQUEST, o), ipv4Checksum(RR_REQUEST, o)]).toEqual([64, 1, 0x1029]);
    expect([ipv4Src(RR_REQUEST, o), ipv4Dst(RR_REQUEST, o), ipv4ChecksumOk(RR_REQUEST, o)]).toEqual([A, R, true]);
    expect(parseIpv4(RR_REQUEST, o)).toEqual(RR_REPR);
    expect(decodeFrame(RR_REQUEST).icmp).toMatchObject({ kind: 'echo-request', id: 0x2b03, seq: 1, checksumOk: true });
  });

  it('constructs the captured header with options into a 0xa5-filled buffer', () => {
    expect(reconstruct(RR_REQUEST, RR_REPR)).toEqual(RR_REQUEST);
    expect(ipv4Len(RR_REPR)).toBe(124);
  });

  it('deconstructs and constructs the captured fragments (MF, offset in bytes)', () => {
    const first = { ...FRAG_REPR, mf: true, fragOffset: 0, payloadLen: 48 };
    const last = { ...FRAG_REPR, mf: false, fragOffset: 48, payloadLen: 20 };
    expect(parseIpv4(FRAG_FIRST, 14)).toEqual(first);
    expect(parseIpv4(FRAG_LAST, 14)).toEqual(last);
    expect([ipv4IsFragment(FRAG_FIRST, 14), ipv4IsFragment(FRAG_LAST, 14), ipv4IsFragment(RR_REQUEST, 14)]).toEqual([
      true,
      true,
      false,
    ]);
    expect(reconstruct(FRAG_FIRST, first)).toEqual(FRAG_FIRST);
    expect(reconstruct(FRAG_LAST, last)).toEqual(FRAG_LAST);
  });

  it('stops decoding at a fragment, and prints it', () => {
    expect(decodeFrame(FRAG_LAST).stop).toEqual({
      layer: 'ipv4',
      offset: 34,
      reason: 'fragment at offset 48: reassembly is not modelled',
      malformed: false,
    });
    expect(decodeFrame(FRAG_FIRST).stop?.reason).toBe('fragment at offset 0, more follow: reassembly is not modelled');
    expect(summarizeFrame(FRAG_FIRST)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, IPv4 198.51.100.1 > 198.51.100.2: ICMP fragment id 45267, offset 0, flags [+], length 48',
    );
    expect(summarizeFrame(FRAG_LAST)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, IPv4 198.51.100.1 > 198.51.100.2: ICMP fragment id 45267, offset 48, flags [none], length 20',
    );
  });

  it('reports a bad header checksum instead of failing, and fills it back in', () => {
    const buf = RR_REQUEST.slice();
    setIpv4Ttl(buf, 14, 1);
    expect(parseIpv4(buf, 14)).toMatchObject({ ttl: 1, checksumOk: false });
    expect(summarizeFrame(buf)).toMatch(/ \[bad ipv4 cksum\]$/);
    fillIpv4Checksum(buf, 14);
    expect(ipv4ChecksumOk(buf, 14)).toBe(true);
  });

  it('rejects malformed headers (RFC 791) but takes link padding after the total length', () => {
    const h = (patch: Record<number, number>, len?: number): WireError | Ipv4Repr => {
      const b = FRAG_LAST.slice(14);
      for (const [i, v] of Object.entries(patch)) b[Number(i)] = v;
      return parseIpv4(b, 0, len);
    };
    expect(String(h({ 0: 0x65 }))).toBe('ipv4: version 6 is not 4');
    expect(String(h({ 0: 0x44 }))).toBe('ipv4: header length 16 is below 20 (RFC 791)');
    expect(h({ 0: 0x4f })).toBeInstanceOf(WireError);
    expect(h({ 3: 19 })).toBeInstanceOf(WireError);
    expect(String(h({ 3: 41 }))).toBe('ipv4: total length 41 exceeds the 40 bytes present');
    expect(h({}, 19)).toBeInstanceOf(WireError);
    const padded = Uint8Array.from([...FRAG_LAST.slice(14), 0, 0, 0, 0, 0, 0]);
    expect(parseIpv4(padded, 0)).toMatchObject({ payloadLen: 20 });
    expect(parseIpv4Header(FRAG_FIRST, 14, 28)).toMatchObject({ payloadLen: 48, checksumOk: true });
  });

  it('refuses to emit more than 40 option bytes or 65535 bytes in all (a caller bug)', () => {
    const buf = new Uint8Array(200);
    expect(() => emitIpv4({ ...RR_REPR, options: new Uint8Array(44) }, buf, 0)).toThrow(RangeError);
    expect(() => emitIpv4({ ...RR_REPR, payloadLen: 65500 }, buf, 0)).toThrow(RangeError);
  });

  it('parse(emit(x)) equals x (seed 11)', () => {
    fc.assert(
      fc.property(ipv4ReprArb, fc.nat(6), (r, off) => {
        const buf = new Uint8Array(off + ipv4Len(r)).fill(0xa5);
        emitIpv4(r, buf, off);
        expect(parseIpv4(buf, off)).toEqual(r);
      }),
      { seed: 11 },
    );
  });

  it('parse never throws on arbitrary bytes, offsets and lengths (seed 12)', () => {
    const nearIpv4 = fc
      .uint8Array({ maxLength: 80 })
      .map((b) => (b.length > 0 ? Uint8Array.from(b, (x, i) => (i === 0 ? 0x40 | (x & 0x0f) : x)) : b));
    fc.assert(
      fc.property(
        nearIpv4,
        fc.integer({ min: -2, max: 90 }),
        fc.option(fc.integer({ min: -2, max: 90 })),
        (b, off, len) => {
          parseIpv4(b, off, len ?? undefined);
          parseIpv4Header(b, off, len ?? undefined);
        },
      ),
      { seed: 12 },
    );
  });
});
