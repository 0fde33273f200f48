/**
 * One simulator throughput run, printed as one JSON line: the workload of
 * ../shared/bench/ns3/bridge_bench.cc (every host sends a 1000-byte UDP payload every
 * millisecond from t = 1 s to the end, to the next host on a bridge, or across the
 * router to its twin on the other side), with wall time measured around the run only.
 *
 * Usage: node dist/bench/sim-throughput.js bridge|router N [simSeconds] [--cold]
 */
import { loadPlan } from '../core/plan/load-plan.js';
import { CbrSender, UdpSink } from '../sim/apps/cbr.js';
import { Topology } from '../sim/topology.js';
import { parseIpv4 } from '../core/addr.js';
import { bridgeScenario, hostAddress, routerScenario } from './topologies.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [topo = 'bridge', nText = '16', simText = '3'] = args;
const warmup = !process.argv.includes('--cold');
const n = Number(nText);
const simTime = Number(simText) * 1e9;
const PORT = 9;

/**
 * Builds the workload; returns the topology, its sinks and senders. With --cold omitted, a
 * small run of the same code first lets V8 compile the hot paths, so the measured run
 * shows steady-state speed, as a compiled simulator would from its first packet.
 */
function build(topo: string, n: number, simTime: number) {
  const loaded = loadPlan(topo === 'router' ? routerScenario(n) : bridgeScenario(n), `${topo}.yaml`);
  if (loaded.plan === undefined) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
  const topology = new Topology(loaded.plan, 1);
  const names =
    topo === 'router'
      ? [...Array.from({ length: n / 2 }, (_, i) => `a${i}`), ...Array.from({ length: n / 2 }, (_, i) => `b${i}`)]
      : Array.from({ length: n }, (_, i) => `h${i}`);
  const sinks = names.map((h) => new UdpSink(topology.ns(h), PORT));
  const senders = names.map((h, i) => {
    const dst =
      topo === 'router' ? (i < n / 2 ? hostAddress(2, i) : hostAddress(1, i - n / 2)) : hostAddress(1, (i + 1) % n);
    return new CbrSender(topology.ns(h), parseIpv4(dst) ?? 0, PORT, 1000, 1e6, 1e9, simTime);
  });
  return { topology, sinks, senders };
}

if (warmup) build(topo, 16, 2e9).topology.sim.run(2e9);
const t0 = performance.now();
const { topology, sinks, senders } = build(topo, n, simTime);
const buildWall = (performance.now() - t0) / 1000;

const cpu0 = process.cpuUsage();
const t1 = performance.now();
for (let t = 0.1e9; t <= simTime; t += 0.1e9) topology.sim.run(t);
const runWall = (performance.now() - t1) / 1000;
// The peak RSS from getrusage (ru_maxrss, KiB), read once after the run: sampling
// process.memoryUsage() between slices read /proc and walked V8's heap spaces, 2 to 5 %
// of a cold 0.1 s run's wall time.
const peakRss = process.resourceUsage().maxRSS * 1024;
// CPU seconds of the run (all threads: V8 compiles and collects garbage on helpers), a
// figure less disturbed than wall time when other processes share the cores.
const cpu = process.cpuUsage(cpu0);
const runCpu = (cpu.user + cpu.system) / 1e6;

const delivered = sinks.reduce((s, x) => s + x.received, 0);
const sent = senders.reduce((s, x) => s + x.sent, 0);
const events = topology.sim.scheduler.executed;
process.stdout.write(
  `${JSON.stringify({
    engine: 'twinnet-sim',
    topo,
    nHosts: n,
    warmup,
    simTime: simTime / 1e9,
    buildWall: round(buildWall),
    runWall: round(runWall),
    runCpu: round(runCpu),
    events,
    delivered,
    sent,
    eventsPerSec: Math.round(events / runWall),
    pktsPerSec: Math.round(delivered / runWall),
    pktsPerCpuSec: Math.round(delivered / runCpu),
    eventsPerPkt: round(events / Math.max(delivered, 1)),
    drops: topology.trace.dropCount,
    maxRssMB: Math.round(peakRss / 2 ** 20),
  })}\n`,
);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
