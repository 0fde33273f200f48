/**
 * decodePcap and ethernetFromRecord against real tcpdump files (fixtures/README.md),
 * with tshark as the independent reader of the same bytes.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tsharkFields } from '../../test/helpers/tshark.js';
import { decodePcap, formatEpochTime, PcapError, type DecodedPcap } from './format.js';
import { ethernetFromRecord, type EthernetRecord } from './linktype.js';

const fixture = (name: string): string => fileURLToPath(new URL(`fixtures/${name}`, import.meta.url));

function load(name: string): DecodedPcap {
  const d = decodePcap(readFileSync(fixture(name)));
  if (d instanceof PcapError) throw new Error(`${name}: ${d.toString()}`);
  return d;
}

function eth(d: DecodedPcap, i: number): EthernetRecord {
  const r = ethernetFromRecord(d.linktype, d.records[i]?.data ?? new Uint8Array());
  if (r instanceof PcapError) throw new Error(r.toString());
  return r;
}

/** Every fixture: its link type, timestamp resolution and packet count (13: see the README). */
const FILES = [
  { name: 'eth-usec.pcap', linktype: 1, nanosecond: false },
  { name: 'eth-nsec.pcap', linktype: 1, nanosecond: true },
  { name: 'eth-snap60.pcap', linktype: 1, nanosecond: true },
  { name: 'any-sll.pcap', linktype: 113, nanosecond: false },
  { name: 'any-sll2.pcap', linktype: 276, nanosecond: true },
] as const;

describe('real tcpdump captures', () => {
  for (const f of FILES) {
    it(`${f.name}: header fields and 13 complete records`, () => {
      const d = load(f.name);
      expect(d).toMatchObject({ linktype: f.linktype, nanosecond: f.nanosecond, bigEndian: false, truncated: false });
      expect(d.records.length).toBe(13);
      expect(d.epochSec).toBeGreaterThan(1_600_000_000); // Unix times do not fit 2^53 ns: rebased
    });

    it(`${f.name}: same packets, lengths and timestamps as tshark reads`, () => {
      const d = load(f.name);
      const rows = tsharkFields(fixture(f.name), ['frame.time_epoch', 'frame.cap_len', 'frame.len']);
      const ours = d.records.map((r) => [
        formatEpochTime(d.epochSec, r.timeNs),
        String(r.data.length),
        String(r.origLen),
      ]);
      expect(ours).toEqual(rows);
    });
  }

  it('cut records: the snaplen-60 capture keeps the heads and the wire lengths', () => {
    const full = load('eth-nsec.pcap');
    const cut = load('eth-snap60.pcap');
    expect(cut.snaplen).toBe(60);
    cut.records.forEach((r, i) => {
      const whole = full.records[i];
      expect(r.origLen).toBe(whole?.origLen);
      expect([...r.data]).toEqual([...(whole?.data.subarray(0, r.data.length) ?? [])]);
    });
    expect(cut.records.some((r) => r.data.length < (r.origLen ?? 0))).toBe(true);
  });

  it('a microsecond capture holds the nanosecond times of the same packets, truncated', () => {
    const us = load('eth-usec.pcap');
    const ns = load('eth-nsec.pcap');
    const abs = (d: DecodedPcap): number[] => d.records.map((r) => (d.epochSec - ns.epochSec) * 1e9 + r.timeNs);
    const nsTimes = abs(ns);
    expect(
      abs(us)
        .map((t, i) => (nsTimes[i] ?? 0) - t)
        .every((lag) => lag >= 0 && lag < 1000),
    ).toBe(true);
  });

  it('a capture cut short mid-record (tcpdump killed) gives its complete records', () => {
    const bytes = readFileSync(fixture('eth-nsec.pcap'));
    const d = decodePcap(bytes.subarray(0, bytes.length - 5)) as DecodedPcap;
    expect(d.truncated).toBe(true);
    expect(d.records.length).toBe(12);
    expect(d.records.map((r) => r.timeNs)).toEqual(
      load('eth-nsec.pcap')
        .records.slice(0, 12)
        .map((r) => r.timeNs),
    );
  });
});

describe('cooked (-i any) captures as Ethernet, against the Ethernet capture of the same packets', () => {
  for (const name of ['any-sll.pcap', 'any-sll2.pcap']) {
    it(`${name}: same source, EtherType and payload; destination where SLL implies one`, () => {
      const ref = load('eth-nsec.pcap');
      const d = load(name);
      d.records.forEach((_, i) => {
        const ours = eth(d, i);
        const theirs = eth(ref, i).frame;
        expect([...ours.frame.subarray(6)]).toEqual([...theirs.subarray(6)]);
        const dst = [...theirs.subarray(0, 6)];
        const broadcast = dst.every((b) => b === 0xff);
        const implied = broadcast ? ours.packetType === 'broadcast' : ((dst[0] ?? 0) & 1) === 1; // IP multicast
        expect([...ours.frame.subarray(0, 6)]).toEqual(implied ? dst : [0, 0, 0, 0, 0, 0]);
      });
    });
  }

  it('reads the kernel packet types and, in SLL2, the interface index', () => {
    const d = load('any-sll2.pcap');
    const types = d.records.map((_, i) => eth(d, i).packetType);
    expect(new Set(types)).toEqual(new Set(['outgoing', 'host', 'multicast']));
    expect(eth(d, 0).ifindex).toBeGreaterThan(0);
    const mcast = d.records.findIndex((_, i) => eth(d, i).packetType === 'multicast');
    expect([...eth(d, mcast).frame.subarray(0, 2)]).toEqual([0x33, 0x33]); // IPv6 group MAC from ff02::16
  });
});
