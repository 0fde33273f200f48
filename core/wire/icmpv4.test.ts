import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode.js';
import { WireError } from './error.js';
import { buildIcmpEchoFrame, buildIcmpErrorFrame, type Ipv4FrameSpec } from './frame.js';
import {
  emitIcmp,
  ICMP_ERROR_MAX_QUOTE,
  icmpChecksum,
  icmpChecksumOk,
  icmpCode,
  icmpEchoId,
  icmpEchoSeq,
  icmpLen,
  icmpNextHopMtu,
  icmpType,
  parseIcmp,
  UNREACH_FRAG_NEEDED,
  UNREACH_HOST,
  UNREACH_NET,
  UNREACH_PORT,
  type IcmpRepr,
} from './icmpv4.js';
import { summarizeFrame } from './pretty.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Captured with `tcpdump -i wa0 -w` in namespace twwire-a. Topology, all inside
// namespaces: twwire-a wa0 (02:00:5e:00:00:01, 198.51.100.1/24, default via .2) — veth —
// twwire-r wr0 (02:00:5e:00:00:02, 198.51.100.2/24) and wr1 (203.0.113.1/24, MTU 1400),
// forwarding on — veth — twwire-b wb0 (203.0.113.2/24, MTU 1400). Tx checksum offload
// off on every veth, so checksums are final; IPv6 off. iputils ping, Linux kernel.
// `ping -c1 198.51.100.2` in twwire-a: the request, and r's reply.
const ECHO_REQUEST = hex(
  '02005e00000202005e00000108004500005479a7400040016c97c6336401c633640208008b462b010001a7290a6b0000',
  '0000d04f010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435',
  '3637',
);
const ECHO_REPLY = hex(
  '02005e00000102005e0000020800450000546dc100004001b87dc6336402c6336401000093462b010001a7290a6b0000',
  '0000d04f010000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435',
  '3637',
);
// `ping -c1 -t 1 203.0.113.2` in twwire-a: r (forwarding) answers time exceeded,
// quoting the request as it arrived, TTL 1, all 84 bytes.
const TIME_EXCEEDED = hex(
  '02005e00000102005e000002080045c000706dd900004001b789c6336402c63364010b00f4ff000000004500005431e3',
  '40000101e18ec6336401cb0071020800c0ee2b050001a7290a6b0000000091a30a000000000010111213141516171819',
  '1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);
// `echo hello > /dev/udp/203.0.113.2/9` (bash) in twwire-a: b answers port unreachable
// through r (outer TTL 63), quoting the whole 34-byte datagram as b received it (TTL 63).
const PORT_UNREACH = hex(
  '02005e00000102005e000002080045c0003e2d6d00003f01e75acb007102c63364010303635400000000450000229828',
  '40003f113d6bc6336401cb007102d6580009000e7f5c68656c6c6f0a',
);
// `ping -c1 -M do -s 1400 203.0.113.2` in twwire-a, across r's MTU-1400 link to b: r
// answers fragmentation needed with next-hop MTU 1400 (RFC 1191), quoting 548 bytes of
// the 1428-byte datagram so that the error is 576 bytes (RFC 1812 §4.3.2.3).
const FRAG_NEEDED = hex(
  '02005e00000102005e000002080045c002406df600004001b59cc6336402c633640103040e5100000578450005940000',
  '40004001cf31c6336401cb0071020800873b2b070001a8290a6b00000000280b00000000000010111213141516171819',
  '1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40414243444546474849',
  '4a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f70717273747576777879',
  '7a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9',
  'aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9',
  'dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00010203040506070809',
  '0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233343536373839',
  '3a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f60616263646566676869',
  '6a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f90919293949596979899',
  '9a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9',
  'cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9',
  'fafbfcfdfeff0001020304050607',
);
// `ping -c1 10.255.0.1` in twwire-a, which r has no route to: net unreachable.
const NET_UNREACH = hex(
  '02005e00000102005e000002080045c000706f5000004001b612c6336402c63364010300fcff00000000450000544060',
  '40004001c514c63364010aff000108008da12b250001a9290a6b00000000c0d00c000000000010111213141516171819',
  '1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);
// `ping -c1 203.0.113.99` in twwire-a, an address on r's MTU-1400 link that nobody
// answers ARP for: host unreachable after r's ARP gives up (3 s), quoting TTL 63.
const HOST_UNREACH = hex(
  '02005e00000102005e000002080045c000706fa300004001b5bfc6336402c63364010301fcfe00000000450000546e57',
  '40003f0166b9c6336401cb007163080097382b270001aa290a6b00000000c03702000000000010111213141516171819',
  '1a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);

const A = 0xc6336401; // 198.51.100.1
const R = 0xc6336402; // 198.51.100.2
const MAC_A = '02:00:5e:00:00:01';
const MAC_R = '02:00:5e:00:00:02';
const ICMP_OFF = 34;
const fromR: Ipv4FrameSpec = { srcMac: MAC_R, dstMac: MAC_A, src: R, dst: A };

/** Emits `repr` over a copy of `frame` whose ICMP message is first filled with 0xa5. */
function reconstruct(frame: Uint8Array, repr: IcmpRepr): Uint8Array {
  const buf = frame.slice().fill(0xa5, ICMP_OFF);
  emitIcmp(repr, buf, ICMP_OFF);
  return buf;
}

function parsed(frame: Uint8Array): IcmpRepr {
  const r = parseIcmp(frame, ICMP_OFF);
  if (r instanceof WireError) throw new Error(String(r));
  return r;
}

describe('ICMP echo', () => {
  it('deconstructs the captured request and reply', () => {
    expect([
      icmpType(ECHO_REQUEST, ICMP_OFF),
      icmpCode(ECHO_REQUEST, ICMP_OFF),
      icmpChecksum(ECHO_REQUEST, ICMP_OFF),
    ]).toEqual([8, 0, 0x8b46]);
    expect([
      icmpEchoId(ECHO_REQUEST, ICMP_OFF),
      icmpEchoSeq(ECHO_REQUEST, ICMP_OFF),
      icmpChecksumOk(ECHO_REQUEST, ICMP_OFF, 64),
    ]).toEqual([11009, 1, true]);
    expect(parseIcmp(ECHO_REQUEST, ICMP_OFF)).toEqual({
      kind: 'echo-request',
      id: 11009,
      seq: 1,
      data: ECHO_REQUEST.slice(42),
      checksumOk: true,
    });
    expect(parseIcmp(ECHO_REPLY, ICMP_OFF)).toEqual({
      kind: 'echo-reply',
      id: 11009,
      seq: 1,
      data: ECHO_REPLY.slice(42),
      checksumOk: true,
    });
  });

  it('constructs both, by emit into 0xa5 and by the frame builder', () => {
    for (const f of [ECHO_REQUEST, ECHO_REPLY]) expect(reconstruct(f, parsed(f))).toEqual(f);
    const data = ECHO_REQUEST.slice(42);
    const echo = { echoId: 11009, seq: 1, data };
    expect(buildIcmpEchoFrame({ srcMac: MAC_A, dstMac: MAC_R, src: A, dst: R, id: 0x79a7, df: true, ...echo })).toEqual(
      ECHO_REQUEST,
    );
    expect(buildIcmpEchoFrame({ ...fromR, id: 0x6dc1, reply: true, ...echo })).toEqual(ECHO_REPLY);
  });

  it('decodes and prints them as tcpdump does', () => {
    expect(decodeFrame(ECHO_REQUEST).stop).toBeUndefined();
    expect(summarizeFrame(ECHO_REQUEST)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, IPv4 198.51.100.1 > 198.51.100.2: ICMP echo request, id 11009, seq 1, length 64',
    );
    expect(summarizeFrame(ECHO_REPLY)).toBe(
      '02:00:5e:00:00:02 > 02:00:5e:00:00:01, IPv4 198.51.100.2 > 198.51.100.1: ICMP echo reply, id 11009, seq 1, length 64',
    );
  });
});

describe('ICMP errors', () => {
  const cases = [
    {
      name: 'time exceeded',
      frame: TIME_EXCEEDED,
      kind: 'time-exceeded',
      code: 0,
      quoteLen: 84,
      line: 'IPv4 198.51.100.2 > 198.51.100.1: ICMP time exceeded in-transit, length 92',
    },
    {
      name: 'port unreachable',
      frame: PORT_UNREACH,
      kind: 'dest-unreachable',
      code: UNREACH_PORT,
      quoteLen: 34,
      line: 'IPv4 203.0.113.2 > 198.51.100.1: ICMP 203.0.113.2 udp port 9 unreachable, length 42',
    },
    {
      name: 'fragmentation needed',
      frame: FRAG_NEEDED,
      kind: 'dest-unreachable',
      code: UNREACH_FRAG_NEEDED,
      quoteLen: 548,
      line: 'IPv4 198.51.100.2 > 198.51.100.1: ICMP 203.0.113.2 unreachable - need to frag (mtu 1400), length 556',
    },
    {
      name: 'net unreachable',
      frame: NET_UNREACH,
      kind: 'dest-unreachable',
      code: UNREACH_NET,
      quoteLen: 84,
      line: 'IPv4 198.51.100.2 > 198.51.100.1: ICMP net 10.255.0.1 unreachable, length 92',
    },
    {
      name: 'host unreachable',
      frame: HOST_UNREACH,
      kind: 'dest-unreachable',
      code: UNREACH_HOST,
      quoteLen: 84,
      line: 'IPv4 198.51.100.2 > 198.51.100.1: ICMP host 203.0.113.99 unreachable, length 92',
    },
  ] as const;

  for (const c of cases) {
    it(`deconstructs, constructs and prints the captured ${c.name}`, () => {
      const r = parsed(c.frame);
      expect(r).toMatchObject({ kind: c.kind, code: c.code, checksumOk: true });
      expect('quoted' in r && r.quoted).toEqual(c.frame.slice(ICMP_OFF + 8));
      expect(r).toHaveProperty('quoted.length', c.quoteLen);
      expect(reconstruct(c.frame, r)).toEqual(c.frame);
      expect(summarizeFrame(c.frame)).toBe(`${MAC_R} > ${MAC_A}, ${c.line}`);
      expect(icmpLen(r)).toBe(c.frame.length - ICMP_OFF);
    });
  }

  it('reads the next-hop MTU of fragmentation needed (RFC 1191)', () => {
    expect(icmpNextHopMtu(FRAG_NEEDED, ICMP_OFF)).toBe(1400);
    expect(parsed(FRAG_NEEDED)).toMatchObject({ nextHopMtu: 1400 });
    expect(parsed(PORT_UNREACH)).toMatchObject({ nextHopMtu: 0 });
  });

  it('decodes the quoted header and the transport identifiers it carries', () => {
    expect(decodeFrame(PORT_UNREACH).quoted).toMatchObject({
      ipv4: { src: A, dst: 0xcb007102, ttl: 63, protocol: 17, payloadLen: 14 },
      srcPort: 54872,
      dstPort: 9,
    });
    expect(decodeFrame(TIME_EXCEEDED).quoted).toMatchObject({
      ipv4: { ttl: 1, checksumOk: true },
      echoId: 0x2b05,
      echoSeq: 1,
    });
    // The quote is cut at 548 bytes of a 1428-byte datagram: the header still parses.
    expect(decodeFrame(FRAG_NEEDED).quoted).toMatchObject({ ipv4: { df: true, payloadLen: 1408 }, echoId: 0x2b07 });
    expect(decodeFrame(FRAG_NEEDED).stop).toBeUndefined();
  });

  it('the frame builder reproduces what the kernel sent, quoting at most 548 bytes', () => {
    const quoteOf = (f: Uint8Array): Uint8Array => f.slice(ICMP_OFF + 8);
    const fromB = { srcMac: MAC_R, dstMac: MAC_A, src: 0xcb007102, dst: A, ttl: 63, id: 0x2d6d };
    expect(
      buildIcmpErrorFrame({ ...fromB, kind: 'dest-unreachable', code: UNREACH_PORT, original: quoteOf(PORT_UNREACH) }),
    ).toEqual(PORT_UNREACH);
    expect(
      buildIcmpErrorFrame({ ...fromR, id: 0x6dd9, kind: 'time-exceeded', code: 0, original: quoteOf(TIME_EXCEEDED) }),
    ).toEqual(TIME_EXCEEDED);
    const original = new Uint8Array(1428);
    original.set(quoteOf(FRAG_NEEDED));
    const frag = {
      ...fromR,
      id: 0x6df6,
      kind: 'dest-unreachable',
      code: UNREACH_FRAG_NEEDED,
      nextHopMtu: 1400,
      original,
    } as const;
    expect(buildIcmpErrorFrame(frag)).toEqual(FRAG_NEEDED);
    expect(ICMP_ERROR_MAX_QUOTE).toBe(548);
  });

  it('rejects a quote shorter than an IPv4 header and 8 bytes (RFC 792), other types and bad echo codes', () => {
    const msg = PORT_UNREACH.slice(ICMP_OFF);
    expect(String(parseIcmp(msg, 0, 8 + 27))).toBe(
      'icmp: quotes 27 bytes, fewer than an IPv4 header and 8 bytes (RFC 792)',
    );
    const v6 = msg.slice();
    v6[8] = 0x60;
    expect(parseIcmp(v6, 0)).toBeInstanceOf(WireError);
    const ihl = msg.slice();
    ihl[8] = 0x47; // a 28-byte header leaves 6 of 34 bytes
    expect(String(parseIcmp(ihl, 0))).toMatch(/quoted header length 28/);
    const redirect = msg.slice();
    redirect[0] = 5;
    expect(String(parseIcmp(redirect, 0))).toBe('icmp: unsupported type 5');
    const echo = ECHO_REQUEST.slice(ICMP_OFF);
    echo[1] = 1;
    expect(parseIcmp(echo, 0)).toBeInstanceOf(WireError);
    expect(parseIcmp(echo, 0, 7)).toBeInstanceOf(WireError);
  });

  it('reports a bad checksum instead of failing', () => {
    const f = PORT_UNREACH.slice();
    f[f.length - 1] = f[f.length - 1]! ^ 0xff;
    expect(parsed(f)).toMatchObject({ checksumOk: false });
    expect(summarizeFrame(f)).toMatch(/length 42 \[bad icmp cksum\]$/);
  });
});

const quoteArb = fc
  .tuple(fc.nat(10), fc.uint8Array({ minLength: 8, maxLength: 120 }))
  .chain(([words, tail]) =>
    fc
      .uint8Array({ minLength: 19 + 4 * words, maxLength: 19 + 4 * words })
      .map((h) => Uint8Array.from([0x45 + words, ...h, ...tail])),
  );

const icmpReprArb: fc.Arbitrary<IcmpRepr> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('echo-request' as const, 'echo-reply' as const),
    id: fc.nat(0xffff),
    seq: fc.nat(0xffff),
    data: fc.uint8Array({ maxLength: 120 }),
    checksumOk: fc.constant(true),
  }),
  fc.record({
    kind: fc.constant('dest-unreachable' as const),
    code: fc.nat(255),
    nextHopMtu: fc.nat(0xffff),
    quoted: quoteArb,
    checksumOk: fc.constant(true),
  }),
  fc.record({
    kind: fc.constant('time-exceeded' as const),
    code: fc.nat(255),
    quoted: quoteArb,
    checksumOk: fc.constant(true),
  }),
);

describe('ICMP properties', () => {
  it('parse(emit(x)) equals x (seed 51)', () => {
    fc.assert(
      fc.property(icmpReprArb, fc.nat(6), (r, off) => {
        const buf = new Uint8Array(off + icmpLen(r)).fill(0xa5);
        emitIcmp(r, buf, off);
        expect(parseIcmp(buf, off)).toEqual(r);
      }),
      { seed: 51 },
    );
  });

  it('parse never throws on arbitrary bytes, offsets and lengths (seed 52)', () => {
    const nearIcmp = fc
      .tuple(fc.constantFrom(0, 3, 8, 11, 5), fc.uint8Array({ maxLength: 80 }))
      .map(([t, b]) => Uint8Array.from([t, 0, ...b]));
    fc.assert(
      fc.property(
        nearIcmp,
        fc.integer({ min: -2, max: 90 }),
        fc.option(fc.integer({ min: -2, max: 90 })),
        (b, off, len) => {
          parseIcmp(b, off, len ?? undefined);
        },
      ),
      { seed: 52 },
    );
  });
});
