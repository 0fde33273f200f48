/**
 * The flow dissector's hash as the VXLAN model uses it: the same for both directions of
 * a flow (as the kernel showed: an echo request and its reply leave by one outer port),
 * different for different ports, and blind to ports in fragments.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildArpFrame, buildIcmpEchoFrame, buildTcpFrame, buildUdpFrame } from '../../core/wire/frame.js';
import { fragment } from '../ip/fragment.js';
import { flowHash, flowSourcePort } from './flow-hash.js';

const addr = fc.integer({ min: 1, max: 0xfffffffe });
const port = fc.integer({ min: 1, max: 65535 });

function udp(src: number, dst: number, sport: number, dport: number, size = 8): Uint8Array {
  return buildUdpFrame({
    srcMac: 1,
    dstMac: 2,
    src,
    dst,
    id: 1,
    df: false,
    srcPort: sport,
    dstPort: dport,
    payload: new Uint8Array(size),
  });
}

describe('flowHash', () => {
  it('hashes both directions of a UDP or TCP flow alike (seed 21)', () => {
    fc.assert(
      fc.property(addr, addr, port, port, (a, b, pa, pb) => {
        expect(flowHash(udp(a, b, pa, pb))).toBe(flowHash(udp(b, a, pb, pa)));
        const tcp = (s: number, d: number, sp: number, dp: number) =>
          buildTcpFrame({
            srcMac: 1,
            dstMac: 2,
            src: s,
            dst: d,
            id: 1,
            df: true,
            srcPort: sp,
            dstPort: dp,
            seq: 1,
            ack: 0,
            flags: 2,
            window: 1,
          });
        expect(flowHash(tcp(a, b, pa, pb))).toBe(flowHash(tcp(b, a, pb, pa)));
      }),
      { seed: 21 },
    );
  });

  it('hashes an echo request and its reply alike, whatever the identifier', () => {
    const echo = (src: number, dst: number, echoId: number) =>
      buildIcmpEchoFrame({
        srcMac: 1,
        dstMac: 2,
        src,
        dst,
        id: 1,
        ttl: 64,
        df: false,
        echoId,
        seq: 1,
        data: new Uint8Array(8),
      });
    expect(flowHash(echo(0x0a000104, 0x0a000102, 7))).toBe(flowHash(echo(0x0a000102, 0x0a000104, 9)));
  });

  it('tells flows apart by their ports', () => {
    expect(flowHash(udp(0x0a000001, 0x0a000002, 40000, 53))).not.toBe(flowHash(udp(0x0a000001, 0x0a000002, 40001, 53)));
  });

  it('ignores the ports of fragments: every piece of a datagram hashes alike', () => {
    const pieces = fragment(udp(0x0a000001, 0x0a000002, 40000, 53, 3000), 1450);
    expect(pieces.length).toBeGreaterThan(1);
    expect(new Set(pieces.map(flowHash)).size).toBe(1);
  });

  it('hashes every ARP frame alike (no key for its addresses)', () => {
    const arp = (ip: number) =>
      buildArpFrame({ op: 'request', senderMac: 0x020000000001, senderIp: ip, targetMac: 0, targetIp: 0x0a000009 });
    expect(flowHash(arp(0x0a000001))).toBe(flowHash(arp(0x0a000002)));
  });
});

describe('flowSourcePort', () => {
  it('stays inside the port range (seed 22)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (h) => {
        const p = flowSourcePort(h, 32768, 61000);
        expect(p).toBeGreaterThanOrEqual(32768);
        expect(p).toBeLessThan(61000);
      }),
      { seed: 22 },
    );
  });
});
