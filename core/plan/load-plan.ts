/**
 * The one entry point from scenario text to a plan, used by every command: parse,
 * resolve, validate, compile once, and lint the compiled plan, with every diagnostic
 * located in the file (architecture, the one idea: intent is compiled once, in one
 * place). Callers get the model and its plan when nothing is an error (warnings may
 * remain), or the full list of what is wrong.
 *
 * Each host's firewall (Docker's rules, then the user's lines) is built here once and
 * serves twice: its problems go to validation, its rulesets to the compile step.
 * Pure: the CLI reads the file (cli/scenario-file.ts) and hands over text or bytes.
 */
import { hasErrors, type Diagnostic } from '../scenario/diagnostics.js';
import { checkScenarioText, decodeScenarioBytes, locatedDiagnostics, type LoadStep } from '../scenario/load.js';
import type { ScenarioModel } from '../scenario/model.js';
import type { SourceDoc } from '../scenario/source.js';
import { compilePlan } from './compile/index.js';
import { hostFirewalls, type HostFirewall } from './compile/firewall.js';
import { lintPlan } from './lint/index.js';
import type { Plan } from './types.js';

export type { LoadStep } from '../scenario/load.js';

export interface LoadResult {
  /** Present when there are no errors. */
  readonly model?: ScenarioModel;
  /** The model's plan: present when there are no errors. */
  readonly plan?: Plan;
  readonly diagnostics: readonly Diagnostic[];
  readonly source: SourceDoc;
}

/** Loads scenario text that came from `file` (used for messages and the default name) into its plan. */
export function loadPlan(text: string, file: string, onStep: (step: LoadStep) => void = () => {}): LoadResult {
  let firewalls = new Map<string, HostFirewall>();
  const firewallOf = (m: ScenarioModel) => {
    firewalls = hostFirewalls(m);
    return [...firewalls.values()].flatMap((f) => f.problems);
  };
  const checked = checkScenarioText(text, file, firewallOf, onStep);
  const { model, sink, source } = checked;
  if (model === undefined) return { diagnostics: checked.diagnostics, source };
  let plan: Plan | undefined;
  // The compile step needs a scenario without errors.
  if (sink.errorCount === 0) {
    onStep('compile');
    plan = compilePlan(model, firewalls);
    lintPlan(sink, model, plan);
  }
  const diagnostics = locatedDiagnostics(source, sink);
  return hasErrors(diagnostics) || plan === undefined ? { diagnostics, source } : { model, plan, diagnostics, source };
}

/** Loads scenario bytes: text that is not UTF-8 is one located error. */
export function loadPlanBytes(bytes: Uint8Array, file: string, onStep?: (step: LoadStep) => void): LoadResult {
  const decoded = decodeScenarioBytes(bytes, file);
  return 'text' in decoded ? loadPlan(decoded.text, file, onStep) : decoded;
}
