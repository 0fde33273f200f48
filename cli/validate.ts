/**
 * `twinnet validate FILE...`: parse, resolve and check scenario files, report every
 * problem with its position, and say what a valid file holds.
 */
import type { Command } from 'commander';
import { hasErrors } from '../core/scenario/diagnostics.js';
import type { ScenarioModel } from '../core/scenario/model.js';
import { CliError, EXIT_BAD_INPUT } from './errors.js';
import { loadOrThrow, MAX_PRINTED_DIAGNOSTICS, printDiagnostics } from './scenario-input.js';

/**
 * The networks of a valid file: those it declares, then those Docker makes itself on
 * each Docker host (the default bridge, docker0, and on a swarm node with overlay
 * containers docker_gwbridge), which the model holds too; a bare total read as more
 * networks than the file has.
 */
export function networkCount(m: ScenarioModel): string {
  const implicit = m.networks.filter((n) => n.isDefault || n.gwBridge === true);
  const declared = m.networks.length - implicit.length;
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  if (implicit.length === 0) return plural(declared, 'network');
  const byDevice = new Map<string, string[]>();
  for (const n of implicit) byDevice.set(n.bridgeName, [...(byDevice.get(n.bridgeName) ?? []), ...n.hosts]);
  const where = [...byDevice].map(
    ([dev, hosts]) =>
      `${dev} on ${hosts.length === 1 ? hosts[0] : `${hosts.slice(0, -1).join(', ')} and ${hosts.at(-1)}`}`,
  );
  return `${plural(declared, 'network')} declared + ${implicit.length} that Docker makes (${where.join('; ')})`;
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check scenario files and report every problem with its line and field')
    .argument('<file...>', 'scenario files (YAML or JSON)')
    .option('-q, --quiet', 'print only problems')
    .option(
      '--all-errors',
      `print every problem of a file (by default the first ${MAX_PRINTED_DIAGNOSTICS} and a count of the rest)`,
    )
    .action((files: string[], opts: { quiet?: boolean; allErrors?: boolean }) => {
      let bad = 0;
      for (const file of files) {
        const r = loadOrThrow(file);
        printDiagnostics(r.diagnostics, process.stderr, {
          max: opts.allErrors === true ? undefined : MAX_PRINTED_DIAGNOSTICS,
          howToSeeAll: '--all-errors prints every one',
        });
        if (r.model === undefined || hasErrors(r.diagnostics)) bad++;
        else if (opts.quiet !== true) {
          const m = r.model;
          const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
          const probes = m.timeline.filter((e) => e.probe !== undefined).length;
          process.stdout.write(
            `${file}: valid (${[count(m.hosts.length, 'host'), networkCount(m), count(m.containers.length, 'container'), count(probes, 'probe'), count(m.timeline.length - probes, 'fault')].join(', ')})\n`,
          );
        }
      }
      if (bad > 0)
        throw new CliError(`${bad} of ${files.length} file${files.length === 1 ? '' : 's'} invalid`, EXIT_BAD_INPUT);
    });
}
