/**
 * Verdicts as data: `twinnet sim --json` and observations.json carry every expectation
 * of the plan with whether it was met and, when not, why, so that CI reads them without
 * parsing the table. Runs the built CLI (npx tsc -p tsconfig.build.json).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunVerdicts } from '../core/verdicts.js';
import { tempDirs } from '../test/helpers/tmp.js';

const root = join(import.meta.dirname, '..');
const tmp = tempDirs();

function twinnet(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/twinnet.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** Scenario 01 with one expectation that cannot be met and three in the tolerant forms. */
function scenario(dir: string): string {
  const text = readFileSync(join(root, 'scenarios/01-default-bridge.yaml'), 'utf8')
    .replace('expect: { outcome: refused }', 'expect: { outcome: delivered }')
    .replace(
      'expect: { outcome: delivered, received: 3, ttl: 64 }',
      'expect: { outcome: delivered, received: { min: 3 }, loss: { max: 0% }, rtt: { p50: { max: 1ms } } }',
    )
    .replace('expect: { outcome: dropped }', 'expect: { outcome: [refused, dropped] }');
  const f = join(dir, 'verdicts.yaml');
  writeFileSync(f, text);
  return f;
}

describe('verdicts in the output of twinnet sim', () => {
  const dir = tmp('twinnet-verdicts-');
  const r = twinnet('sim', scenario(dir), '--json', '--out', join(dir, 'o'));
  const printed = JSON.parse(r.out) as { verdicts: RunVerdicts };

  it('--json prints every expectation with its verdict and the reason when not met, and still exits 1', () => {
    expect(r.code).toBe(1);
    expect(printed.verdicts.met).toBe(7);
    expect(printed.verdicts.notMet).toBe(1);
    expect(printed.verdicts.expectations.map((x) => x.probe)).toEqual([
      'a1-pings-a2',
      'a1-tcp-a2',
      'a2-pings-gateway',
      'a1-pings-host-uplink',
      'a1-closed-port',
      'a1-pings-ext-masqueraded',
      'host-pings-a2',
      'ext-to-a2-directly',
    ]);
    expect(printed.verdicts.expectations.find((x) => x.probe === 'a1-closed-port')).toEqual({
      probe: 'a1-closed-port',
      expect: { outcome: 'delivered' },
      met: false,
      failures: ['expected delivered, got refused (Connection refused)'],
    });
    expect(printed.verdicts.expectations[0]).toEqual({
      probe: 'a1-pings-a2',
      expect: {
        outcome: 'delivered',
        rttPercentiles: [{ percentile: 50, maxNs: 1_000_000 }],
        receivedMin: 3,
        lossMaxPpm: 0,
      },
      met: true,
      failures: [],
    });
    expect(printed.verdicts.expectations.at(-1)).toEqual({
      probe: 'ext-to-a2-directly',
      expect: { outcome: ['refused', 'dropped'] },
      met: true,
      failures: [],
    });
  });
  it('observations.json holds the same verdicts', () => {
    const written = JSON.parse(readFileSync(join(dir, 'o', 'observations.json'), 'utf8')) as { verdicts: RunVerdicts };
    expect(written.verdicts).toEqual(printed.verdicts);
  });
});
