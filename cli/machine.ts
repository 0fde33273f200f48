/** `twinnet doctor` and `twinnet clean`: can this machine emulate, and removing what killed runs left. */
import type { Command } from 'commander';
import { clean } from '../emulator/clean.js';
import { doctor } from '../emulator/doctor.js';
import { requireRoot } from './emulate.js';
import { CliError, EXIT_UNAVAILABLE } from './errors.js';

export function registerMachine(program: Command): void {
  program
    .command('doctor')
    .description('check whether this machine can run the emulator, and say how to fix what is missing')
    .action(async () => {
      const findings = await doctor();
      for (const f of findings)
        process.stdout.write(
          `${f.ok ? 'ok     ' : f.required ? 'MISSING' : 'absent '}  ${f.what.padEnd(28)} ${f.detail}\n`,
        );
      const blocking = findings.filter((f) => f.required && !f.ok);
      if (blocking.length > 0)
        throw new CliError(
          `this machine cannot emulate yet: ${blocking.map((f) => f.what).join(', ')}`,
          EXIT_UNAVAILABLE,
        );
      process.stdout.write('\nThis machine can run the emulator.\n');
    });
  program
    .command('clean')
    .description(
      "remove what killed emulator runs left behind: twinnet's namespaces (by their run marker), processes in them, temporary captures; runs whose process is alive are left alone",
    )
    .option('--marker <m>', 'only the run with this four-character marker')
    .option('--force', 'remove runs whose process is still alive too (that run then fails)')
    .action(async (opts: { marker?: string; force?: boolean }) => {
      requireRoot();
      if (opts.marker !== undefined && !/^[a-z0-9]{4}$/.test(opts.marker))
        throw new CliError(`--marker: expected four characters of a-z and 0-9, got "${opts.marker}"`);
      const r = await clean(opts.marker, { force: opts.force === true });
      process.stdout.write(
        `removed ${r.namespaces.length} namespace${r.namespaces.length === 1 ? '' : 's'}${r.namespaces.length > 0 ? ` (${r.namespaces.join(', ')})` : ''}, ended ${r.pids.length} process${r.pids.length === 1 ? '' : 'es'}, deleted ${r.folders.length} temporary folder${r.folders.length === 1 ? '' : 's'}\n`,
      );
      for (const s of r.skipped) {
        process.stdout.write(
          `skipped run ${s.marker}: its process ${s.pid} is still running${s.command === '' ? '' : ` (${s.command})`}; stop it, or use --force to remove the run anyway\n`,
        );
      }
    });
}
