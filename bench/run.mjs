#!/usr/bin/env node
// `npm run bench`: the standard workloads, measured now, on this machine, side by side
// with the peers where they can run here. Prints tables and writes out/bench/results.json.
//
//   node bench/run.mjs [--reps N] [--quick] [--no-ns3] [--only-sim | --only-emulator | --only-commands]
//
// The commands on 10,000 containers (bench/commands.ts): validate, plan in each format
// and sim, each in a fresh process, timed (2,000 containers with --quick).
//
// Simulator throughput: N hosts on one bridge (N = 16, 64, 256, 1024), each sending a
// 1000-byte UDP payload every millisecond to the next from t = 1 s, and the same split
// over two bridges joined by a router (../shared/bench/ns3/bridge_bench.cc, the ns-3
// program for exactly these workloads; built here with g++ when libns3-dev is installed,
// else its recorded results are shown and marked so). Each run is a fresh process;
// tables show the median of the runs. The simulator warms up on a small run of the same
// code before it is timed (see bench/sim-throughput.ts); cold numbers are printed too.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 3) || 3;
const quick = args.includes('--quick');
const useNs3 = !args.includes('--no-ns3');
const outDir = join(root, 'out', 'bench');
mkdirSync(outDir, { recursive: true });
const shared = join(root, '..', 'shared', 'bench');

const SIZES = quick ? [16, 256] : [16, 64, 256, 1024];
const simTimeFor = (n) => (n >= 1024 ? 1.5 : 3);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
}

function runJson(cmd, argv) {
  const r = spawnSync(cmd, argv, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`${[cmd, ...argv].join(' ')} exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

function ns3Binary() {
  if (!useNs3) return undefined;
  const src = join(shared, 'ns3', 'bridge_bench.cc');
  const bin = join(outDir, 'ns3-bridge_bench');
  if (existsSync(bin)) return bin;
  if (!existsSync(src) || !existsSync('/usr/include/ns3')) return undefined;
  process.stderr.write('building the ns-3 benchmark from ../shared/bench/ns3 (g++ -O2)...\n');
  execFileSync('g++', ['-O2', '-std=c++17', '-DNDEBUG', '-o', bin, src, '-lns3-core', '-lns3-network', '-lns3-internet', '-lns3-csma', '-lns3-bridge', '-lns3-applications', '-lns3-traffic-control'], { stdio: 'inherit' });
  return bin;
}

function recordedNs3(topo, n, simTime) {
  const f = join(shared, 'results', 'ns3.jsonl');
  if (!existsSync(f)) return undefined;
  const rows = readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((r) => r.topo === topo && r.nHosts === n && r.simTime === simTime && r.scheduler === 'ns3::MapScheduler' && !r.staticArp && !r.globalRouting);
  return rows.length === 0 ? undefined : { pktsPerSec: median(rows.map((r) => r.pktsPerSec)), eventsPerSec: median(rows.map((r) => r.eventsPerSec)), runs: rows.length, recorded: true };
}

function throughput() {
  const ns3 = ns3Binary();
  const rows = [];
  for (const topo of ['bridge', 'router']) {
    for (const n of SIZES) {
      const simTime = simTimeFor(n);
      process.stderr.write(`simulator ${topo} N=${n}...\n`);
      const sim = Array.from({ length: reps }, () => runJson(process.execPath, ['dist/bench/sim-throughput.js', topo, String(n), String(simTime)]));
      const cold = runJson(process.execPath, ['dist/bench/sim-throughput.js', topo, String(n), String(simTime), '--cold']);
      let peer;
      if (ns3 !== undefined) {
        process.stderr.write(`ns-3 ${topo} N=${n}...\n`);
        const k = n >= 1024 ? 1 : reps;
        const runs = Array.from({ length: k }, (_, i) => runJson(ns3, [`--topo=${topo}`, `--nHosts=${n}`, `--simTime=${simTime}`, `--seed=${i + 1}`]));
        peer = { pktsPerSec: median(runs.map((r) => r.pktsPerSec)), eventsPerSec: median(runs.map((r) => r.eventsPerSec)), delivered: median(runs.map((r) => r.delivered)), runs: k, recorded: false };
      } else peer = recordedNs3(topo, n, simTime);
      rows.push({
        topo, n, simTime,
        sim: { pktsPerSec: median(sim.map((r) => r.pktsPerSec)), eventsPerSec: median(sim.map((r) => r.eventsPerSec)), maxRssMB: Math.max(...sim.map((r) => r.maxRssMB)), delivered: sim[0].delivered, sent: sim[0].sent, coldPktsPerSec: cold.pktsPerSec, runs: reps },
        ns3: peer,
      });
    }
  }
  return rows;
}

function build() {
  return [100, 1000].map((n) => {
    const runs = Array.from({ length: reps }, () => runJson(process.execPath, ['--expose-gc', 'dist/bench/sim-build.js', String(n)]));
    return { containers: n, totalWall: median(runs.map((r) => r.totalWall)), worldBytesPerContainer: median(runs.map((r) => r.worldBytesPerContainer)), runs: reps };
  });
}

/** Recorded Mininet 2.3 (Linux bridges) setup and stop times, from ../shared/bench: see the note in the output. */
function recordedMininet(n) {
  const f = join(shared, 'results', 'mininet.jsonl');
  if (!existsSync(f)) return undefined;
  const rows = readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((r) => r.switch === 'lxbr' && r.n === n);
  return rows.length === 0 ? undefined : { setup: median(rows.map((r) => r.setup_total)), stop: median(rows.map((r) => r.stop)), runs: rows.length };
}

function floor(n) {
  const script = join(shared, 'iproute2', 'ipr_bench.sh');
  if (!existsSync(script)) return undefined;
  const runs = Array.from({ length: reps }, () => runJson('bash', [script, 'batch', String(n)]));
  return { build: median(runs.map((r) => r.build)), teardownCmd: median(runs.map((r) => r.teardown_cmd)), teardownDone: median(runs.map((r) => r.teardown_done)) };
}

function emulator() {
  if (process.getuid?.() !== 0) return { skipped: 'the emulator benchmark needs root' };
  const sizes = quick ? [10, 100] : [10, 100, 500, 1000];
  const rows = [];
  for (const n of sizes) {
    process.stderr.write(`emulator N=${n}...\n`);
    const fl = floor(n);
    for (const topo of ['bridge', 'twohosts']) {
      const runs = Array.from({ length: reps }, () => runJson(process.execPath, ['dist/bench/emu-build.js', topo, String(n)]));
      rows.push({ topo, n, build: median(runs.map((r) => r.build)), teardown: median(runs.map((r) => r.teardown)), verify: median(runs.map((r) => r.verify)), floor: fl, mininet: recordedMininet(n), runs: reps });
    }
  }
  return { rows };
}

const fmt = (x) => (x === undefined || Number.isNaN(x) ? '-' : Math.round(x).toLocaleString('en-US'));
const onlyCommands = args.includes('--only-commands');
const tp = args.includes('--only-emulator') || onlyCommands ? [] : throughput();
const bd = args.includes('--only-emulator') || onlyCommands ? [] : build();
const em = args.includes('--only-sim') || onlyCommands ? { skipped: onlyCommands ? '--only-commands' : '--only-sim' } : emulator();
const sc = args.includes('--only-emulator') || onlyCommands ? undefined : runJson(process.execPath, ['dist/bench/sim-scenarios.js', String(quick ? 5 : 20)]);
const cm = args.includes('--only-emulator') || args.includes('--only-sim') ? undefined : runJson(process.execPath, ['dist/bench/commands.js', String(quick ? 2000 : 10000)]);

const lines = ['', `Simulator throughput (median of ${reps} runs; ns-3 1024-host runs: 1)`, '', '| workload | N | sim s | twinnet pkts/s (cold) | twinnet events/s | ns-3 pkts/s | ratio | target >= 5x | twinnet peak RSS MB |', '|---|---|---|---|---|---|---|---|---|'];
for (const r of tp) {
  const ratio = r.ns3 === undefined ? undefined : r.sim.pktsPerSec / r.ns3.pktsPerSec;
  const peer = r.ns3 === undefined ? 'not available' : `${fmt(r.ns3.pktsPerSec)}${r.ns3.recorded ? ' (recorded)' : ''}`;
  lines.push(`| ${r.topo} | ${r.n} | ${r.simTime} | ${fmt(r.sim.pktsPerSec)} (${fmt(r.sim.coldPktsPerSec)}) | ${fmt(r.sim.eventsPerSec)} | ${peer} | ${ratio === undefined ? '-' : `${ratio.toFixed(1)}x`} | ${ratio === undefined ? '-' : ratio >= 5 ? 'met' : 'NOT MET'} | ${r.sim.maxRssMB} |`);
}
lines.push('', 'Simulator build (scenario text to a ready world: parse, validate, compile, build)', '', '| containers | build s | world bytes per container | targets: < 1 s at 1000, < 20 KB |', '|---|---|---|---|');
for (const b of bd) lines.push(`| ${b.containers} | ${b.totalWall.toFixed(3)} | ${fmt(b.worldBytesPerContainer)} | ${b.containers === 1000 ? (b.totalWall < 1 && b.worldBytesPerContainer < 20480 ? 'met' : 'NOT MET') : '-'} |`);
if (sc !== undefined) {
  lines.push('', `Bundled scenarios in the simulator (one whole run, median of ${sc.reps} after a warm-up)`, '', '| scenario | namespaces | simulated s | wall ms |', '|---|---|---|---|');
  for (const r of sc.rows) lines.push(`| ${r.file} | ${r.namespaces} | ${r.simulatedS.toFixed(2)} | ${r.wallMs.toFixed(1)} |`);
}
if (cm !== undefined) {
  lines.push('', `Commands on ${cm.containers.toLocaleString('en-US')} containers over 4 Docker hosts (bench/commands.ts; one fresh process each; CPU = user + system)`, '', '| command | wall s | CPU s | peak RSS MB | target < 10 s |', '|---|---|---|---|---|');
  for (const r of cm.rows) lines.push(`| ${r.command} | ${r.wallS.toFixed(2)} | ${r.cpuS === undefined ? '-' : r.cpuS.toFixed(2)} | ${r.maxRssMB ?? '-'} | ${r.exit !== 0 ? `exit ${r.exit}` : r.wallS < 10 ? 'met' : 'NOT MET'} |`);
}
if (em.skipped !== undefined) lines.push('', `Emulator build and teardown: not measured (${em.skipped})`);
else {
  lines.push('', `Emulator build and teardown, seconds (median of ${reps}); floor: ../shared/bench/iproute2/ipr_bench.sh batch N, run now; Mininet: recorded in ../shared/bench (not run here: its switches live in the root namespace)`, '',
    '| topology | N | twinnet build | twinnet teardown | build + teardown | floor build + teardown (cmd / done) | vs floor | target <= 2x floor | Mininet setup + stop | vs Mininet | verify (extra) |', '|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of em.rows) {
    const ours = r.build + r.teardown;
    const fl = r.floor === undefined ? undefined : r.floor.build + r.floor.teardownDone;
    const mn = r.mininet === undefined ? undefined : r.mininet.setup + r.mininet.stop;
    const f3 = (x) => (x === undefined ? '-' : x.toFixed(3));
    lines.push(`| ${r.topo} | ${r.n} | ${f3(r.build)} | ${f3(r.teardown)} | ${f3(ours)} | ${fl === undefined ? '-' : `${f3(r.floor.build + r.floor.teardownCmd)} / ${f3(fl)}`} | ${fl === undefined ? '-' : `${(ours / fl).toFixed(2)}x`} | ${fl === undefined ? '-' : ours <= 2 * fl ? 'met' : 'NOT MET'} | ${f3(mn)} | ${mn === undefined ? '-' : `${(mn / ours).toFixed(1)}x faster`} | ${f3(r.verify)} |`);
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
const machine = { node: process.version, cpus: (await import('node:os')).cpus().length, date: new Date().toISOString() };
writeFileSync(join(outDir, 'results.json'), `${JSON.stringify({ machine, throughput: tp, build: bd, scenarios: sc, commands: cm, emulator: em }, null, 2)}\n`);
process.stdout.write(`\nwritten to out/bench/results.json\n`);
