import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireError } from './error.js';
import {
  emitEthernet,
  ETH_HEADER_LEN,
  ethDstNum,
  ethEthertype,
  ethernetLen,
  ethSrcNum,
  ETHERTYPE_ARP,
  parseEthernet,
  setEthDstNum,
  setEthEthertype,
  setEthSrcNum,
  type EthernetRepr,
} from './ethernet.js';
import { macFromNum } from './mac.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Captured with `tcpdump -i wa0 -w` in namespace twwire-a while `ping 198.51.100.2` ran
// there: veth wa0 (02:00:5e:00:00:01, 198.51.100.1/24) to wr0 in twwire-r
// (02:00:5e:00:00:02, 198.51.100.2/24), IPv6 off. This is r's ARP reply, 42 bytes: veth
// does not pad to 60.
const ARP_REPLY = hex('02005e00000102005e0000020806000108000604000202005e000002c633640202005e000001c6336401');

const REPR: EthernetRepr = { dst: '02:00:5e:00:00:01', src: '02:00:5e:00:00:02', ethertype: ETHERTYPE_ARP };

const ethernetReprArb: fc.Arbitrary<EthernetRepr> = fc.record({
  dst: fc.integer({ min: 0, max: 2 ** 48 - 1 }).map(macFromNum),
  src: fc.integer({ min: 0, max: 2 ** 48 - 1 }).map(macFromNum),
  ethertype: fc.nat(0xffff),
});

describe('Ethernet II', () => {
  it('deconstructs a captured frame', () => {
    expect(ethDstNum(ARP_REPLY, 0)).toBe(0x02005e000001);
    expect(ethSrcNum(ARP_REPLY, 0)).toBe(0x02005e000002);
    expect(ethEthertype(ARP_REPLY, 0)).toBe(ETHERTYPE_ARP);
    expect(parseEthernet(ARP_REPLY, 0)).toEqual(REPR);
  });

  it('constructs the captured header into a 0xa5-filled buffer', () => {
    const buf = new Uint8Array(ARP_REPLY.length).fill(0xa5);
    buf.set(ARP_REPLY.subarray(ETH_HEADER_LEN), ETH_HEADER_LEN);
    emitEthernet(REPR, buf, 0);
    expect(buf).toEqual(ARP_REPLY);
    const viaSetters = buf.slice().fill(0xa5, 0, ETH_HEADER_LEN);
    setEthDstNum(viaSetters, 0, 0x02005e000001);
    setEthSrcNum(viaSetters, 0, 0x02005e000002);
    setEthEthertype(viaSetters, 0, ETHERTYPE_ARP);
    expect(viaSetters).toEqual(ARP_REPLY);
    expect(ethernetLen(REPR)).toBe(14);
  });

  it('rejects a frame shorter than its header, and an offset or length outside the buffer', () => {
    expect(parseEthernet(ARP_REPLY, 0, 13)).toBeInstanceOf(WireError);
    expect(parseEthernet(ARP_REPLY, 30)).toBeInstanceOf(WireError);
    expect(parseEthernet(ARP_REPLY, 0, 43)).toBeInstanceOf(WireError);
    expect(parseEthernet(ARP_REPLY, -1)).toBeInstanceOf(WireError);
    expect(String(parseEthernet(ARP_REPLY, 0, 13))).toMatch(/^ethernet: frame of 13 bytes/);
  });

  it('parse(emit(x)) equals x (seed 31)', () => {
    fc.assert(
      fc.property(ethernetReprArb, fc.nat(4), (r, off) => {
        const buf = new Uint8Array(off + ETH_HEADER_LEN);
        emitEthernet(r, buf, off);
        expect(parseEthernet(buf, off)).toEqual(r);
      }),
      { seed: 31 },
    );
  });

  it('parse never throws on arbitrary bytes, offsets and lengths (seed 32)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: -2, max: 45 }),
        fc.option(fc.integer({ min: -2, max: 45 })),
        (b, off, len) => {
          parseEthernet(b, off, len ?? undefined);
        },
      ),
      { seed: 32 },
    );
  });
});
