import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodePcap, encodePcap, formatEpochTime, PcapError, type DecodedPcap, type PcapRecord } from './format.js';
import { splitNs } from './layout.js';

/** Decodes bytes that must be a readable file; fails the test with the reason otherwise. */
function decoded(bytes: Uint8Array): DecodedPcap {
  const d = decodePcap(bytes);
  if (d instanceof PcapError) throw new Error(d.toString());
  return d;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

const SMALL: PcapRecord[] = [
  { timeNs: 1_500_000_001, data: Uint8Array.of(0xde, 0xad, 0xbe, 0xef) },
  { timeNs: 2_000_000_000, data: Uint8Array.of(1, 2, 3), origLen: 60 },
];

describe('encodePcap: the classic libpcap layout (pcap-savefile(5), draft-ietf-opsawg-pcap)', () => {
  it('writes a small file byte for byte', () => {
    const header = '4d3cb2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000';
    const rec1 = '01000000' + '0165cd1d' + '04000000' + '04000000' + 'deadbeef'; // 1 s + 500000001 ns
    const rec2 = '02000000' + '00000000' + '03000000' + '3c000000' + '010203';
    expect(hex(encodePcap(SMALL))).toBe(header + rec1 + rec2);
  });

  it('puts each header field at its offset', () => {
    const bytes = encodePcap(SMALL, { snaplen: 2, linktype: 276, epochSec: 1_700_000_000 });
    const v = new DataView(bytes.buffer);
    expect(v.getUint32(0, true)).toBe(0xa1b23c4d); // magic: nanosecond resolution
    expect([v.getUint16(4, true), v.getUint16(6, true)]).toEqual([2, 4]); // version 2.4
    expect([v.getInt32(8, true), v.getUint32(12, true)]).toEqual([0, 0]); // thiszone, sigfigs
    expect(v.getUint32(16, true)).toBe(2); // snaplen
    expect(v.getUint32(20, true)).toBe(276); // link type
    expect(v.getUint32(24, true)).toBe(1_700_000_001); // ts_sec, shifted by epochSec
    expect(v.getUint32(28, true)).toBe(500_000_001); // ts_nsec
    expect([v.getUint32(32, true), v.getUint32(36, true)]).toEqual([2, 4]); // cut to the snaplen, wire length kept
    expect(bytes.length).toBe(24 + 2 * (16 + 2));
  });

  it('splits nanoseconds exactly up to 2^53 - 1', () => {
    expect(splitNs(Number.MAX_SAFE_INTEGER)).toEqual({ sec: 9_007_199, nsec: 254_740_991 });
    expect(splitNs(9_006_999_999_999_999)).toEqual({ sec: 9_006_999, nsec: 999_999_999 });
    expect(splitNs(0)).toEqual({ sec: 0, nsec: 0 });
  });

  it('refuses what a file cannot hold', () => {
    const data = new Uint8Array(4);
    expect(() => encodePcap([{ timeNs: -1, data }])).toThrow(RangeError);
    expect(() => encodePcap([{ timeNs: 0.5, data }])).toThrow(RangeError);
    expect(() => encodePcap([{ timeNs: 2 ** 53, data }])).toThrow(RangeError);
    expect(() => encodePcap([{ timeNs: 0, data, origLen: 3 }])).toThrow(/origLen/);
    expect(() => encodePcap([], { snaplen: 0 })).toThrow(/snaplen/);
    expect(() => encodePcap([], { linktype: 0x10000 })).toThrow(/linktype/);
    expect(() => encodePcap([{ timeNs: 10e9, data }], { epochSec: 0xffffffff })).toThrow(/32-bit/);
  });

  it('formats epoch times the way tshark prints frame.time_epoch', () => {
    expect(formatEpochTime(1_795_828_146, 871_632_340)).toBe('1795828146.871632340');
    expect(formatEpochTime(0, Number.MAX_SAFE_INTEGER)).toBe('9007199.254740991');
    expect(formatEpochTime(10, -1)).toBe('9.999999999');
  });
});

const recordArb = fc.record({
  timeNs: fc.maxSafeNat(),
  data: fc.uint8Array({ maxLength: 48 }),
  extra: fc.nat({ max: 2000 }),
});

describe('decodePcap(encodePcap(r)) round trip', () => {
  it('gives back every record, time, length and link type (seed 4242)', () => {
    fc.assert(
      fc.property(
        fc.array(recordArb, { maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 0, max: 0xffff }),
        (rs, snaplen, linktype) => {
          const records = rs.map((r) => ({ timeNs: r.timeNs, data: r.data, origLen: r.data.length + r.extra }));
          const d = decoded(encodePcap(records, { snaplen, linktype }));
          expect(d).toMatchObject({
            linktype,
            snaplen,
            nanosecond: true,
            bigEndian: false,
            epochSec: 0,
            truncated: false,
          });
          expect(d.records.map((r) => ({ ...r, data: [...r.data] }))).toEqual(
            records.map((r) => ({ ...r, data: [...r.data.subarray(0, snaplen)] })),
          );
        },
      ),
      { seed: 4242, numRuns: 300 },
    );
  });

  it('counts times from epochSec, chosen or given (seed 99)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000_000_000, max: 4_000_000_000 }),
        fc.array(fc.nat({ max: 86_400e9 }), { minLength: 1, maxLength: 5 }),
        (epochSec, times) => {
          const bytes = encodePcap(
            times.map((timeNs) => ({ timeNs, data: new Uint8Array(1) })),
            { epochSec },
          );
          const given = decodePcap(bytes, { epochSec }) as DecodedPcap;
          expect(given.records.map((r) => r.timeNs)).toEqual(times);
          const chosen = decoded(bytes);
          const first = Math.min(...times.map((t) => Math.floor(t / 1e9)));
          expect(chosen.epochSec).toBe(epochSec + first);
          expect(chosen.records.map((r) => formatEpochTime(chosen.epochSec, r.timeNs))).toEqual(
            times.map((t) => formatEpochTime(epochSec, t)),
          );
        },
      ),
      { seed: 99, numRuns: 200 },
    );
  });
});

/** The same file with every header field in big-endian order. */
function toBigEndian(le: Uint8Array): Uint8Array {
  const out = le.slice();
  const v = new DataView(out.buffer);
  const swap32 = (o: number): void => v.setUint32(o, v.getUint32(o, true), false);
  const swap16 = (o: number): void => v.setUint16(o, v.getUint16(o, true), false);
  [0, 8, 12, 16, 20].forEach(swap32);
  [4, 6].forEach(swap16);
  for (let o = 24; o < out.length; o += 16 + v.getUint32(o + 8, false)) [0, 4, 8, 12].forEach((f) => swap32(o + f));
  return out;
}

describe('decodePcap on other writers and damaged files', () => {
  it('reads big-endian files', () => {
    const d = decoded(toBigEndian(encodePcap(SMALL)));
    expect(d.bigEndian).toBe(true);
    expect(d.records.map((r) => [r.timeNs, [...r.data], r.origLen])).toEqual([
      [1_500_000_001, [0xde, 0xad, 0xbe, 0xef], 4],
      [2_000_000_000, [1, 2, 3], 60],
    ]);
  });

  it('reads microsecond files as integer nanoseconds', () => {
    const bytes = encodePcap([{ timeNs: 3_000_123_000, data: new Uint8Array(2) }]);
    new DataView(bytes.buffer).setUint32(0, 0xa1b2c3d4, true);
    new DataView(bytes.buffer).setUint32(28, 123_456, true); // now microseconds
    const d = decoded(bytes);
    expect(d.nanosecond).toBe(false);
    expect(d.records[0]?.timeNs).toBe(3_123_456_000);
  });

  it('returns the complete records of a file cut anywhere, and says whether it was cut inside one', () => {
    const bytes = encodePcap(SMALL);
    const ends = [24, 24 + 20, bytes.length]; // where a record ends (or none has begun)
    for (let cut = 24; cut <= bytes.length; cut++) {
      const d = decoded(bytes.subarray(0, cut));
      expect(d.records.length).toBe(ends.filter((e) => e > 24 && e <= cut).length);
      expect(d.truncated).toBe(!ends.includes(cut));
    }
  });

  it('says why it cannot read a file', () => {
    const reason = (b: Uint8Array): string => (decodePcap(b) as PcapError).reason;
    expect(reason(new Uint8Array(10))).toMatch(/shorter than the 24-byte file header/);
    expect(reason(Uint8Array.from([0x0a, 0x0d, 0x0d, 0x0a, ...new Uint8Array(24)]))).toMatch(/pcapng/);
    expect(reason(new Uint8Array(24))).toMatch(/not a pcap file: magic 0x00000000/);
    const v1 = encodePcap([]);
    v1[4] = 1;
    expect(reason(v1)).toMatch(/version 1\.4/);
    const huge = encodePcap(SMALL);
    new DataView(huge.buffer).setUint32(24 + 8, 0xffffffff, true);
    expect(reason(huge)).toMatch(/record 1 at byte 24: captured length 4294967295/);
  });

  it('refuses times more than 2^53 ns apart, since they cannot be safe integers', () => {
    const bytes = encodePcap([0, 1].map((i) => ({ timeNs: 0, data: new Uint8Array(i) })));
    new DataView(bytes.buffer).setUint32(24 + 16, 0xffffffff, true); // second record: year 2106
    expect((decodePcap(bytes) as PcapError).reason).toMatch(/2\^53/);
  });

  it('never throws, on any bytes or any damage to a valid file (seed 31337)', () => {
    const valid = encodePcap(SMALL);
    const damaged = fc
      .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
      .map((edits) => {
        const b = valid.slice();
        for (const [at, byte] of edits) b[at] = byte;
        return b;
      });
    const withMagic = fc
      .uint8Array({ maxLength: 200 })
      .map((tail) => Uint8Array.from([0x4d, 0x3c, 0xb2, 0xa1, 2, 0, 4, 0, ...tail]));
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 200 }), damaged, withMagic),
        fc.nat({ max: 300 }),
        (bytes, cut) => {
          const d = decodePcap(bytes.subarray(0, cut));
          expect(d instanceof PcapError || Array.isArray(d.records)).toBe(true);
        },
      ),
      { seed: 31337, numRuns: 1000 },
    );
  });
});
