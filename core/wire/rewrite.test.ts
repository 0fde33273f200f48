import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildIcmpEchoFrame, buildTcpFrame, buildUdpFrame, type TcpFrameSpec, type UdpFrameSpec } from './frame.js';
import { ipv4ChecksumOk } from './ipv4.js';
import {
  decrementTtl,
  rewriteIcmpEchoId,
  rewriteIpv4Dst,
  rewriteIpv4Src,
  rewriteL4DstPort,
  rewriteL4SrcPort,
} from './rewrite.js';
import { udpChecksum } from './udp.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Captured with `tcpdump -i wa0 -w` in namespace twwire-a (198.51.100.1) while bash ran
// `echo hello > /dev/udp/203.0.113.2/9`; the datagram crossed router namespace twwire-r to
// twwire-b, whose ICMP port unreachable quoted it as it arrived. Tx checksum offload off.
const UDP_FRAME = hex(
  '02005e00000202005e0000010800450000229828400040113c6bc6336401cb007102d6580009000e7f5c68656c6c6f0a',
);
// The 34 bytes b's port unreachable quoted: the same datagram after r decremented its TTL.
const QUOTED_AFTER_ROUTER = hex('45000022982840003f113d6bc6336401cb007102d6580009000e7f5c68656c6c6f0a');

describe('in-place rewrites with incremental checksums (RFC 1624)', () => {
  it('a TTL decrement gives the very bytes the Linux router forwarded', () => {
    const f = UDP_FRAME.slice();
    expect(decrementTtl(f, 14)).toBe(63);
    expect(f.subarray(14)).toEqual(QUOTED_AFTER_ROUTER);
  });

  it('leaves a zero UDP checksum alone ("none", RFC 768)', () => {
    const spec: UdpFrameSpec = {
      srcMac: 1,
      dstMac: 2,
      src: 0x0a000001,
      dst: 0x0a000002,
      srcPort: 1000,
      dstPort: 53,
      noChecksum: true,
    };
    const f = buildUdpFrame(spec);
    rewriteIpv4Src(f, 14, 0xc0a80001);
    rewriteL4SrcPort(f, 14, 4000);
    expect(udpChecksum(f, 34)).toBe(0);
    expect(f).toEqual(buildUdpFrame({ ...spec, src: 0xc0a80001, srcPort: 4000 }));
  });

  it('rewrites an ICMP echo identifier as NAT does for ping', () => {
    const spec = {
      srcMac: 1,
      dstMac: 2,
      src: 0x0a000001,
      dst: 0x0a000002,
      echoId: 7,
      seq: 1,
      data: Uint8Array.of(1, 2, 3),
    };
    const f = buildIcmpEchoFrame(spec);
    rewriteIcmpEchoId(f, 34, 40000);
    expect(f).toEqual(buildIcmpEchoFrame({ ...spec, echoId: 40000 }));
  });

  type Op = { kind: 'ttl' } | { kind: 'src' | 'dst'; addr: number } | { kind: 'sport' | 'dport'; port: number };
  const addrArb = fc.integer({ min: 0, max: 0xffffffff });
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: 'ttl' as const }),
    fc.record({ kind: fc.constantFrom('src' as const, 'dst' as const), addr: addrArb }),
    fc.record({ kind: fc.constantFrom('sport' as const, 'dport' as const), port: fc.nat(0xffff) }),
  );
  const baseArb = fc.record({
    srcMac: fc.constant(0x02005e000001),
    dstMac: fc.constant(0x02005e000002),
    src: addrArb,
    dst: addrArb,
    ttl: fc.integer({ min: 8, max: 255 }),
    id: fc.nat(0xffff),
    df: fc.boolean(),
    srcPort: fc.nat(0xffff),
    dstPort: fc.nat(0xffff),
    payload: fc.uint8Array({ maxLength: 64 }),
  });

  function apply(buf: Uint8Array, op: Op): void {
    if (op.kind === 'ttl') decrementTtl(buf, 14);
    else if ('addr' in op) (op.kind === 'src' ? rewriteIpv4Src : rewriteIpv4Dst)(buf, 14, op.addr);
    else (op.kind === 'sport' ? rewriteL4SrcPort : rewriteL4DstPort)(buf, 14, op.port);
  }

  function model<S extends { ttl: number; src: number; dst: number; srcPort: number; dstPort: number }>(
    s: S,
    op: Op,
  ): S {
    if (op.kind === 'ttl') return { ...s, ttl: s.ttl - 1 };
    if ('addr' in op) return { ...s, [op.kind]: op.addr };
    return op.kind === 'sport' ? { ...s, srcPort: op.port } : { ...s, dstPort: op.port };
  }

  it('incremental updates equal full recomputation on UDP frames (seed 91)', () => {
    fc.assert(
      fc.property(baseArb, fc.array(opArb, { maxLength: 6 }), (base, ops) => {
        const f = buildUdpFrame(base);
        let spec: UdpFrameSpec & { ttl: number } = base;
        for (const op of ops) {
          apply(f, op);
          spec = model(spec, op);
        }
        expect(f).toEqual(buildUdpFrame(spec));
        expect(ipv4ChecksumOk(f, 14)).toBe(true);
      }),
      { seed: 91 },
    );
  });

  it('incremental updates equal full recomputation on TCP frames (seed 92)', () => {
    const tcpArb = fc.record({
      base: baseArb,
      seq: addrArb,
      flags: fc.nat(255),
      window: fc.nat(0xffff),
      mss: fc.option(fc.nat(0xffff), { nil: undefined }),
    });
    fc.assert(
      fc.property(tcpArb, fc.array(opArb, { maxLength: 6 }), ({ base, seq, flags, window, mss }, ops) => {
        let spec: TcpFrameSpec & { ttl: number; srcPort: number; dstPort: number } = {
          ...base,
          seq,
          flags,
          window,
          ...(mss === undefined ? {} : { mss }),
        };
        const f = buildTcpFrame(spec);
        for (const op of ops) {
          apply(f, op);
          spec = model(spec, op);
        }
        expect(f).toEqual(buildTcpFrame(spec));
      }),
      { seed: 92 },
    );
  });

  it('a later fragment keeps its payload: only the IPv4 header is adjusted', () => {
    const f = UDP_FRAME.slice();
    f[20] = 0x00;
    f[21] = 0x01; // fragment offset 8 bytes: the UDP header is not in this packet
    const payload = f.slice(34);
    rewriteIpv4Src(f, 14, 0x01020304);
    rewriteL4SrcPort(f, 14, 1);
    expect(f.subarray(34)).toEqual(payload);
  });
});
