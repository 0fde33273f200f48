/**
 * The table of probes that `twinnet sim` (and later `emulate`) prints: time, name,
 * kind, outcome, what was seen, and whether the expectation was met.
 */
import type { Verdict } from '../core/expect.js';
import type { Observations, ProbeResult, TraceStep } from '../core/observations.js';
import { formatDuration } from '../core/units.js';

/** One line per probe, aligned, with a header. */
export function renderProbeTable(obs: Observations, verdicts: ReadonlyMap<string, Verdict>): string {
  const rows = obs.probes.map((p) => [formatDuration(p.atNs), p.name, p.kind, p.outcome, describe(p), verdictText(verdicts.get(p.name))]);
  const header = ['at', 'probe', 'kind', 'outcome', 'seen', 'expectation'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ').trimEnd();
  const failures = obs.probes.flatMap((p) => (verdicts.get(p.name)?.failures ?? []).map((f) => `  ${p.name}: ${f}`));
  return [line(header), ...rows.map(line), ...(failures.length > 0 ? ['', 'unmet expectations:', ...failures] : [])].join('\n') + '\n';
}

function describe(p: ProbeResult): string {
  const parts: string[] = [p.detail];
  if (p.seen !== undefined) parts.push(`server saw ${p.seen.address}:${p.seen.port}`);
  if (p.rttsNs.length > 0) parts.push(`rtt ${rttText(p.rttsNs)}`);
  if (p.ttl !== undefined) parts.push(`ttl ${p.ttl}`);
  return parts.join(', ');
}

function rttText(rtts: readonly number[]): string {
  const ms = (ns: number) => (ns / 1e6).toFixed(3);
  if (rtts.length === 1) return `${ms(rtts[0] as number)} ms`;
  return `${ms(Math.min(...rtts))}/${ms(rtts.reduce((a, b) => a + b, 0) / rtts.length)}/${ms(Math.max(...rtts))} ms`;
}

function verdictText(v: Verdict | undefined): string {
  if (v === undefined) return '-';
  return v.met ? 'met' : 'NOT MET';
}

/** A decision trace, one step per line; where a long trace was cut, a line says how much. */
export function renderTrace(p: ProbeResult): string {
  const steps = p.trace ?? [];
  if (steps.length === 0) return `${p.name}: no trace recorded\n`;
  const line = (s: TraceStep) => `  ${formatDuration(s.timeNs).padStart(9)}  ${s.ns}${s.dev === undefined ? '' : `:${s.dev}`}  ${s.step}: ${s.detail}`;
  const cut = p.traceSummary;
  if (cut === undefined) return [`trace of ${p.name}:`, ...steps.map(line)].join('\n') + '\n';
  const kinds = Object.entries(cut.byStep).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `trace of ${p.name} (${cut.kept} of ${cut.steps} steps kept):`,
    ...steps.slice(0, cut.cutAfter).map(line),
    `  ... ${cut.steps - cut.kept} steps not kept (all steps by kind: ${kinds}) ...`,
    ...steps.slice(cut.cutAfter).map(line),
  ].join('\n') + '\n';
}
