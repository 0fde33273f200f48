/**
 * The long mode of the differential property (`npm run fuzz:twin`): its command line,
 * that it goes on after a disagreement and saves every shrunk one with its seed, run
 * and the comparison's words (driven here by a stand-in check, no engines), that an
 * unreproduced one goes to pending/, and one real run of the script on both engines
 * (`--runs 1 --seed 7`), which must finish with its summary.
 */
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { itEmulator } from '../helpers/emulator.js';
import { tempDirs } from '../helpers/tmp.js';
import {
  DEFAULT_SHRINK_SECONDS,
  fuzzTwin,
  parseFuzzArgs,
  renderSummary,
  UsageError,
  type FuzzOptions,
} from './fuzz-twin.js';

const tmp = tempDirs();
const root = join(import.meta.dirname, '..', '..');

/** A stand-in for the engines: "disagrees" on any scenario with a UDP probe. */
const udpDisagrees = async (text: string) =>
  /^\s+udp:/m.test(text) ? 'udp probe: sim delivered, emulator lost' : undefined;

describe('fuzz:twin command line', () => {
  it('takes --runs, --seed, --time-limit, --shrink-time and --out', () => {
    expect(
      parseFuzzArgs(['--runs', '3', '--seed', '11', '--time-limit', '60', '--shrink-time', '5', '--out', '/x']),
    ).toEqual({
      runs: 3,
      seed: 11,
      timeLimitSeconds: 60,
      shrinkSeconds: 5,
      out: '/x',
    });
    const d = parseFuzzArgs([]);
    expect([
      d.runs,
      d.seed,
      d.timeLimitSeconds,
      d.shrinkSeconds,
      d.out.endsWith(join('test', 'twin', 'regressions')),
    ]).toEqual([200, 7, undefined, DEFAULT_SHRINK_SECONDS, true]);
  });

  it('names the flag and what it expects on bad input', () => {
    expect(() => parseFuzzArgs(['--runs', '0'])).toThrow(/--runs: expected an integer >= 1, got "0"/);
    expect(() => parseFuzzArgs(['--seed'])).toThrow(/--seed: expected an integer >= 0, got nothing/);
    expect(() => parseFuzzArgs(['--fast'])).toThrow(UsageError);
  });
});

describe('fuzz:twin runs', () => {
  const opts = (out: string): FuzzOptions => ({
    runs: 12,
    seed: 3,
    timeLimitSeconds: undefined,
    shrinkSeconds: 30,
    out,
  });

  it('goes on after a disagreement and saves each one shrunk, named by seed and run, with the words', async () => {
    const out = tmp('fuzz-');
    const lines: string[] = [];
    const s = await fuzzTwin(opts(out), ['--runs', '12', '--seed', '3'], (l) => lines.push(l), udpDisagrees);
    expect(s.runs).toBe(12);
    expect(s.disagreed).toBeGreaterThan(1);
    expect(s.agreed + s.disagreed).toBe(12);
    expect(s.reproduced).toBe(s.disagreed);
    const files = readdirSync(out).filter((f) => f.endsWith('.yaml'));
    expect(files).toHaveLength(s.disagreed);
    for (const f of files) {
      expect(f).toMatch(/^fuzz-seed3-run\d+-[0-9a-f]{8}\.yaml$/);
      const text = readFileSync(join(out, f), 'utf8');
      expect(text).toContain('# Command: npm run fuzz:twin -- --runs 12 --seed 3');
      expect(text).toContain('# udp probe: sim delivered, emulator lost');
      const run = Number(/run(\d+)/.exec(f)?.[1]);
      expect(text).toContain(
        `# Found by npm run fuzz:twin (test/twin/fuzz-twin.ts): seed 3, run ${run} (fast-check seed ${3 + run - 1}),`,
      );
      expect(text).toContain(`# Replay the run alone: npm run fuzz:twin -- --runs 1 --seed ${3 + run - 1}`);
      expect(lines).toContainEqual(
        expect.stringMatching(new RegExp(`^run ${run}/12 \\(fast-check seed ${3 + run - 1}\\): DISAGREE, saved `)),
      );
      // Shrunk: the one UDP probe is all that is left of the timeline.
      expect((parse(text) as { timeline: unknown[] }).timeline).toHaveLength(1);
    }
    expect(
      lines.filter((l) => /^run \d+\/12 \(fast-check seed \d+\): .*elapsed \d+:\d\d, ETA \d+:\d\d$/.test(l)),
    ).toHaveLength(12);
    expect(lines.filter((l) => l === '    udp probe: sim delivered, emulator lost')).toHaveLength(s.disagreed);
    expect(renderSummary(opts(out), s)).toMatch(
      new RegExp(
        `^fuzz:twin summary: 12 runs \\(seed 3\\) in 0:\\d\\d: ${s.agreed} agreed, ${s.disagreed} disagreed \\(${s.disagreed} reproduced on a rerun\\); ${s.disagreed} files saved`,
      ),
    );
  });

  it('puts a disagreement that a rerun does not reproduce in pending/, which is not replayed', async () => {
    const out = tmp('fuzz-');
    const seen = new Set<string>();
    // Disagrees on the generated scenario only, as a load artefact would; every other text agrees.
    const once = async (text: string) => (seen.size === 0 ? (seen.add(text), 'a one-off') : undefined);
    const s = await fuzzTwin({ ...opts(out), runs: 1 }, [], () => {}, once);
    expect([s.disagreed, s.reproduced]).toEqual([1, 0]);
    expect(readdirSync(out)).toEqual(['pending']);
    const [f] = readdirSync(join(out, 'pending'));
    const text = readFileSync(join(out, 'pending', f!), 'utf8');
    expect(text).toContain('# NOT reproduced on a rerun');
    // The words are those of the run that failed.
    expect(text).toContain('# a one-off');
  });

  it('stops starting runs at --time-limit', async () => {
    const s = await fuzzTwin(
      { ...opts(tmp('fuzz-')), timeLimitSeconds: 1 },
      [],
      () => {},
      async () => new Promise((r) => setTimeout(() => r(undefined), 600)),
    );
    expect(s.runs).toBe(2);
    expect(s.stoppedByTimeLimit).toBe(true);
  });
});

describe('npm run fuzz:twin on both engines', () => {
  itEmulator('--runs 1 --seed 7 runs one scenario and prints the summary', async () => {
    const out = tmp('fuzz-');
    const r = await promisify(execFile)(
      process.execPath,
      [join(root, 'scripts/fuzz-twin.mjs'), '--runs', '1', '--seed', '7', '--out', out],
      { cwd: root },
    ).then(
      (ok) => ({ ...ok, code: 0 }),
      (e: { stdout: string; stderr: string; code: number }) => e,
    );
    expect(r.stdout).toMatch(/^fuzz:twin: run 1\/1 \(fast-check seed 7\): /m);
    const summary = /^fuzz:twin summary: 1 runs \(seed 7\) in \S+: (\d) agreed, (\d) disagreed/m.exec(r.stdout);
    expect(summary, r.stdout + r.stderr).not.toBeNull();
    expect(r.code).toBe(summary![2] === '0' ? 0 : 1);
  });
});
