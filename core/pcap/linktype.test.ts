import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PcapError } from './format.js';
import { ethernetFromRecord, type EthernetRecord } from './linktype.js';

const MAC = [0x02, 0x42, 0xac, 0x11, 0x00, 0x02];
/** An IPv4 header's first 20 bytes with the given destination (contents beyond it do not matter here). */
const ipv4To = (dst: number[]): number[] => [0x45, 0, 0, 20, 0, 0, 0, 0, 64, 1, 0, 0, 198, 51, 100, 1, ...dst];

function sll(packetType: number, protocol: number, payload: number[], hatype = 1, address = MAC): Uint8Array {
  const addr = [...address, ...new Array<number>(8 - address.length).fill(0)];
  return Uint8Array.from([
    0,
    packetType,
    hatype >> 8,
    hatype & 255,
    0,
    address.length,
    ...addr,
    protocol >> 8,
    protocol & 255,
    ...payload,
  ]);
}

function sll2(packetType: number, protocol: number, payload: number[], ifindex = 7): Uint8Array {
  return Uint8Array.from([
    protocol >> 8,
    protocol & 255,
    0,
    0,
    0,
    0,
    0,
    ifindex,
    0,
    1,
    packetType,
    6,
    ...MAC,
    0,
    0,
    ...payload,
  ]);
}

function ok(r: EthernetRecord | PcapError): EthernetRecord {
  if (r instanceof PcapError) throw new Error(r.toString());
  return r;
}

const head = (r: EthernetRecord): number[] => [...r.frame.subarray(0, 14)];

describe('ethernetFromRecord', () => {
  it('passes Ethernet frames through untouched', () => {
    const frame = Uint8Array.from([...new Array<number>(12).fill(1), 0x08, 0x00, 0x45]);
    const r = ok(ethernetFromRecord(1, frame));
    expect(r.frame).toBe(frame);
    expect(r.synthesized).toBe(false);
    expect(ethernetFromRecord(1, new Uint8Array(13))).toBeInstanceOf(PcapError);
  });

  it('frames an SLL record: sender as source, EtherType, payload; unknown destination is zero', () => {
    const r = ok(ethernetFromRecord(113, sll(4, 0x0800, ipv4To([198, 51, 100, 2]))));
    expect(head(r)).toEqual([0, 0, 0, 0, 0, 0, ...MAC, 0x08, 0x00]);
    expect([...r.frame.subarray(14)]).toEqual(ipv4To([198, 51, 100, 2]));
    expect(r).toMatchObject({ synthesized: true, packetType: 'outgoing' });
    expect(r.ifindex).toBeUndefined();
  });

  it('gives broadcast and IP multicast packets their group destination (RFC 1112, RFC 2464)', () => {
    expect(head(ok(ethernetFromRecord(113, sll(1, 0x0806, [0, 1]))))).toEqual([
      255,
      255,
      255,
      255,
      255,
      255,
      ...MAC,
      0x08,
      0x06,
    ]);
    expect(head(ok(ethernetFromRecord(113, sll(2, 0x0800, ipv4To([239, 129, 2, 3])))))).toEqual([
      1,
      0,
      0x5e,
      1,
      2,
      3,
      ...MAC,
      0x08,
      0x00,
    ]);
    const ipv6 = [0x60, ...new Array<number>(23).fill(0), 0xff, 0x02, ...new Array<number>(10).fill(0), 0, 0, 0, 0x16];
    expect(head(ok(ethernetFromRecord(276, sll2(4, 0x86dd, ipv6))))).toEqual([
      0x33,
      0x33,
      0,
      0,
      0,
      0x16,
      ...MAC,
      0x86,
      0xdd,
    ]);
  });

  it('frames an SLL2 record and keeps its interface index and packet type', () => {
    const r = ok(ethernetFromRecord(276, sll2(0, 0x0800, ipv4To([198, 51, 100, 1]), 9)));
    expect(r).toMatchObject({ synthesized: true, packetType: 'host', ifindex: 9 });
    expect(r.frame.length).toBe(14 + 20);
  });

  it('leaves the source zero when the sender address is not 6 bytes long', () => {
    expect(head(ok(ethernetFromRecord(113, sll(0, 0x0800, [], 778, [10, 0, 0, 1]))))).toEqual([
      ...new Array<number>(12).fill(0),
      0x08,
      0x00,
    ]);
  });

  it('refuses what has no Ethernet form, with a reason', () => {
    const reason = (lt: number, d: Uint8Array): string => (ethernetFromRecord(lt, d) as PcapError).reason;
    expect(reason(113, sll(0, 0x0004, [0xaa]))).toMatch(/0x0004 is not an EtherType/);
    expect(reason(113, sll(0, 0x0010, [], 824))).toMatch(/ARPHRD_NETLINK/);
    expect(reason(113, new Uint8Array(15))).toMatch(/shorter than its 16-byte header/);
    expect(reason(276, new Uint8Array(19))).toMatch(/shorter than its 20-byte header/);
    expect(reason(101, new Uint8Array(20))).toMatch(/link type 101/);
  });

  it('never throws on any record of any of its link types (seed 1113)', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 113, 276, 0), fc.uint8Array({ maxLength: 80 }), (lt, data) => {
        const r = ethernetFromRecord(lt, data);
        if (!(r instanceof PcapError)) expect(r.frame.length).toBeGreaterThanOrEqual(14);
      }),
      { seed: 1113, numRuns: 2000 },
    );
  });
});
