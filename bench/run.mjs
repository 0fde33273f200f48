#!/usr/bin/env node
// `npm run bench`: the standard workloads, measured now, on this machine, side by side
// with the peers, which run in the same invocation; prints tables, then every target
// with met / NOT MET, and writes out/bench/results.json (after every part, so a run that
// fails leaves what it measured, with `complete: false` and the failure).
//
//   node bench/run.mjs [--reps N] [--quick] [--no-ns3] [--only-sim | --only-emulator | --only-commands]
//
// Parts: simulator throughput against ns-3 (../shared/bench/ns3/bridge_bench.cc, built
// here: bench/ns3.mjs), simulator build, the bundled scenarios, the commands on 10,000
// containers (bench/commands.ts) and, as root, the emulator's build and teardown against
// the `ip -batch` floor (../shared/bench/iproute2/ipr_bench.sh). Ratios use only figures
// measured in this run; Mininet's recorded figures are shown for context, without one.
// --quick runs every part once at its smallest size (a smoke run: its verdicts are not
// the targets'). Exit 0 when every part ran (targets not met are reported, not an
// error); 1 when a part could not run, naming it and its error.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDeps } from '../scripts/install.mjs';
import { SYSTEM_DEPS } from '../scripts/system-deps.mjs';
import { ns3Peer } from './ns3.mjs';
import { judgeTargets } from './targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const repsAt = args.indexOf('--reps');
const reps = (repsAt >= 0 ? Number(args[repsAt + 1]) : quick ? 1 : 3) || 1;
const useNs3 = !args.includes('--no-ns3');
const only = ['--only-sim', '--only-emulator', '--only-commands'].find((a) => args.includes(a));
const outDir = join(root, 'out', 'bench');
// The tests point these elsewhere, so that a test run never overwrites a real run's results.
const resultsDir = process.env.TWINNET_BENCH_RESULTS ?? outDir;
const resultsFile = join(resultsDir, 'results.json');
const shared = process.env.TWINNET_BENCH_PEERS ?? join(root, '..', 'shared', 'bench');
mkdirSync(outDir, { recursive: true });
mkdirSync(resultsDir, { recursive: true });

const SIM_SIZES = quick ? [16] : [16, 64, 256, 1024];
/** Simulated seconds; traffic starts at 1 s. 1.5 s at N = 1024 keeps ns-3's run short. */
const simTimeFor = (n) => (quick ? 1.5 : n >= 1024 ? 1.5 : 3);
const BUILD_SIZES = quick ? [100] : [100, 1000];
const SCENARIO_REPS = quick ? 1 : 20;
const COMMAND_CONTAINERS = quick ? 500 : 10000;
const EMU_SIZES = quick ? [10] : [10, 100, 500, 1000];

const log = (line) => process.stderr.write(`${line}\n`);
const results = {
  machine: {
    node: process.version,
    cpus: cpus().length,
    date: new Date().toISOString(),
    loadAverageAtStart: loadavg().map((x) => Number(x.toFixed(2))),
  },
  options: { quick, reps, ns3: useNs3, only: only ?? null },
  complete: false,
  failures: [],
  peers: {},
};
const save = () => writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);

function fail(part, error) {
  const message = error instanceof Error ? error.message : String(error);
  results.failures.push({ part, error: message });
  log(`bench: ${part} FAILED: ${message}`);
  save();
}

/** Runs one part, keeping what it measured before a failure (it fills results[name]). */
function part(name, fn) {
  log(`== ${name}`);
  try {
    fn();
  } catch (e) {
    fail(name, e);
  }
  save();
}

function median(xs) {
  const s = xs.filter((x) => typeof x === 'number').sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
}

/** Runs a program that prints one JSON line last; throws with its command, exit and stderr. */
function runJson(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0)
    throw new Error(
      `${[cmd, ...argv].join(' ')} exited ${r.status ?? r.signal ?? r.error}: ${(r.stderr ?? '').trim().split('\n').slice(-15).join('\n')}`,
    );
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    throw new Error(`${[cmd, ...argv].join(' ')} printed no JSON line: ${r.stdout.slice(-500)}`);
  }
}

function jsonl(file, keep) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter(keep);
}

/** ns-3's recorded figures (../shared/bench/results/ns3.jsonl): context only, never a ratio. */
function recordedNs3(topo, n, simTime) {
  const rows = jsonl(
    join(shared, 'results', 'ns3.jsonl'),
    (r) =>
      r.topo === topo &&
      r.nHosts === n &&
      r.simTime === simTime &&
      r.scheduler === 'ns3::MapScheduler' &&
      !r.staticArp &&
      !r.globalRouting,
  );
  return rows.length === 0
    ? undefined
    : { pktsPerSec: median(rows.map((r) => r.pktsPerSec)), runs: rows.length, measured: false, recorded: true };
}

function ns3Setup() {
  if (!useNs3) {
    results.peers.ns3 = { measured: false, reason: '--no-ns3' };
    return undefined;
  }
  try {
    const peer = ns3Peer({ shared, outDir, log });
    results.peers.ns3 = { measured: true, version: peer.version, binary: peer.bin, builtNow: peer.built };
    return peer.bin;
  } catch (e) {
    results.peers.ns3 = { measured: false, reason: e instanceof Error ? e.message : String(e) };
    fail('ns-3 peer', e);
    return undefined;
  }
}

function ns3Run(bin, topo, n, simTime) {
  const k = n >= 1024 ? 1 : reps;
  const runs = Array.from({ length: k }, (_, i) =>
    runJson(bin, [`--topo=${topo}`, `--nHosts=${n}`, `--simTime=${simTime}`, `--seed=${i + 1}`]),
  );
  return {
    pktsPerSec: median(runs.map((r) => r.pktsPerSec)),
    eventsPerSec: median(runs.map((r) => r.eventsPerSec)),
    delivered: median(runs.map((r) => r.delivered)),
    runs: k,
    measured: true,
  };
}

function throughput() {
  results.throughput = [];
  let ns3 = ns3Setup();
  for (const topo of ['bridge', 'router']) {
    for (const n of SIM_SIZES) {
      const simTime = simTimeFor(n);
      log(`simulator ${topo} N=${n} (${reps} warm, ${reps} cold)...`);
      const script = ['dist/bench/sim-throughput.js', topo, String(n), String(simTime)];
      const warm = Array.from({ length: reps }, () => runJson(process.execPath, script));
      const cold = Array.from({ length: reps }, () => runJson(process.execPath, [...script, '--cold']));
      let peer;
      if (ns3 !== undefined) {
        log(`ns-3 ${topo} N=${n}...`);
        try {
          peer = ns3Run(ns3, topo, n, simTime);
        } catch (e) {
          results.peers.ns3 = {
            ...results.peers.ns3,
            measured: false,
            partial: true,
            reason: `a run failed: ${e instanceof Error ? e.message : e}`,
          };
          fail('ns-3 peer', e);
          ns3 = undefined;
        }
      }
      results.throughput.push({
        topo,
        n,
        simTime,
        sim: {
          pktsPerSec: median(warm.map((r) => r.pktsPerSec)),
          eventsPerSec: median(warm.map((r) => r.eventsPerSec)),
          maxRssMB: Math.max(...warm.map((r) => r.maxRssMB)),
          delivered: warm[0].delivered,
          sent: warm[0].sent,
          coldPktsPerSec: median(cold.map((r) => r.pktsPerSec)),
          runs: reps,
        },
        ns3: peer ?? recordedNs3(topo, n, simTime),
      });
      save();
    }
  }
}

function build() {
  results.build = [];
  for (const n of BUILD_SIZES) {
    const runs = Array.from({ length: reps }, () =>
      runJson(process.execPath, ['--expose-gc', 'dist/bench/sim-build.js', String(n)]),
    );
    results.build.push({
      containers: n,
      totalWall: median(runs.map((r) => r.totalWall)),
      topologyBytesPerContainer: median(runs.map((r) => r.topologyBytesPerContainer)),
      runs: reps,
    });
  }
}

/** Recorded Mininet 2.3 (Linux bridges) setup and stop: context only, never a ratio. */
function recordedMininet(n) {
  const rows = jsonl(join(shared, 'results', 'mininet.jsonl'), (r) => r.switch === 'lxbr' && r.n === n);
  return rows.length === 0
    ? undefined
    : {
        setup: median(rows.map((r) => r.setup_total)),
        stop: median(rows.map((r) => r.stop)),
        runs: rows.length,
        recorded: true,
      };
}

function floor(n) {
  const script = join(shared, 'iproute2', 'ipr_bench.sh');
  if (!existsSync(script))
    throw new Error(
      `the ip -batch floor ${script} is not there (the peers live in ../shared/bench next to this repository)`,
    );
  const runs = Array.from({ length: reps }, () => runJson('bash', [script, 'batch', String(n)]));
  return {
    build: median(runs.map((r) => r.build)),
    teardownCmd: median(runs.map((r) => r.teardown_cmd)),
    teardownDone: median(runs.map((r) => r.teardown_done)),
    runs: reps,
  };
}

function medianPhases(runs) {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.phases ?? {})))];
  return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r.phases?.[k]))]));
}

function emulator() {
  if (process.getuid?.() !== 0)
    throw new Error('the emulator benchmark needs root (network namespaces); run npm run bench as root');
  const deps = ensureDeps(SYSTEM_DEPS, "the emulator's benchmark");
  if (!deps.ok) throw new Error(deps.message);
  results.emulator = { rows: [] };
  results.peers.floor = { measured: false, reason: 'not run yet' };
  for (const n of EMU_SIZES) {
    log(`ip -batch floor N=${n}...`);
    let fl;
    try {
      fl = floor(n);
    } catch (e) {
      results.peers.floor = {
        measured: false,
        reason: `failed at N=${n}: ${e instanceof Error ? e.message.split('\n')[0] : e}`,
      };
      throw e;
    }
    results.peers.floor = { measured: true, script: '../shared/bench/iproute2/ipr_bench.sh batch N' };
    for (const topo of ['bridge', 'twohosts']) {
      log(`emulator ${topo} N=${n}...`);
      const runs = Array.from({ length: reps }, () =>
        runJson(process.execPath, ['dist/bench/emu-build.js', topo, String(n)]),
      );
      results.emulator.rows.push({
        topo,
        n,
        build: median(runs.map((r) => r.build)),
        teardown: median(runs.map((r) => r.teardown)),
        verify: median(runs.map((r) => r.verify)),
        phases: medianPhases(runs),
        floor: fl,
        mininet: recordedMininet(n),
        runs: reps,
      });
      save();
    }
  }
}

const fmt = (x) => (x === undefined || Number.isNaN(x) ? '-' : Math.round(x).toLocaleString('en-US'));
const f3 = (x) => (x === undefined || Number.isNaN(x) ? '-' : x.toFixed(3));
const ratio = (a, b) => (b === undefined || !(b > 0) ? undefined : a / b);

function peerLines() {
  const out = ['', 'Peers in this run', ''];
  const ns3 = results.peers.ns3;
  if (ns3 !== undefined) {
    out.push(
      ns3.measured
        ? `- ns-3: measured in this run (${ns3.version}; ${ns3.builtNow ? 'built now' : 'built earlier from the same source and compiler'}, build not timed)`
        : `- ns-3: ${ns3.partial ? 'measured until' : 'NOT measured:'} ${ns3.reason.split('\n')[0]}; ${ns3.partial ? 'the rows after it show ' : ''}recorded figures from ../shared/bench/results/ns3.jsonl, marked (recorded), with no ratio`,
    );
  }
  const fl = results.peers.floor;
  if (fl !== undefined)
    out.push(
      fl.measured
        ? `- ip -batch floor: measured in this run (${fl.script})`
        : `- ip -batch floor: NOT measured (${fl.reason})`,
    );
  if (results.emulator?.rows?.length)
    out.push(
      '- Mininet 2.3 (Linux bridges): recorded (../shared/bench/results/mininet.jsonl), not run here (its switches live in the root namespace); context only, no ratio',
    );
  return out;
}

function throughputLines() {
  if (results.throughput === undefined) return [];
  const out = [
    '',
    `Simulator throughput, delivered packets per wall second (median of ${reps} fresh processes each, warm and cold; ns-3 at N = 1024: 1 run)`,
    '',
    '| workload | N | sim s | twinnet pkts/s | twinnet pkts/s, cold | twinnet events/s | ns-3 pkts/s | twinnet / ns-3 | cold / ns-3 | target >= 10x (warm / cold) | twinnet peak RSS MB |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results.throughput) {
    const measured = r.ns3?.measured === true;
    const w = measured ? ratio(r.sim.pktsPerSec, r.ns3.pktsPerSec) : undefined;
    const c = measured ? ratio(r.sim.coldPktsPerSec, r.ns3.pktsPerSec) : undefined;
    const peer = r.ns3 === undefined ? 'not available' : `${fmt(r.ns3.pktsPerSec)}${measured ? '' : ' (recorded)'}`;
    const x = (v) => (v === undefined ? '-' : `${v.toFixed(1)}x`);
    const ok = (v) => (v === undefined ? 'not measured' : v >= 10 ? 'met' : 'NOT MET');
    out.push(
      `| ${r.topo} | ${r.n} | ${r.simTime} | ${fmt(r.sim.pktsPerSec)} | ${fmt(r.sim.coldPktsPerSec)} | ${fmt(r.sim.eventsPerSec)} | ${peer} | ${x(w)} | ${x(c)} | ${ok(w)} / ${ok(c)} | ${r.sim.maxRssMB} |`,
    );
  }
  return out;
}

function buildLines() {
  if (results.build === undefined) return [];
  const out = [
    '',
    'Simulator build (scenario text to a ready topology: parse, validate, compile, build)',
    '',
    '| containers | build s | topology bytes per container | target at 1000: < 1 s, < 20 KB |',
    '|---|---|---|---|',
  ];
  for (const b of results.build)
    out.push(
      `| ${b.containers} | ${b.totalWall.toFixed(3)} | ${fmt(b.topologyBytesPerContainer)} | ${b.containers === 1000 ? (b.totalWall < 1 && b.topologyBytesPerContainer < 20480 ? 'met' : 'NOT MET') : '-'} |`,
    );
  return out;
}

function scenarioLines() {
  const sc = results.scenarios;
  if (sc === undefined) return [];
  const out = [
    '',
    `Bundled scenarios in the simulator (one whole run, median of ${sc.reps} after a warm-up)`,
    '',
    '| scenario | namespaces | simulated s | wall ms |',
    '|---|---|---|---|',
  ];
  for (const r of sc.rows)
    out.push(`| ${r.file} | ${r.namespaces} | ${r.simulatedS.toFixed(2)} | ${r.wallMs.toFixed(1)} |`);
  return out;
}

function commandLines() {
  const cm = results.commands;
  if (cm === undefined) return [];
  const out = [
    '',
    `Commands on ${cm.containers.toLocaleString('en-US')} containers over 4 Docker hosts (bench/commands.ts; one fresh process each; CPU = user + system)`,
    '',
    '| command | wall s | CPU s | peak RSS MB | target < 10 s |',
    '|---|---|---|---|---|',
  ];
  for (const r of cm.rows)
    out.push(
      `| ${r.command} | ${r.wallS.toFixed(2)} | ${r.cpuS === undefined ? '-' : r.cpuS.toFixed(2)} | ${r.maxRssMB ?? '-'} | ${r.exit !== 0 ? `exit ${r.exit}` : r.wallS < 10 ? 'met' : 'NOT MET'} |`,
    );
  return out;
}

function emulatorLines() {
  const em = results.emulator;
  if (em === undefined || em.rows.length === 0) return [];
  const out = [
    '',
    `Emulator build and teardown, seconds (median of ${reps}); floor: ip -batch (../shared/bench/iproute2/ipr_bench.sh batch N), measured in this run; Mininet: recorded`,
    '',
    '| topology | N | twinnet build | twinnet teardown | build + teardown | floor build + teardown cmd | floor teardown until done | vs floor | target <= 1.2x floor | Mininet setup + stop (recorded) | verify (extra) | build phases |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of em.rows) {
    const ours = r.build + r.teardown;
    const fl = r.floor === undefined ? undefined : r.floor.build + r.floor.teardownCmd;
    const v = ratio(ours, fl);
    const mn = r.mininet === undefined ? undefined : r.mininet.setup + r.mininet.stop;
    const phases =
      Object.entries(r.phases ?? {})
        .map(([k, x]) => `${k} ${f3(x)}`)
        .join(', ') || '-';
    out.push(
      `| ${r.topo} | ${r.n} | ${f3(r.build)} | ${f3(r.teardown)} | ${f3(ours)} | ${f3(fl)} | ${f3(r.floor?.teardownDone)} | ${v === undefined ? '-' : `${v.toFixed(2)}x`} | ${v === undefined ? 'not measured' : v <= 1.2 ? 'met' : 'NOT MET'} | ${f3(mn)} | ${f3(r.verify)} | ${phases} |`,
    );
  }
  return out;
}

function summaryLines() {
  const t = results.targets;
  const count = (s) => t.filter((x) => x.status === s).length;
  const out = [
    '',
    `Targets${quick ? ' (--quick: smallest sizes, one run each; a smoke run, not a verdict on the targets)' : ''}: ${count('met')} met, ${count('NOT MET')} NOT MET, ${count('not measured')} not measured`,
    '',
    '| target | at | measured | limit | status |',
    '|---|---|---|---|---|',
  ];
  for (const x of t) out.push(`| ${x.target} | ${x.at} | ${x.value} | ${x.limit} | ${x.status} |`);
  return out;
}

const wants = (p) => only === undefined || only === p;
save();
if (wants('--only-sim')) {
  part('simulator throughput', throughput);
  part('simulator build', build);
  part('bundled scenarios', () => {
    results.scenarios = runJson(process.execPath, ['dist/bench/sim-scenarios.js', String(SCENARIO_REPS)]);
  });
}
if (wants('--only-commands'))
  part('commands', () => {
    results.commands = runJson(process.execPath, ['dist/bench/commands.js', String(COMMAND_CONTAINERS)]);
  });
if (wants('--only-emulator')) part('emulator', emulator);

results.targets = judgeTargets(results);
results.complete = results.failures.length === 0;
results.machine.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
save();

const sections = [peerLines(), throughputLines(), buildLines(), scenarioLines(), commandLines(), emulatorLines()];
const lines = sections.flat();
lines.push(...summaryLines());
if (results.failures.length > 0) {
  lines.push('', `INCOMPLETE: ${results.failures.length} part(s) could not run:`);
  for (const f of results.failures) lines.push(`- ${f.part}: ${f.error}`);
}
process.stdout.write(`${lines.join('\n')}\n\nwritten to ${resultsFile}${results.complete ? '' : ' (partial)'}\n`);
process.exitCode = results.complete ? 0 : 1;
