/**
 * What-if exploration without prompts: a scenario's text with timeline entries added
 * (faults and probes, written as the file would write them, so that the result can be
 * saved and read like any scenario), one simulator run of it, and how each probe's
 * outcome moved against the file as written. The interactive command (explore.ts) only
 * asks questions and prints; everything it decides goes through here.
 *
 * Left out: edits other than timeline entries (hosts, networks and their options are
 * changed in the file itself), and the emulator (a what-if answers in milliseconds).
 */
import { isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { formatDiagnostic } from '../../core/scenario/diagnostics.js';
import { loadScenarioText } from '../../core/scenario/load.js';
import type { ScenarioModel } from '../../core/scenario/model.js';
import { compilePlan } from '../../core/plan/compile/index.js';
import type { Plan } from '../../core/plan/types.js';
import type { Observations } from '../../core/observations.js';
import type { Verdict } from '../../core/expect.js';
import { verdictsOf } from '../../core/verdicts.js';
import { simulate } from '../../sim/run.js';

/** One change: a timeline entry and how to say it in a sentence. */
export interface WhatIf {
  readonly label: string;
  readonly entry: Record<string, unknown>;
}

/** A scenario run in the simulator, or why it could not run. */
export type Outcome =
  | { readonly ok: true; readonly model: ScenarioModel; readonly plan: Plan; readonly obs: Observations; readonly verdicts: Map<string, Verdict> }
  | { readonly ok: false; readonly errors: readonly string[] };

/** The scenario's text with each change's entry appended to its timeline (comments and layout kept). */
export function withWhatIfs(text: string, changes: readonly WhatIf[]): string {
  if (changes.length === 0) return text;
  const doc = parseDocument(text);
  const existing = doc.get('timeline');
  const seq = isSeq(existing) ? (existing as YAMLSeq) : (doc.createNode([]) as YAMLSeq);
  for (const c of changes) seq.add(doc.createNode(c.entry, { flow: true }));
  if (!isSeq(existing)) doc.set('timeline', seq);
  return doc.toString();
}

/** Loads, compiles and simulates scenario text; errors come back as the CLI prints them. */
export function runScenarioText(text: string, file: string): Outcome {
  const r = loadScenarioText(text, file);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  if (r.model === undefined || errors.length > 0) return { ok: false, errors };
  const plan = compilePlan(r.model);
  const obs = simulate(plan).observations;
  return { ok: true, model: r.model, plan, obs, verdicts: verdictsOf(plan, obs) };
}

/** How each probe moved: outcome changes, probes that are new, expectations that flipped. */
export function outcomeChanges(before: Observations, after: Observations, beforeVerdicts: ReadonlyMap<string, Verdict>, afterVerdicts: ReadonlyMap<string, Verdict>): string[] {
  const lines: string[] = [];
  for (const p of after.probes) {
    const old = before.probes.find((x) => x.name === p.name);
    if (old === undefined) {
      lines.push(`${p.name}: new, ${p.outcome} (${p.detail})`);
      continue;
    }
    if (old.outcome !== p.outcome) lines.push(`${p.name}: ${old.outcome} -> ${p.outcome} (${p.detail})`);
    const [was, now] = [beforeVerdicts.get(p.name)?.met, afterVerdicts.get(p.name)?.met];
    if (was !== undefined && now !== undefined && was !== now) lines.push(`${p.name}: expectation ${was ? 'met' : 'not met'} -> ${now ? 'met' : 'NOT MET'}`);
  }
  return lines;
}

/** What the scenario offers to change: cables and links for faults, endpoints for probes. */
export interface Choices {
  /** Link and segment names, then HOST:IFNAME of every host interface. */
  readonly cables: readonly string[];
  /** Link and segment names (impairments of a whole medium). */
  readonly media: readonly string[];
  /** Hosts and containers, probes' sources and targets. */
  readonly endpoints: readonly string[];
  /** For each container, the networks it is on at the start. */
  readonly memberships: readonly { readonly container: string; readonly networks: readonly string[] }[];
}

export function choicesOf(model: ScenarioModel): Choices {
  const media = model.segments.map((s) => s.name);
  return {
    media,
    cables: [...media, ...model.hosts.flatMap((h) => h.interfaces.map((i) => `${h.name}:${i.name}`))],
    endpoints: [...model.hosts.map((h) => h.name), ...model.containers.map((c) => c.name)],
    memberships: model.containers.filter((c) => c.endpoints.length > 0).map((c) => ({ container: c.name, networks: c.endpoints.map((e) => e.network) })),
  };
}
