/**
 * The scenario half of loading: text -> parse -> resolve -> validate, with every
 * diagnostic located in the file. Pure: the caller brings the text (the CLI reads files
 * and standard input, cli/scenario-file.ts), and the one entry point every command uses,
 * core/plan/load-plan.ts, goes on to compile the plan and lint it.
 *
 * The firewall's problems come from outside (`firewallOf`): the hosts' rulesets are
 * built by the compile step's firewall builder, once, and validation only reports them.
 */
import { basename, extname } from 'node:path';
import { DiagnosticSink, type Diagnostic } from './diagnostics.js';
import type { ScenarioModel } from './model.js';
import { parseScenarioText } from './parse.js';
import { resolveScenario } from './resolve/index.js';
import type { SourceDoc } from './source.js';
import { validateModel, type FirewallFinding } from './validate/index.js';

/** The steps of loading, in order, told to `onStep` as each begins (the CLI shows progress on large files). */
export type LoadStep = 'parse' | 'resolve' | 'check' | 'compile';

/** A scenario checked as far as the model goes: its diagnostics so far are in `sink`, not yet located. */
export interface CheckedScenario {
  readonly source: SourceDoc;
  /** Absent when the text did not parse; `diagnostics` then says why. */
  readonly model?: ScenarioModel;
  readonly sink: DiagnosticSink;
  /** The located diagnostics of text that did not parse. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses, resolves and validates scenario text that came from `file` (used for messages
 * and the default name). `firewallOf` gives the problems of the model's firewalls.
 */
export function checkScenarioText(
  text: string,
  file: string,
  firewallOf: (m: ScenarioModel) => readonly FirewallFinding[],
  onStep: (step: LoadStep) => void = () => {},
): CheckedScenario {
  onStep('parse');
  const parsed = parseScenarioText(text, file);
  const sink = new DiagnosticSink();
  if (parsed.raw === undefined) return { source: parsed.source, sink, diagnostics: parsed.diagnostics };
  onStep('resolve');
  const model = resolveScenario(parsed.raw, basename(file, extname(file)), sink);
  onStep('check');
  validateModel(sink, model, firewallOf(model));
  return { source: parsed.source, model, sink, diagnostics: [] };
}

/** The sink's diagnostics, located in the source and in file order. */
export function locatedDiagnostics(source: SourceDoc, sink: DiagnosticSink): Diagnostic[] {
  return source.attach(sink.list).sort(byPosition);
}

/** Scenario bytes as text, or the located error of bytes that are not UTF-8. */
export function decodeScenarioBytes(
  bytes: Uint8Array,
  file: string,
): { text: string } | { source: SourceDoc; diagnostics: Diagnostic[] } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const before = lenient.slice(0, Math.max(at, 0));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    const parsed = parseScenarioText('', file);
    return {
      source: parsed.source,
      diagnostics: [
        {
          severity: 'error',
          path: [],
          message: 'not a text file: it is not valid UTF-8; expected a scenario in YAML or JSON',
          file,
          line,
          col,
        },
      ],
    };
  }
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}
