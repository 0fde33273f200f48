/**
 * Loading the scenario a command was given, printing its diagnostics, and stopping with
 * exit code 2 when it has errors. Shared by every command that takes a FILE.
 */
import { formatDiagnostic, hasErrors, type Diagnostic } from '../core/scenario/diagnostics.js';
import { loadScenarioFile, type LoadResult } from '../core/scenario/load.js';
import type { ScenarioModel } from '../core/scenario/model.js';
import { CliError, describeIoError } from './errors.js';

/** Loads a file; throws CliError for I/O problems. */
export function loadOrThrow(file: string): LoadResult {
  try {
    return loadScenarioFile(file);
  } catch (e) {
    throw describeIoError(e, file) ?? e;
  }
}

/** Prints diagnostics to stderr, errors first, with a count line. */
export function printDiagnostics(ds: readonly Diagnostic[], out: NodeJS.WritableStream = process.stderr): void {
  const sorted = [...ds].sort((a, b) => Number(b.severity === 'error') - Number(a.severity === 'error'));
  for (const d of sorted) out.write(`${formatDiagnostic(d)}\n`);
}

/** The model of a valid scenario; prints warnings; throws CliError listing every error. */
export function requireModel(file: string): ScenarioModel {
  const r = loadOrThrow(file);
  printDiagnostics(r.diagnostics);
  if (r.model === undefined || hasErrors(r.diagnostics)) {
    const n = r.diagnostics.filter((d) => d.severity === 'error').length;
    throw new CliError(`${file}: ${n} error${n === 1 ? '' : 's'}; nothing was run`);
  }
  return r.model;
}
