import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodePcap } from '../../core/pcap/format.js';
import { tsharkCheck, tsharkFields, TsharkError } from './tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'twinnet-tshark-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (name: string): string => fileURLToPath(new URL(`../../core/pcap/fixtures/${name}`, import.meta.url));

describe('tsharkCheck and tsharkFields', () => {
  it('read a real capture: 13 packets, none malformed, no bad checksum, one summary each', () => {
    const check = tsharkCheck(fixture('eth-nsec.pcap'));
    expect(check).toMatchObject({ packets: 13, malformed: 0, badChecksums: 0 });
    expect(check.summaries).toHaveLength(13);
    expect(check.summaries[2]).toMatch(
      /^3 0\.000060975 198\.51\.100\.1 → 198\.51\.100\.2 ICMP 142 Echo \(ping\) request/,
    );
  });

  it('count a malformed packet (an IPv4 header cut short)', () => {
    const path = join(dir, 'malformed.pcap');
    const frame = Uint8Array.from([...new Array<number>(12).fill(2), 0x08, 0x00, 0x45, 0, 0, 200, 0, 0]);
    writeFileSync(path, encodePcap([{ timeNs: 0, data: frame }]));
    expect(tsharkCheck(path)).toMatchObject({ packets: 1, malformed: 1 });
  });

  it('return one row per packet with one value per field', () => {
    const rows = tsharkFields(fixture('any-sll2.pcap'), ['frame.number', 'sll.pkttype', '_ws.col.Info']);
    expect(rows).toHaveLength(13);
    expect(rows.every((r) => r.length === 3)).toBe(true);
    expect(rows[0]?.slice(0, 2)).toEqual(['1', '4']); // 4: sent by us
  });

  it('throw with the argv, the exit code and stderr', () => {
    const missing = join(dir, 'missing.pcap');
    let err: unknown;
    try {
      tsharkFields(missing, ['frame.number']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TsharkError);
    const t = err as TsharkError;
    expect(t.argv).toContain(missing);
    expect(t.status).not.toBe(0);
    expect(t.stderr).toMatch(/missing\.pcap/);
    expect(t.message).toContain('-o ip.check_checksum:TRUE');
  });
});
