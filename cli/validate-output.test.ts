/**
 * What `twinnet validate` prints for large inputs: at most MAX_PRINTED_DIAGNOSTICS
 * problems per file and a count of the rest (all with --all-errors), and no progress
 * lines on standard error for a file that loads within a second (a pipe, not a terminal).
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../test/helpers/tmp.js';

const root = join(import.meta.dirname, '..');
const tmp = tempDirs();

function twinnet(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/twinnet.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** A Docker host and `n` containers that each name a network nobody declared: n errors. */
function manyErrors(n: number): string {
  const f = join(tmp('twinnet-validate-'), 'many.yaml');
  const cs = Array.from({ length: n }, (_, i) => `  c${i}: { networks: [nope] }\n`).join('');
  writeFileSync(
    f,
    `version: 1\nhosts:\n  d:\n    kind: docker\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.2/24 }\nsegments:\n  lan: {}\ncontainers:\n${cs}`,
  );
  return f;
}

const located = (err: string) => err.split('\n').filter((l) => / error: /.test(l));

describe('twinnet validate on many problems', () => {
  it('prints the first 50 errors and counts the rest', () => {
    const f = manyErrors(120);
    const r = twinnet('validate', f);
    expect(r.code).toBe(2);
    expect(located(r.err)).toHaveLength(50);
    expect(located(r.err)[0]).toContain(`${f}:10:`);
    expect(r.err).toContain('... and 70 errors more (--all-errors prints every one)\n');
    expect(r.err).toContain('1 of 1 file invalid');
  });
  it('prints every error with --all-errors', () => {
    const r = twinnet('validate', '--all-errors', manyErrors(120));
    expect(located(r.err)).toHaveLength(120);
    expect(r.err).not.toContain('more (');
  });
  it('prints no progress for a file that loads within a second, on a pipe', () => {
    const r = twinnet('validate', 'scenarios/01-default-bridge.yaml');
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
  });
});
