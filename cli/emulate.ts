/**
 * `twinnet emulate FILE`: the scenario on real network namespaces (root needed), with the
 * same output as `twinnet sim`: the table of probes, observations.json and pcaps in the
 * output folder, exit 1 when an expectation fails.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { verdictsOf } from '../core/verdicts.js';
import { EmulatorError } from '../emulator/errors.js';
import { emulatorBackend } from '../emulator/run.js';
import { renderProbeTable } from '../reports/probe-table.js';
import { prepareOutputDir } from '../reports/output-path.js';
import { writeRunOutput } from '../reports/run-output.js';
import { CliError, EXIT_FAILED, EXIT_INTERNAL, EXIT_UNAVAILABLE } from './errors.js';
import { progressBar } from './progress.js';
import { tableStyle } from './table-style.js';
import { requirePlan } from './scenario-input.js';

interface EmulateOptions {
  out?: string;
  captureAll?: boolean;
  netem?: boolean;
  json?: boolean;
  wide?: boolean;
}

/** Refuses to go on without root, with a sentence that says what to do. */
export function requireRoot(): void {
  if (process.getuid?.() !== 0)
    throw new CliError(
      'the emulator builds network namespaces and needs root; run it with sudo (twinnet doctor says what else it needs)',
      EXIT_UNAVAILABLE,
    );
}

/**
 * How an emulator failure ends the command: exit 3 when the machine lacks what the run
 * needs (a precondition), else 70, for a command that failed, a kernel state that is not
 * the plan's, or a timeout: a build that fails is twinnet's fault or the machine's, never
 * an unmet expectation (exit 1 means only that). The message carries the command, its
 * exit code and its stderr.
 */
export function emulatorFailure(e: unknown): never {
  if (e instanceof EmulatorError)
    throw new CliError(e.describe(), e.kind === 'precondition' ? EXIT_UNAVAILABLE : EXIT_INTERNAL);
  throw e;
}

export function registerEmulate(program: Command): void {
  program
    .command('emulate')
    .description(
      'run a scenario on real network namespaces (root): probes, outcomes, expectations; writes observations and pcaps',
    )
    .argument('<file>', 'scenario file')
    .option('-o, --out <dir>', 'output folder (default: out/NAME-emulator)')
    .option('--capture-all', 'capture every device, not only those the scenario names')
    .option('--no-netem', 'shape links with the userspace link even where the kernel has netem')
    .option('--json', 'print the observations as JSON instead of the table')
    .option('--wide', 'print every cell of the table in full, whatever the terminal width')
    .action(async (file: string, opts: EmulateOptions) => {
      const { model, plan } = requirePlan(file);
      requireRoot();
      // Checked before the namespaces are built, so that a bad --out costs no run.
      const out = opts.out ?? join('out', `${model.name}-emulator`);
      prepareOutputDir(out);
      const started = Date.now();
      const bar = progressBar(plan.namespaces.length >= 50);
      const onPhase = (p: string) =>
        bar === undefined
          ? process.stderr.isTTY && process.stderr.write(`\r${p}...`.padEnd(30))
          : bar.update(p === 'timeline' ? 1 : 0, p);
      const emulator = emulatorBackend({ netem: opts.netem !== false, onPhase });
      const result = await emulator
        .run(plan, { captureAll: opts.captureAll === true, ...(bar && { onProgress: bar.update }) })
        .finally(() => bar?.stop())
        .catch(emulatorFailure);
      if (process.stderr.isTTY) process.stderr.write('\r'.padEnd(31) + '\r');
      const obs = writeRunOutput(out, result, plan);
      const verdicts = verdictsOf(plan, obs);
      if (opts.json === true) process.stdout.write(`${JSON.stringify(obs, null, 2)}\n`);
      else {
        process.stdout.write(
          `twinnet emulate ${file}: scenario ${obs.scenario}, ${((Date.now() - started) / 1000).toFixed(1)} s including build and teardown\n\n`,
        );
        process.stdout.write(
          renderProbeTable(obs, verdicts, tableStyle(process.stdout, process.env, opts.wide === true)),
        );
        for (const n of obs.notes) process.stdout.write(`\nnote: ${n}`);
        const failed = [...verdicts.values()].filter((v) => !v.met).length;
        process.stdout.write(
          `\n\n${obs.probes.length} probes, ${verdicts.size} with expectations: ${verdicts.size - failed} met, ${failed} not met. Written to ${out}/.\n`,
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
