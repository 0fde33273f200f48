/**
 * The bundled scenarios in the simulator, printed as one JSON line: for each file in
 * scenarios/, the wall time of one whole run (compile excluded, build included), the
 * median of `reps` runs after one warm-up, and the simulated time it covered. This is
 * the "see in milliseconds which flows work" number for real scenarios, overlays and
 * routed datacentres included, rather than synthetic traffic.
 *
 * Usage: node dist/bench/sim-scenarios.js [reps]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadPlan } from '../core/plan/load-plan.js';
import { simulate } from '../sim/run.js';

const reps = Number(process.argv[2] ?? '10');
const dir = join(import.meta.dirname, '..', '..', 'scenarios');
const rows = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((file) => {
    const plan = loadPlan(readFileSync(join(dir, file), 'utf8'), join(dir, file)).plan;
    if (plan === undefined) throw new Error(`${file} is invalid`);
    const first = simulate(plan);
    const walls = Array.from({ length: reps }, () => {
      const t = performance.now();
      simulate(plan);
      return performance.now() - t;
    }).sort((a, b) => a - b);
    return {
      file,
      namespaces: plan.namespaces.length,
      simulatedS: first.observations.endNs / 1e9,
      wallMs: walls[Math.floor((walls.length - 1) / 2)] as number,
    };
  });
process.stdout.write(`${JSON.stringify({ reps, rows })}\n`);
