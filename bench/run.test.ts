/**
 * `npm run bench -- --quick` end to end: every part runs (smallest sizes, one run each)
 * and prints every table, with both peers measured in the same invocation, and the
 * targets' summary. Not timed: the figures of a quick run on a shared machine mean
 * nothing. And a part that cannot run fails the command loudly, naming the part and
 * leaving a partial results file. Results go to a temporary folder, so that a test run
 * never overwrites a real run's out/bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');
const isRoot = process.getuid?.() === 0;
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function bench(argv: string[], env: Record<string, string> = {}) {
  const results = mkdtempSync(join(tmpdir(), 'twinnet-bench-'));
  dirs.push(results);
  const r = spawnSync(argv[0] as string, argv.slice(1), {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, TWINNET_BENCH_RESULTS: results, ...env },
    maxBuffer: 1 << 26,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- results.json's shape is bench/run.mjs's, untyped JS
  const json = JSON.parse(readFileSync(join(results, 'results.json'), 'utf8')) as Record<string, any>;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, json };
}

describe('npm run bench', () => {
  it.runIf(isRoot)(
    '--quick runs every part whole, with ns-3 and the ip -batch floor measured, and prints every table and the targets',
    () => {
      // `npm run bench` is `npm run build && node bench/run.mjs`: the test command has built
      // dist/ already, and building again here would rewrite files other tests are running.
      const r = bench([process.execPath, 'bench/run.mjs', '--quick']);
      expect(r.stderr).not.toMatch(/FAILED/);
      expect(r.status).toBe(0);
      for (const heading of [
        'Peers in this run',
        'Simulator throughput',
        'Simulator build',
        'Bundled scenarios in the simulator',
        'Commands on 500 containers',
        'Emulator build and teardown',
        'Targets (--quick',
      ]) {
        expect(r.stdout).toContain(heading);
      }
      expect(r.stdout).toContain('- ns-3: measured in this run');
      expect(r.stdout).toContain('- ip -batch floor: measured in this run');
      expect(r.stdout).not.toMatch(/\(recorded\) \| \d/); // no ratio next to a recorded figure
      expect(r.json.complete).toBe(true);
      expect(r.json.failures).toEqual([]);
      for (const row of r.json.throughput)
        expect(row.ns3).toMatchObject({ measured: true, pktsPerSec: expect.any(Number) });
      expect(r.json.emulator.rows.map((x: { topo: string }) => x.topo)).toEqual(['bridge', 'twohosts']);
      for (const row of r.json.emulator.rows) expect(row.floor.build).toBeGreaterThan(0);
      const targets = r.json.targets as { target: string; status: string }[];
      for (const kind of ['(warm)', '(cold)', 'command < 10 s', 'ip -batch floor'])
        expect(targets.some((t) => t.target.includes(kind))).toBe(true);
      expect(targets.every((t) => t.status === 'met' || t.status === 'NOT MET')).toBe(true);
    },
    900_000,
  );

  it('without ns-3, shows its recorded figure marked (recorded) with no ratio, says it was not measured and fails', () => {
    const peers = mkdtempSync(join(tmpdir(), 'twinnet-peers-'));
    dirs.push(peers);
    mkdirSync(join(peers, 'results'));
    const recorded = {
      topo: 'bridge',
      nHosts: 16,
      simTime: 1.5,
      scheduler: 'ns3::MapScheduler',
      staticArp: false,
      globalRouting: false,
      pktsPerSec: 12345,
      eventsPerSec: 99999,
    };
    writeFileSync(join(peers, 'results', 'ns3.jsonl'), `${JSON.stringify(recorded)}\n`);
    const r = bench([process.execPath, 'bench/run.mjs', '--quick', '--only-sim'], { TWINNET_BENCH_PEERS: peers });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/- ns-3: NOT measured: the ns-3 benchmark source .* is not there/);
    expect(r.stdout).toMatch(
      /\| bridge \| 16 \| 1\.5 \| [\d,]+ \| [\d,]+ \| [\d,]+ \| 12,345 \(recorded\) \| - \| - \| not measured \/ not measured \|/,
    );
    expect(r.stdout).toMatch(/\| router \| 16 \| .* \| not available \| - \| - \|/);
    expect(r.json.failures.map((f: { part: string }) => f.part)).toEqual(['ns-3 peer']);
    expect(
      r.json.targets
        .filter((t: { target: string }) => t.target.includes('ns-3'))
        .every((t: { status: string }) => t.status === 'not measured'),
    ).toBe(true);
  }, 120_000);

  it('fails loudly when a peer is missing, naming the part, and leaves the partial results', () => {
    const r = bench([process.execPath, 'bench/run.mjs', '--quick', '--only-emulator'], {
      TWINNET_BENCH_PEERS: join(root, 'no-such-peers'),
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('bench: emulator FAILED:');
    expect(r.stdout).toMatch(/INCOMPLETE: 1 part\(s\) could not run:\n- emulator: /);
    expect(r.json.complete).toBe(false);
    expect(r.json.failures).toEqual([
      {
        part: 'emulator',
        error: expect.stringMatching(isRoot ? /ip -batch floor .*no-such-peers.* is not there/ : /needs root/),
      },
    ]);
  }, 60_000);
});
