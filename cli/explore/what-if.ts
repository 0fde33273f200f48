/**
 * What-if exploration without prompts: a scenario's text with timeline entries added
 * (faults and probes, written as the file would write them, so that the result can be
 * saved and read like any scenario), one simulator run of it, and how each probe's
 * outcome moved against the file as written. The interactive command (explore.ts) only
 * asks questions and prints; everything it decides goes through here.
 *
 * Left out: edits other than timeline entries and the targets of later probes when a
 * container leaves (hosts, networks and their options are changed in the file itself),
 * and the emulator (a what-if answers in milliseconds).
 */
import { isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { formatIpv4 } from '../../core/addr.js';
import { formatDiagnostic, formatPath, type Diagnostic, type Path } from '../../core/scenario/diagnostics.js';
import type { ScenarioModel } from '../../core/scenario/model.js';
import { loadPlan } from '../../core/plan/load-plan.js';
import type { Plan } from '../../core/plan/types.js';
import type { Observations } from '../../core/observations.js';
import type { Verdict } from '../../core/expect.js';
import { verdictsOf } from '../../core/verdicts.js';
import { simulate } from '../../sim/run.js';

/** A value set at a path of the file's own entries (a later probe's `to`, when its container left). */
export interface WhatIfEdit {
  readonly path: readonly (string | number)[];
  readonly value: unknown;
}

/** One change: a timeline entry, edits the entry brings with it, and how to say it in a sentence. */
export interface WhatIf {
  readonly label: string;
  readonly entry: Record<string, unknown>;
  readonly edits?: readonly WhatIfEdit[];
}

/** A scenario run in the simulator, or why it could not run. */
export type Outcome =
  | {
      readonly ok: true;
      readonly model: ScenarioModel;
      readonly plan: Plan;
      readonly obs: Observations;
      readonly verdicts: Map<string, Verdict>;
    }
  | { readonly ok: false; readonly errors: readonly string[]; readonly diagnostics: readonly Diagnostic[] };

/**
 * The scenario's text with each change's entry appended to its timeline and its edits made
 * (comments and layout kept).
 */
export function withWhatIfs(text: string, changes: readonly WhatIf[]): string {
  if (changes.length === 0) return text;
  const doc = parseDocument(text);
  const existing = doc.get('timeline');
  const seq = isSeq(existing) ? (existing as YAMLSeq) : (doc.createNode([]) as YAMLSeq);
  for (const c of changes) for (const e of c.edits ?? []) doc.setIn(e.path, e.value);
  for (const c of changes) seq.add(doc.createNode(c.entry, { flow: true }));
  if (!isSeq(existing)) doc.set('timeline', seq);
  return doc.toString();
}

/** How many timeline entries the file itself has: the changes' entries come after them. */
function fileEntries(text: string): number {
  const t = parseDocument(text).get('timeline');
  return isSeq(t) ? t.items.length : 0;
}

/** Loads, compiles and simulates scenario text; errors come back as the CLI prints them. */
export function runScenarioText(text: string, file: string): Outcome {
  const r = loadPlan(text, file);
  const diagnostics = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.model === undefined || r.plan === undefined || diagnostics.length > 0)
    return { ok: false, errors: diagnostics.map(formatDiagnostic), diagnostics };
  return runLoaded(r.model, r.plan);
}

/** Simulates a scenario already loaded into its plan (the command loaded it, once). */
export function runLoaded(model: ScenarioModel, plan: Plan): Outcome {
  const obs = simulate(plan).observations;
  return { ok: true, model, plan, obs, verdicts: verdictsOf(plan, obs) };
}

/**
 * Runs the file with the changes in force. A problem in a change's own entry is told as
 * that change ("in the change ..."): its line would be one of the appended text, past
 * the end of the file the user has open.
 */
export function runWhatIfs(text: string, file: string, changes: readonly WhatIf[]): Outcome {
  const r = runScenarioText(withWhatIfs(text, changes), file);
  if (r.ok) return r;
  const first = fileEntries(text);
  const errors = r.diagnostics.map((d) => {
    const i = d.path[0] === 'timeline' && typeof d.path[1] === 'number' ? d.path[1] - first : -1;
    const change = changes[i];
    if (change === undefined) return formatDiagnostic(d);
    return `in the change "${change.label}": error: ${formatPath(['timeline', ...d.path.slice(2)])}: ${d.message}${d.value === undefined ? '' : ` (got ${d.value})`}`;
  });
  return { ok: false, errors, diagnostics: r.diagnostics };
}

/**
 * A container leaving a network, as a change. The file's later probes that name the
 * container by name would then name nothing (twinnet resolves names at compile time,
 * and the container has no address on the way): those aim instead at the address they
 * had with the changes before this one, so that they run and show what leaving did,
 * as a client that had looked the address up before would.
 */
export function leaveChange(
  text: string,
  file: string,
  before: readonly WhatIf[],
  leave: { container: string; network: string; at: string },
): WhatIf {
  const { container, network, at } = leave;
  const plain: WhatIf = {
    label: `${container} leaves ${network} at ${at}`,
    entry: { at, disconnect: { container, network } },
  };
  const r = runWhatIfs(text, file, [...before, plain]);
  if (r.ok) return plain;
  const prior = loadPlan(withWhatIfs(text, before), file).model;
  const first = fileEntries(text);
  const edits: WhatIfEdit[] = [];
  const seen = new Set<number>();
  for (const d of r.diagnostics) {
    const to = probeTarget(d.path, first);
    if (to === undefined || seen.has(to.index)) continue;
    const ev = prior?.timeline.find((e) => e.path[1] === to.index);
    if (ev?.probe === undefined || !namesContainer(ev.probe.to.label, container)) continue;
    seen.add(to.index);
    edits.push({ path: ['timeline', to.index, to.kind, 'to'], value: formatIpv4(ev.probe.to.address) });
  }
  if (edits.length === 0) return plain;
  const addresses = [...new Set(edits.map((e) => e.value as string))].join(', ');
  return {
    ...plain,
    label: `${plain.label} (${edits.length} later probe${edits.length === 1 ? '' : 's'} aim at its old address ${addresses})`,
    edits,
  };
}

/** `timeline[i].KIND.to...` of one of the file's own entries, as index and probe kind. */
function probeTarget(path: Path, first: number): { index: number; kind: string } | undefined {
  const [t, index, kind, to] = path;
  if (t !== 'timeline' || typeof index !== 'number' || index >= first || typeof kind !== 'string' || to !== 'to')
    return undefined;
  return { index, kind };
}

/** Whether a resolved target's label is the container, by name or as `NAME@NETWORK`. */
function namesContainer(label: string, container: string): boolean {
  return label === container || label.startsWith(`${container}@`);
}

/** How each probe moved: outcome changes, probes that are new, expectations that flipped. */
export function outcomeChanges(
  before: Observations,
  after: Observations,
  beforeVerdicts: ReadonlyMap<string, Verdict>,
  afterVerdicts: ReadonlyMap<string, Verdict>,
): string[] {
  const lines: string[] = [];
  for (const p of after.probes) {
    const old = before.probes.find((x) => x.name === p.name);
    if (old === undefined) {
      lines.push(`${p.name}: new, ${p.outcome} (${p.detail})`);
      continue;
    }
    if (old.outcome !== p.outcome) lines.push(`${p.name}: ${old.outcome} -> ${p.outcome} (${p.detail})`);
    const [was, now] = [beforeVerdicts.get(p.name)?.met, afterVerdicts.get(p.name)?.met];
    if (was !== undefined && now !== undefined && was !== now)
      lines.push(`${p.name}: expectation ${was ? 'met' : 'not met'} -> ${now ? 'met' : 'NOT MET'}`);
  }
  return lines;
}

/** What the scenario offers to change: cables and links for faults, endpoints for probes. */
export interface Choices {
  /**
   * Link and segment names, then HOST:IFNAME of every host interface, then CONTAINER:IFNAME of
   * every container interface at the start.
   */
  readonly cables: readonly string[];
  /** Link and segment names (impairments of a whole medium). */
  readonly media: readonly string[];
  /** Hosts and containers, probes' sources and targets. */
  readonly endpoints: readonly string[];
  /**
   * For each container, the networks it is on at the start that it can leave, by the
   * name a `disconnect` takes. Not `docker_gwbridge`: Docker attaches and detaches it
   * with the container's overlays, and the file cannot name it.
   */
  readonly memberships: readonly { readonly container: string; readonly networks: readonly string[] }[];
}

export function choicesOf(model: ScenarioModel): Choices {
  const media = model.segments.map((s) => s.name);
  const networks = new Map(model.networks.map((n) => [n.key, n]));
  const leavable = (key: string) => {
    const n = networks.get(key);
    return n === undefined || n.gwBridge === true ? [] : [n.name];
  };
  return {
    media,
    cables: [
      ...media,
      ...model.hosts.flatMap((h) => h.interfaces.map((i) => `${h.name}:${i.name}`)),
      ...model.containers.flatMap((c) => c.endpoints.map((e) => `${c.name}:${e.ifname}`)),
    ],
    endpoints: [...model.hosts.map((h) => h.name), ...model.containers.map((c) => c.name)],
    memberships: model.containers
      .map((c) => ({ container: c.name, networks: c.endpoints.flatMap((e) => leavable(e.network)) }))
      .filter((m) => m.networks.length > 0),
  };
}
