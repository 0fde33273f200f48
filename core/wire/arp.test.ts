import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ARP_LEN,
  ARP_OP_REPLY,
  ARP_OP_REQUEST,
  arpLen,
  arpOp,
  arpSenderIp,
  arpSenderMacNum,
  arpTargetIp,
  arpTargetMacNum,
  emitArp,
  parseArp,
  setArpOp,
  setArpSenderIp,
  setArpSenderMacNum,
  setArpTargetIp,
  setArpTargetMacNum,
  type ArpRepr,
} from './arp.js';
import { decodeFrame } from './decode.js';
import { WireError } from './error.js';
import { buildArpFrame } from './frame.js';
import { macFromNum } from './mac.js';
import { summarizeFrame } from './pretty.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Both captured with `tcpdump -i wa0 -w` in namespace twwire-a, on the first
// `ping -c1 198.51.100.2` after `ip neigh flush all`: veth wa0 (02:00:5e:00:00:01,
// 198.51.100.1/24) to wr0 in twwire-r (02:00:5e:00:00:02, 198.51.100.2/24).
// a's broadcast request, 42 bytes (unpadded on veth):
const ARP_REQUEST = hex('ffffffffffff02005e0000010806000108000604000102005e000001c6336401000000000000c6336402');
// r's unicast reply:
const ARP_REPLY = hex('02005e00000102005e0000020806000108000604000202005e000002c633640202005e000001c6336401');

const A = 0xc6336401; // 198.51.100.1
const R = 0xc6336402; // 198.51.100.2
const REQUEST: ArpRepr = {
  op: ARP_OP_REQUEST,
  senderMac: '02:00:5e:00:00:01',
  senderIp: A,
  targetMac: '00:00:00:00:00:00',
  targetIp: R,
};
const REPLY: ArpRepr = {
  op: ARP_OP_REPLY,
  senderMac: '02:00:5e:00:00:02',
  senderIp: R,
  targetMac: '02:00:5e:00:00:01',
  targetIp: A,
};

const macArb = fc.integer({ min: 0, max: 2 ** 48 - 1 }).map(macFromNum);
const arpReprArb: fc.Arbitrary<ArpRepr> = fc.record({
  op: fc.constantFrom(ARP_OP_REQUEST, ARP_OP_REPLY),
  senderMac: macArb,
  senderIp: fc.integer({ min: 0, max: 0xffffffff }),
  targetMac: macArb,
  targetIp: fc.integer({ min: 0, max: 0xffffffff }),
});

describe('ARP (Ethernet/IPv4)', () => {
  it('deconstructs the captured request and reply', () => {
    expect(arpOp(ARP_REQUEST, 14)).toBe(ARP_OP_REQUEST);
    expect(arpSenderMacNum(ARP_REQUEST, 14)).toBe(0x02005e000001);
    expect(arpSenderIp(ARP_REQUEST, 14)).toBe(A);
    expect(arpTargetMacNum(ARP_REQUEST, 14)).toBe(0);
    expect(arpTargetIp(ARP_REQUEST, 14)).toBe(R);
    expect(parseArp(ARP_REQUEST, 14)).toEqual(REQUEST);
    expect(parseArp(ARP_REPLY, 14)).toEqual(REPLY);
  });

  it('constructs both into 0xa5-filled buffers, by emit, by setters and by the builder', () => {
    for (const [repr, bytes] of [
      [REQUEST, ARP_REQUEST],
      [REPLY, ARP_REPLY],
    ] as const) {
      const buf = new Uint8Array(bytes.length).fill(0xa5);
      buf.set(bytes.subarray(0, 14));
      emitArp(repr, buf, 14);
      expect(buf).toEqual(bytes);
    }
    const buf = ARP_REPLY.slice().fill(0xa5, 14 + 6); // keep htype..plen, set the rest
    setArpOp(buf, 14, ARP_OP_REPLY);
    setArpSenderMacNum(buf, 14, 0x02005e000002);
    setArpSenderIp(buf, 14, R);
    setArpTargetMacNum(buf, 14, 0x02005e000001);
    setArpTargetIp(buf, 14, A);
    expect(buf).toEqual(ARP_REPLY);
    expect(buildArpFrame({ op: 'request', senderMac: '02:00:5e:00:00:01', senderIp: A, targetIp: R })).toEqual(
      ARP_REQUEST,
    );
    expect(
      buildArpFrame({ op: 'reply', senderMac: 0x02005e000002, senderIp: R, targetMac: 0x02005e000001, targetIp: A }),
    ).toEqual(ARP_REPLY);
    expect(arpLen(REPLY)).toBe(ARP_LEN);
  });

  it('decodes and prints them as tcpdump does', () => {
    const d = decodeFrame(ARP_REQUEST);
    expect(d.arp).toEqual(REQUEST);
    expect(d.stop).toBeUndefined();
    expect(summarizeFrame(ARP_REQUEST)).toBe(
      '02:00:5e:00:00:01 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 198.51.100.2 tell 198.51.100.1',
    );
    expect(summarizeFrame(ARP_REPLY)).toBe(
      '02:00:5e:00:00:02 > 02:00:5e:00:00:01, ARP, Reply 198.51.100.2 is-at 02:00:5e:00:00:02',
    );
  });

  it('rejects other hardware, protocols, address lengths and operations (RFC 826)', () => {
    const p = ARP_REQUEST.slice(14);
    const with_ = (i: number, v: number): Uint8Array => Uint8Array.from(p, (b, j) => (j === i ? v : b));
    expect(parseArp(with_(1, 6), 0)).toBeInstanceOf(WireError); // IEEE 802 hardware
    expect(parseArp(with_(2, 0x86), 0)).toBeInstanceOf(WireError);
    expect(parseArp(with_(4, 8), 0)).toBeInstanceOf(WireError);
    expect(parseArp(with_(7, 3), 0)).toBeInstanceOf(WireError); // RARP
    expect(parseArp(p, 0, 27)).toBeInstanceOf(WireError);
  });

  it('parse(emit(x)) equals x (seed 41)', () => {
    fc.assert(
      fc.property(arpReprArb, fc.nat(4), (r, off) => {
        const buf = new Uint8Array(off + ARP_LEN);
        emitArp(r, buf, off);
        expect(parseArp(buf, off)).toEqual(r);
      }),
      { seed: 41 },
    );
  });

  it('parse never throws on arbitrary bytes, offsets and lengths (seed 42)', () => {
    const nearArp = fc
      .uint8Array({ maxLength: 40 })
      .map((b) => (b.length > 8 ? Uint8Array.from([0, 1, 8, 0, 6, 4, 0, b[0]! & 3, ...b]) : b));
    fc.assert(
      fc.property(
        nearArp,
        fc.integer({ min: -2, max: 50 }),
        fc.option(fc.integer({ min: -2, max: 50 })),
        (b, off, len) => {
          parseArp(b, off, len ?? undefined);
        },
      ),
      { seed: 42 },
    );
  });
});
