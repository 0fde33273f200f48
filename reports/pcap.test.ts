import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePcap, encodePcap, formatEpochTime, type DecodedPcap, type PcapRecord } from '../core/pcap/format.js';
import { tsharkCheck, tsharkFields } from '../test/helpers/tshark.js';
import { PCAP_WRITE_BATCH, PcapFileError, PcapFileWriter, writePcapFile } from './pcap.js';

const dir = mkdtempSync(join(tmpdir(), 'twinnet-pcap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The Internet checksum (RFC 1071): ones' complement of the ones' complement sum. */
function internetChecksum(b: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < b.length; i += 2) sum += ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

const MAC_A = [0x02, 0, 0, 0, 0, 0x01];
const MAC_B = [0x02, 0, 0, 0, 0, 0x02];
const IP_A = [198, 51, 100, 1];
const IP_B = [198, 51, 100, 2];

/** An Ethernet II / IPv4 / ICMP echo frame (RFC 792) with correct checksums. */
function echoFrame(reply: boolean, seq: number): Uint8Array {
  const payload = Array.from({ length: 16 }, (_, i) => i);
  const icmp = Uint8Array.from([reply ? 0 : 8, 0, 0, 0, 0x12, 0x34, seq >> 8, seq & 255, ...payload]);
  const icmpSum = internetChecksum(icmp);
  icmp.set([icmpSum >> 8, icmpSum & 255], 2);
  const total = 20 + icmp.length;
  const [src, dst] = reply ? [IP_B, IP_A] : [IP_A, IP_B];
  const ip = Uint8Array.from([0x45, 0, total >> 8, total & 255, 0, seq, 0x40, 0, 64, 1, 0, 0, ...src, ...dst]);
  const ipSum = internetChecksum(ip);
  ip.set([ipSum >> 8, ipSum & 255], 10);
  const [dmac, smac] = reply ? [MAC_A, MAC_B] : [MAC_B, MAC_A];
  return Uint8Array.from([...dmac, ...smac, 0x08, 0x00, ...ip, ...icmp]);
}

/** Two echo exchanges; the last time is the largest safe integer of nanoseconds. */
const TIMES = [1_000_000_001, 1_000_250_999, 2_123_456_789, Number.MAX_SAFE_INTEGER];
const ECHOES: PcapRecord[] = TIMES.map((timeNs, i) => ({ timeNs, data: echoFrame(i % 2 === 1, 1 + (i >> 1)) }));

describe('writePcapFile and PcapFileWriter', () => {
  it('write the bytes encodePcap makes, creating parent directories', () => {
    const path = join(dir, 'a', 'b', 'echo.pcap');
    writePcapFile(path, ECHOES, { snaplen: 65535 });
    expect(new Uint8Array(readFileSync(path))).toEqual(encodePcap(ECHOES, { snaplen: 65535 }));
  });

  it('append batch by batch, so long runs never hold every packet', () => {
    const path = join(dir, 'long.pcap');
    const many = Array.from({ length: PCAP_WRITE_BATCH * 2 + 3 }, (_, i) => ({ timeNs: i * 1000, data: Uint8Array.of(i & 255) }));
    const w = PcapFileWriter.open(path);
    w.append(many.slice(0, 5));
    w.append(many.slice(5).values());
    w.close();
    w.close();
    expect(w.recordCount).toBe(many.length);
    const d = decodePcap(readFileSync(path)) as DecodedPcap;
    expect(d.records.map((r) => r.timeNs)).toEqual(many.map((r) => r.timeNs));
  });

  it('name the path in every error', () => {
    const file = join(dir, 'plain-file');
    writeFileSync(file, 'x');
    expect(() => writePcapFile(join(file, 'under-a-file.pcap'), [])).toThrow(PcapFileError);
    expect(() => writePcapFile(join(file, 'under-a-file.pcap'), [])).toThrow(file);
    const bad = join(dir, 'bad-record.pcap');
    expect(() => writePcapFile(bad, [{ timeNs: -5, data: new Uint8Array(1) }])).toThrow(`pcap file ${bad}: bad record`);
    const w = PcapFileWriter.open(join(dir, 'closed.pcap'));
    w.close();
    expect(() => w.append([{ timeNs: 0, data: new Uint8Array(1) }])).toThrow(/closed\.pcap: cannot append: the writer is closed/);
  });
});

describe('tshark reads what twinnet writes', () => {
  it('hand-made ICMP echoes: no malformed packet, no bad checksum', () => {
    const path = join(dir, 'echo-ok.pcap');
    writePcapFile(path, ECHOES);
    const check = tsharkCheck(path);
    expect(check).toMatchObject({ packets: 4, malformed: 0, badChecksums: 0 });
    expect(check.summaries[0]).toMatch(/198\.51\.100\.1 → 198\.51\.100\.2 ICMP 58 Echo \(ping\) request/);
    expect(check.summaries[1]).toMatch(/Echo \(ping\) reply .*\(request in 1\)/);
  });

  it('the exact nanosecond timestamps written', () => {
    const path = join(dir, 'echo-times.pcap');
    writePcapFile(path, ECHOES, { epochSec: 1_700_000_000 });
    const rows = tsharkFields(path, ['frame.time_epoch', 'ip.checksum.status', 'icmp.checksum.status']);
    expect(rows).toEqual(TIMES.map((t) => [formatEpochTime(1_700_000_000, t), '1', '1'])); // 1: Good
    expect(rows[3]?.[0]).toBe('1709007199.254740991');
  });

  it('counts a corrupted IP header checksum as bad, so the check can fail', () => {
    const path = join(dir, 'echo-bad.pcap');
    const broken = ECHOES.map((r, i) => (i === 2 ? { ...r, data: r.data.map((b, j) => (j === 14 + 10 ? b ^ 0x5a : b)) } : r));
    writePcapFile(path, broken);
    expect(tsharkCheck(path)).toMatchObject({ packets: 4, malformed: 0, badChecksums: 1 });
  });
});
