/**
 * `twinnet compare FILE`: the scenario in the simulator and on real namespaces, every
 * device captured in both, and whether they agree probe by probe and device by device
 * (the twin run, twin/run.ts). Exit 1 on any disagreement.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { renderComparison } from '../reports/comparison.js';
import { prepareOutputDir, prepareSubDir, writeOutputFile } from '../reports/output-path.js';
import { writeRunOutput } from '../reports/run-output.js';
import { emulatorAndSim, runTwin } from '../twin/run.js';
import { emulatorFailure, requireRoot } from './emulate.js';
import { CliError, EXIT_FAILED } from './errors.js';
import { requirePlan } from './scenario-input.js';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('run a scenario in the simulator and on real namespaces (root) and show where they differ')
    .argument('<file>', 'scenario file')
    .option('-o, --out <dir>', 'output folder for both runs and comparison.json (default: out/NAME-compare)')
    .option('--no-netem', 'shape links with the userspace link even where the kernel has netem')
    .action(async (file: string, opts: { out?: string; netem?: boolean }) => {
      const { model, plan } = requirePlan(file);
      requireRoot();
      const out = opts.out ?? join('out', `${model.name}-compare`);
      prepareOutputDir(out);
      // Folders twinnet makes inside the output folder are real folders, never a planted link.
      prepareSubDir(join(out, 'sim'));
      prepareSubDir(join(out, 'emulator'));
      // The simulator runs the testbed the emulator built: its userspace links included.
      const {
        real: emu,
        model: sim,
        comparison: c,
      } = await runTwin(plan, emulatorAndSim({ netem: opts.netem !== false })).catch(emulatorFailure);
      writeRunOutput(join(out, 'sim'), sim, plan);
      writeRunOutput(join(out, 'emulator'), emu, plan);
      writeOutputFile(join(out, 'comparison.json'), `${JSON.stringify(c, null, 2)}\n`);
      process.stdout.write(
        `twinnet compare ${file}: scenario ${plan.scenario.name}, seed ${plan.scenario.seed}\n\n${renderComparison(c)}`,
      );
      for (const n of emu.observations.notes.filter((x) => !plan.notes.includes(x)))
        process.stdout.write(`note: ${n}\n`);
      process.stdout.write(
        `\n${c.agree ? 'The simulator and the kernel agree.' : 'The simulator and the kernel DIFFER.'} Written to ${out}/.\n`,
      );
      if (!c.agree) throw new CliError('the engines disagree', EXIT_FAILED);
    });
}
