/**
 * `twinnet validate FILE...`: parse, resolve and check scenario files, report every
 * problem with its position, and say what a valid file holds.
 */
import type { Command } from 'commander';
import { hasErrors } from '../core/scenario/diagnostics.js';
import { CliError, EXIT_BAD_INPUT } from './errors.js';
import { loadOrThrow, printDiagnostics } from './scenario-input.js';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check scenario files and report every problem with its line and field')
    .argument('<file...>', 'scenario files (YAML or JSON)')
    .option('-q, --quiet', 'print only problems')
    .action((files: string[], opts: { quiet?: boolean }) => {
      let bad = 0;
      for (const file of files) {
        const r = loadOrThrow(file);
        printDiagnostics(r.diagnostics);
        if (r.model === undefined || hasErrors(r.diagnostics)) bad++;
        else if (opts.quiet !== true) {
          const m = r.model;
          const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
          const probes = m.timeline.filter((e) => e.probe !== undefined).length;
          process.stdout.write(`${file}: valid (${[count(m.hosts.length, 'host'), count(m.networks.length, 'network'), count(m.containers.length, 'container'), count(probes, 'probe'), count(m.timeline.length - probes, 'fault')].join(', ')})\n`);
        }
      }
      if (bad > 0) throw new CliError(`${bad} of ${files.length} file${files.length === 1 ? '' : 's'} invalid`, EXIT_BAD_INPUT);
    });
}
