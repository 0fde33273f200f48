/**
 * What `twinnet sim` writes: the same seed and scenario give byte-identical output
 * folders, and every pcap it writes opens in tshark with no malformed packet and no bad
 * checksum.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../core/plan/compile/index.js';
import { loadPlanFile } from '../cli/scenario-input.js';
import { writeRunOutput } from '../reports/run-output.js';
import { simulate } from '../sim/run.js';
import { tempDirs } from './helpers/tmp.js';
import { tsharkCheck } from './helpers/tshark.js';

const tmp = tempDirs();

const root = join(import.meta.dirname, '..');
const scenarios = readdirSync(join(root, 'scenarios'))
  .filter((f) => f.endsWith('.yaml'))
  .sort();

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

function twinnet(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/twinnet.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

describe('twinnet sim output', () => {
  it('is byte-identical for the same seed and scenario (seed 42, scenario 01)', () => {
    const a = tmp('twinnet-sim-a-');
    const b = tmp('twinnet-sim-b-');
    const r1 = twinnet('sim', 'scenarios/01-default-bridge.yaml', '--capture-all', '--out', a);
    const r2 = twinnet('sim', 'scenarios/01-default-bridge.yaml', '--capture-all', '--out', b);
    expect([r1.code, r2.code]).toEqual([0, 0]);
    const fa = files(a)
      .map((f) => relative(a, f))
      .sort();
    expect(fa).toEqual(
      files(b)
        .map((f) => relative(b, f))
        .sort(),
    );
    expect(fa.filter((f) => f.endsWith('.pcap')).length).toBeGreaterThan(5);
    for (const f of fa) expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    expect(r1.out).toBe(r2.out.replaceAll(b, a));
  });
  it('changes when the seed changes', () => {
    const a = tmp('twinnet-sim-s1-');
    const b = tmp('twinnet-sim-s2-');
    twinnet('sim', 'scenarios/01-default-bridge.yaml', '--out', a, '--seed', '1');
    twinnet('sim', 'scenarios/01-default-bridge.yaml', '--out', b, '--seed', '2');
    expect(readFileSync(join(a, 'observations.json'), 'utf8')).not.toBe(
      readFileSync(join(b, 'observations.json'), 'utf8'),
    );
  });
  it('exits 1 and names the probe when an expectation is not met', () => {
    const out = tmp('twinnet-sim-x-');
    const f = join(out, 'wrong.yaml');
    const text = readFileSync(join(root, 'scenarios/01-default-bridge.yaml'), 'utf8').replace(
      'expect: { outcome: refused }',
      'expect: { outcome: delivered }',
    );
    writeFileSync(f, text);
    const r = twinnet('sim', f, '--out', join(out, 'o'));
    expect(r.code).toBe(1);
    expect(r.out).toContain('a1-closed-port: expected delivered, got refused (Connection refused)');
    expect(r.err).toBe('twinnet: 1 expectation not met: a1-closed-port\n');
  });
});

/**
 * One tshark process per captured device (30 and more on the datacentre scenarios): minutes on a
 * loaded machine, not a speed check.
 */
const TSHARK_ALL_DEVICES_MS = 180_000;

describe.each(scenarios)('pcaps of %s', (file) => {
  it(
    'open in tshark with no malformed packet and no bad checksum',
    () => {
      const model = loadPlanFile(join(root, 'scenarios', file)).model;
      if (model === undefined) throw new Error(`${file} is invalid`);
      const dir = tmp('twinnet-pcap-');
      const obs = writeRunOutput(dir, simulate(compilePlan(model), { captureAll: true }));
      const withPackets = obs.captures.filter((c) => c.packets > 0);
      expect(withPackets.length).toBeGreaterThan(0);
      for (const c of withPackets) {
        const check = tsharkCheck(join(dir, c.file as string));
        expect({
          file: c.file,
          packets: check.packets,
          malformed: check.malformed,
          badChecksums: check.badChecksums,
        }).toEqual({ file: c.file, packets: c.packets, malformed: 0, badChecksums: 0 });
      }
    },
    TSHARK_ALL_DEVICES_MS,
  );
});
