/**
 * Loading the scenario a command was given into its plan, printing its diagnostics, and
 * stopping with exit code 2 when it has errors. Shared by every command that takes a
 * FILE: each reads the file here (cli/scenario-file.ts) and compiles it once, through
 * core's one entry point (core/plan/load-plan.ts).
 */
import { loadPlanBytes, type LoadResult, type LoadStep } from '../core/plan/load-plan.js';
import type { Plan } from '../core/plan/types.js';
import { formatDiagnostic, hasErrors, type Diagnostic } from '../core/scenario/diagnostics.js';
import type { ScenarioModel } from '../core/scenario/model.js';
import { CliError, describeIoError } from './errors.js';
import { stepProgress, type StepProgress } from './progress.js';
import { readScenarioBytes, scenarioFileName } from './scenario-file.js';

/** How far loading is when each step begins (parsing is most of it; measured on 10,000 containers). */
const STEP_PROGRESS: Readonly<Record<LoadStep, { what: string; fraction: number }>> = {
  parse: { what: 'parsing', fraction: 0 },
  resolve: { what: 'resolving names, addresses and networks', fraction: 0.5 },
  check: { what: 'checking', fraction: 0.7 },
  compile: { what: 'compiling', fraction: 0.8 },
};

/**
 * Reads a file (`-`: standard input) and loads it into its plan; I/O errors (Node's, and
 * ScenarioFileError) are thrown to the caller.
 */
export function loadPlanFile(file: string, onStep?: (step: LoadStep) => void): LoadResult {
  return loadPlanBytes(readScenarioBytes(file), scenarioFileName(file), onStep);
}

/** Loads a file, with progress on standard error when it takes long; throws CliError for I/O problems. */
export function loadOrThrow(file: string, progress: StepProgress = stepProgress(file)): LoadResult {
  try {
    return loadPlanFile(file, (s) => progress.step(STEP_PROGRESS[s].what, STEP_PROGRESS[s].fraction));
  } catch (e) {
    throw describeIoError(e, file) ?? e;
  } finally {
    progress.done();
  }
}

/**
 * How many diagnostics of one file are printed unless all are asked for: a generated
 * scenario with a mistake in every container would otherwise print 100,000 lines, and
 * the first few say what is wrong.
 */
export const MAX_PRINTED_DIAGNOSTICS = 50;

/** How many to print (undefined: all), and how the line after the first ones says to see the rest. */
export interface PrintLimit {
  readonly max: number | undefined;
  readonly howToSeeAll: string;
}

const DEFAULT_LIMIT: PrintLimit = {
  max: MAX_PRINTED_DIAGNOSTICS,
  howToSeeAll: 'twinnet validate --all-errors FILE prints every one',
};

/** Prints diagnostics to stderr, errors first; past `limit.max`, one line counts the rest. */
export function printDiagnostics(
  ds: readonly Diagnostic[],
  out: NodeJS.WritableStream = process.stderr,
  limit: PrintLimit = DEFAULT_LIMIT,
): void {
  const sorted = [...ds].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  const shown = limit.max === undefined ? sorted : sorted.slice(0, limit.max);
  for (const d of shown) out.write(`${formatDiagnostic(d)}\n`);
  const rest = sorted.slice(shown.length);
  if (rest.length === 0) return;
  const errors = rest.filter((d) => d.severity === 'error').length;
  const kinds = [
    errors > 0 ? plural(errors, 'error') : '',
    rest.length > errors ? plural(rest.length - errors, 'warning') : '',
  ].filter((x) => x !== '');
  out.write(`... and ${kinds.join(' and ')} more (${limit.howToSeeAll})\n`);
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** The model of a valid scenario and its plan, compiled once; prints warnings; throws CliError listing every error. */
export function requirePlan(file: string): { model: ScenarioModel; plan: Plan } {
  const r = loadOrThrow(file);
  printDiagnostics(r.diagnostics);
  if (r.model === undefined || r.plan === undefined || hasErrors(r.diagnostics)) {
    const n = r.diagnostics.filter((d) => d.severity === 'error').length;
    throw new CliError(`${file}: ${n} error${n === 1 ? '' : 's'}; nothing was run`);
  }
  return { model: r.model, plan: r.plan };
}
