/**
 * The `twinnet` command: one subcommand per file in this folder, wired here. Every
 * failure ends with a message and an exit code from `errors.ts`; stack traces appear
 * only for internal errors and only with TWINNET_DEBUG=1.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { OutputPathError } from '../reports/output-path.js';
import { CliError, EXIT_BAD_INPUT, EXIT_INTERNAL } from './errors.js';
import { registerPlan } from './plan.js';
import { registerSchema } from './schema.js';
import { registerSim } from './sim.js';
import { registerEmulate } from './emulate.js';
import { registerCompare } from './compare.js';
import { registerExplore } from './explore.js';
import { registerMachine } from './machine.js';
import { registerValidate } from './validate.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Builds the program; exported for tests. */
export function buildProgram(): Command {
  const program = new Command('twinnet')
    .description(
      'A testbed for container networks: compile a scenario to Linux state, simulate it, emulate it, compare.',
    )
    .version(version())
    .showHelpAfterError('(run twinnet --help for usage)')
    .exitOverride();
  registerValidate(program);
  registerPlan(program);
  registerSim(program);
  registerEmulate(program);
  registerCompare(program);
  registerExplore(program);
  registerMachine(program);
  registerSchema(program);
  program.addHelpText(
    'after',
    '\nExit codes: 0 ok, 1 an expectation failed, 2 bad input, 3 the machine cannot do it, 70 internal error.\nScenario format: docs/scenario-format.md',
  );
  return program;
}

/** Runs the command line and returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv]);
    return 0;
  } catch (e) {
    return report(e);
  }
}

function report(e: unknown): number {
  if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
  if (e instanceof CliError) {
    process.stderr.write(`twinnet: ${e.message}\n`);
    return e.exitCode;
  }
  // A path the output cannot go to is bad input, wherever it was found.
  if (e instanceof OutputPathError) {
    process.stderr.write(`twinnet: ${e.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  process.stderr.write(`twinnet: internal error: ${err.message}\n`);
  if (process.env.TWINNET_DEBUG === '1') process.stderr.write(`${err.stack ?? ''}\n`);
  else process.stderr.write('(set TWINNET_DEBUG=1 for the stack trace, and please report it)\n');
  return EXIT_INTERNAL;
}
