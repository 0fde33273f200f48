/**
 * Building a large scenario in the simulator, printed as one JSON line: N containers on
 * one Docker host's default bridge, from scenario text to a ready Topology (parse, resolve,
 * validate, compile, build), and the heap that the Topology holds per container (measured
 * with the garbage collector run before and after; needs node --expose-gc).
 *
 * Usage: node --expose-gc dist/bench/sim-build.js N
 */
import { loadPlan } from '../core/plan/load-plan.js';
import { Topology } from '../sim/topology.js';
import { dockerScenario } from './topologies.js';

const n = Number(process.argv[2] ?? '1000');
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const text = dockerScenario(n);
gc();
const t0 = performance.now();
// Loading ends where compiling begins: loadPlan says when (its lint is counted with the compile).
let t1 = t0;
const loaded = loadPlan(text, 'docker.yaml', (step) => {
  if (step === 'compile') t1 = performance.now();
});
const t2 = performance.now();
const plan = loaded.plan;
if (plan === undefined) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
gc();
const before = process.memoryUsage().heapUsed;
const t3 = performance.now();
const topology = new Topology(plan, 1);
const t4 = performance.now();
gc();
const after = process.memoryUsage().heapUsed;
process.stdout.write(
  `${JSON.stringify({
    engine: 'twinnet-sim',
    what: 'build',
    containers: n,
    namespaces: topology.namespaces.size,
    loadWall: round((t1 - t0) / 1000),
    compileWall: round((t2 - t1) / 1000),
    topologyWall: round((t4 - t3) / 1000),
    totalWall: round((t2 - t0 + t4 - t3) / 1000),
    topologyBytesPerContainer: Math.round((after - before) / n),
  })}\n`,
);

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
