/**
 * The front door of the scenario pipeline: text -> parse -> resolve -> validate, with
 * every diagnostic located in the file. Callers get either a model with no errors (and
 * maybe warnings) or the full list of what is wrong.
 */
import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { DiagnosticSink, hasErrors, type Diagnostic } from './diagnostics.js';
import type { ScenarioModel } from './model.js';
import { parseScenarioText } from './parse.js';
import { resolveScenario } from './resolve/index.js';
import type { SourceDoc } from './source.js';
import { validateModel } from './validate/index.js';

export interface LoadResult {
  /** Present when there are no errors. */
  readonly model?: ScenarioModel;
  readonly diagnostics: readonly Diagnostic[];
  readonly source: SourceDoc;
}

/** Loads scenario text that came from `file` (used for messages and the default name). */
export function loadScenarioText(text: string, file: string): LoadResult {
  const parsed = parseScenarioText(text, file);
  if (parsed.raw === undefined) return { diagnostics: parsed.diagnostics, source: parsed.source };
  const sink = new DiagnosticSink();
  const model = resolveScenario(parsed.raw, basename(file, extname(file)), sink);
  validateModel(sink, model);
  const diagnostics = parsed.source.attach(sink.list).sort(byPosition);
  return hasErrors(diagnostics) ? { diagnostics, source: parsed.source } : { model, diagnostics, source: parsed.source };
}

/** Reads and loads a scenario file. I/O errors are thrown to the caller (the CLI reports them). */
export function loadScenarioFile(file: string): LoadResult {
  return loadScenarioText(readFileSync(file, 'utf8'), file);
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}
