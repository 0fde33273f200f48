/**
 * `twinnet sim FILE`: compile the scenario, run it in the simulator, print the table of
 * probes and whether each expectation was met, write observations and pcaps to the
 * output folder, and exit 1 when an expectation fails.
 */
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { isProbeAction, type Plan } from '../core/plan/types.js';
import { verdictsOf } from '../core/verdicts.js';
import { renderProbeTable, renderTrace } from '../reports/probe-table.js';
import { prepareOutputDir } from '../reports/output-path.js';
import { writeRunOutput } from '../reports/run-output.js';
import { simBackend } from '../sim/run.js';
import { CliError, EXIT_FAILED } from './errors.js';
import { progressBar } from './progress.js';
import { tableStyle } from './table-style.js';
import { requirePlan } from './scenario-input.js';

interface SimOptions {
  out?: string;
  seed?: number;
  captureAll?: boolean;
  trace?: string[];
  json?: boolean;
  wide?: boolean;
}

export function registerSim(program: Command): void {
  program
    .command('sim')
    .description('run a scenario in the simulator: probes, outcomes, expectations; writes observations and pcaps')
    .argument('<file>', 'scenario file')
    .option('-o, --out <dir>', 'output folder for observations.json and pcap/ (default: out/NAME)')
    .addOption(
      new Option('--seed <n>', "seed of the run's random stream (default: the scenario's)").argParser(parseSeed),
    )
    .option('--capture-all', 'capture every device, not only those the scenario names')
    .option('--trace <probe...>', 'print the decision trace of these probes ("all" for every probe)')
    .option('--json', 'print the observations as JSON instead of the table')
    .option('--wide', 'print every cell of the table in full, whatever the terminal width')
    .action(async (file: string, opts: SimOptions) => {
      const { model, plan } = requirePlan(file);
      checkTraceNames(opts.trace, plan);
      // The output folder is checked before the run, so that a bad --out costs no run time.
      const out = opts.out ?? join('out', model.name);
      prepareOutputDir(out);
      const bar = progressBar(plan.durationNs !== undefined && plan.durationNs >= 10e9);
      const sim = simBackend(opts.trace === undefined ? {} : { traceProbes: opts.trace });
      const result = await sim.run(plan, {
        ...(opts.seed !== undefined && { seed: opts.seed }),
        captureAll: opts.captureAll === true,
        ...(bar && { onProgress: bar.update }),
      });
      bar?.stop();
      const obs = writeRunOutput(out, result, plan);
      const verdicts = verdictsOf(plan, obs);
      if (opts.json === true) process.stdout.write(`${JSON.stringify(obs, null, 2)}\n`);
      else {
        process.stdout.write(
          `twinnet sim ${file}: scenario ${obs.scenario}, seed ${obs.seed}, ${(obs.endNs / 1e9).toFixed(3)} s simulated\n\n`,
        );
        process.stdout.write(
          renderProbeTable(obs, verdicts, tableStyle(process.stdout, process.env, opts.wide === true)),
        );
        for (const p of obs.probes)
          if (opts.trace?.includes(p.name) || opts.trace?.includes('all')) process.stdout.write(`\n${renderTrace(p)}`);
        for (const n of obs.notes) process.stdout.write(`\nnote: ${n}`);
        const failed = [...verdicts.values()].filter((v) => !v.met).length;
        process.stdout.write(
          `\n\n${obs.probes.length} probes, ${verdicts.size} with expectations: ${verdicts.size - failed} met, ${failed} not met. Written to ${out}/ (observations.json, ${obs.captures.length} pcap files).\n`,
        );
      }
      const failed = [...verdicts.values()].filter((v) => !v.met);
      if (failed.length > 0)
        throw new CliError(
          `${failed.length} expectation${failed.length === 1 ? '' : 's'} not met: ${failed.map((v) => v.name).join(', ')}`,
          EXIT_FAILED,
        );
    });
}

function parseSeed(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff)
    throw new CliError(`--seed: expected an integer from 0 to 4294967295, got "${v}"`);
  return n;
}

/** Probe names `--trace` lists at most in its error; the rest are counted. */
const TRACE_NAMES_SHOWN = 20;

/** Refuses `--trace` names that are no probe of the plan ("all" is every probe), naming the probes there are. */
function checkTraceNames(trace: readonly string[] | undefined, plan: Plan): void {
  const probes = plan.timeline.filter((e) => isProbeAction(e.action)).map((e) => e.name);
  const unknown = (trace ?? []).filter((t) => t !== 'all' && !probes.includes(t));
  if (unknown.length === 0) return;
  const shown =
    probes.slice(0, TRACE_NAMES_SHOWN).join(', ') +
    (probes.length > TRACE_NAMES_SHOWN ? `, and ${probes.length - TRACE_NAMES_SHOWN} more` : '');
  const known = probes.length === 0 ? 'the scenario has no probes' : `expected "all" or one of: ${shown}`;
  throw new CliError(`--trace: no probe named ${unknown.map((u) => JSON.stringify(u)).join(', ')}; ${known}`);
}
