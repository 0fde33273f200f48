/**
 * The table of probes that `twinnet sim` and `twinnet emulate` print: the verdict first
 * (what a reader looks for), then time, name, kind, outcome and what was seen. It fits a
 * width: the `seen` column, the long one, is cut with an ellipsis (and, on a very narrow
 * terminal, probe names too), and unmet expectations wrap; `wide` prints every cell
 * whole. Colour (the verdict, and the heading of unmet expectations) is the caller's
 * choice: the CLI asks for it only on a terminal without NO_COLOR (cli/table-style.ts).
 * Not handled: characters wider than one column (names are ASCII by the schema).
 */
import type { Verdict } from '../core/expect.js';
import type { Observations, ProbeResult, TraceStep } from '../core/observations.js';
import { formatDuration } from '../core/units.js';

/** The width a table fits when nobody says (not a terminal, no COLUMNS). */
export const DEFAULT_TABLE_WIDTH = 100;
/** The `seen` column keeps at least this many characters before probe names are cut. */
const MIN_SEEN = 20;
/** Probe names are cut to no fewer characters than this. */
const MIN_PROBE = 10;
/** Spaces between columns. */
const GAP = '  ';
/** ANSI SGR sequences (ECMA-48): green, bold red, reset. */
const SGR = { met: '\x1b[32m', notMet: '\x1b[1;31m', reset: '\x1b[0m' } as const;

/** How the table is laid out. */
export interface ProbeTableOptions {
  /** Columns no line may exceed (default DEFAULT_TABLE_WIDTH); ignored when `wide`. */
  readonly width?: number;
  /** Every cell in full, whatever the width (`--wide`). */
  readonly wide?: boolean;
  /** ANSI colour on verdicts. */
  readonly color?: boolean;
}

/** One line per probe, aligned, with a header; then the reasons of unmet expectations. */
export function renderProbeTable(obs: Observations, verdicts: ReadonlyMap<string, Verdict>, opts: ProbeTableOptions = {}): string {
  const width = opts.wide === true ? Infinity : Math.max(1, opts.width ?? DEFAULT_TABLE_WIDTH);
  const header = ['verdict', 'at', 'probe', 'kind', 'outcome', 'seen'];
  const rows = obs.probes.map((p) => [verdictText(verdicts.get(p.name)), formatDuration(p.atNs), p.name, p.kind, p.outcome, describe(p)]);
  const widths = fitWidths(header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length))), width);
  const paint = (text: string, v: string) => (opts.color !== true || text.trim() === '' ? text : v === 'met' ? `${SGR.met}${text}${SGR.reset}` : v === 'NOT MET' ? `${SGR.notMet}${text}${SGR.reset}` : text);
  const line = (cells: string[], colour: boolean) => {
    const plain = clip(cells.map((c, i) => (i === cells.length - 1 ? elide(c, widths[i] as number) : elide(c, widths[i] as number).padEnd(widths[i] as number))).join(GAP).trimEnd(), width);
    const v = cells[0] as string;
    return colour ? paint(plain.slice(0, v.length), v) + plain.slice(v.length) : plain;
  };
  const failures = obs.probes.flatMap((p) => (verdicts.get(p.name)?.failures ?? []).flatMap((f) => wrap(`${p.name}: ${f}`, width, '  ', '    ')));
  const title = clip('unmet expectations:', width);
  const heading = opts.color === true ? `${SGR.notMet}${title}${SGR.reset}` : title;
  return [line(header, false), ...rows.map((r) => line(r, true)), ...(failures.length > 0 ? ['', heading, ...failures] : [])].join('\n') + '\n';
}

/**
 * Column widths that fit `width`: the natural ones if they fit; else `seen` (the last)
 * takes what is left, down to MIN_SEEN, and probe names give up what `seen` still lacks,
 * down to MIN_PROBE. Narrower still, lines are clipped.
 */
function fitWidths(natural: number[], width: number): number[] {
  const w = [...natural];
  const total = () => w.reduce((a, b) => a + b, 0) + GAP.length * (w.length - 1);
  if (total() <= width) return w;
  const seen = w.length - 1;
  w[seen] = Math.max(MIN_SEEN, (w[seen] as number) - (total() - width));
  if (total() > width) w[2] = Math.max(Math.min(MIN_PROBE, w[2] as number), (w[2] as number) - (total() - width));
  if (total() > width) w[seen] = Math.max(1, (w[seen] as number) - (total() - width));
  return w;
}

/** `text` in at most `n` characters, its end replaced by an ellipsis when cut. */
function elide(text: string, n: number): string {
  return text.length <= n ? text : `${text.slice(0, Math.max(0, n - 1))}…`;
}

/** A last resort on a very narrow width: the line cut to it. */
function clip(line: string, width: number): string {
  return elide(line, width);
}

/** Words of `text` in lines of at most `width`, the first indented by `first`, the others by `rest`. */
function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let cur = first;
  let indent = first;
  for (const word of text.split(' ')) {
    const sep = cur === indent ? '' : ' ';
    if (cur.length + sep.length + word.length <= width || cur === indent) cur += sep + word;
    else {
      lines.push(cur);
      cur = rest + word;
      indent = rest;
    }
  }
  lines.push(cur);
  return lines.flatMap((l) => (l.length <= width ? [l] : hardSplit(l, width, rest)));
}

/** A line with a word longer than the width, cut every `width` characters. */
function hardSplit(line: string, width: number, rest: string): string[] {
  const room = Math.max(1, width - rest.length);
  const out = [line.slice(0, width)];
  for (let i = width; i < line.length; i += room) out.push(rest + line.slice(i, i + room));
  return out.map((l) => clip(l, width));
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
