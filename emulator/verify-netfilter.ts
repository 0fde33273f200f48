/**
 * Reading a namespace's rules back and comparing them with the plan, table by table and
 * line by line. The plan's ruleset is rendered exactly as iptables-save 1.8 (nf_tables)
 * prints what iptables-restore loaded (core/netfilter/render.ts; checked against a
 * real kernel by netfilter-kernel.test.ts), so any difference means the kernel does not
 * hold what the plan says. Left out of the comparison: `#` comment lines (iptables-save's
 * banner and warnings), blank lines, the `[packets:bytes]` counters, and the order of the
 * tables (iptables-save prints them in its own order). The lines within a table are
 * compared in order: the order of rules is what decides.
 */
import { run } from './exec.js';

/** A ruleset's lines per table (`*name` to `COMMIT`), without comments and counters. */
export function rulesetTables(text: string): Map<string, string[]> {
  const tables = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = withoutCounters(raw.trim());
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      current = [];
      tables.set(line.slice(1), current);
    } else if (line === 'COMMIT') current = undefined;
    else if (current === undefined) throw new Error(`a ruleset line outside a table: ${line}`);
    else current.push(line);
  }
  return tables;
}

/** `:CHAIN POLICY [p:b]` loses its counters; so does a rule printed with `-c` (`[p:b] -A ...`). */
function withoutCounters(line: string): string {
  if (line.startsWith(':')) return line.replace(/\s+\[\d+:\d+\]$/, '');
  return line.replace(/^\[\d+:\d+\]\s+/, '');
}

/** Every difference between the plan's ruleset and the kernel's, one message each. */
export function compareRulesets(planText: string, kernelText: string): string[] {
  const want = rulesetTables(planText);
  const have = rulesetTables(kernelText);
  const out: string[] = [];
  for (const [name, lines] of want) {
    const got = have.get(name);
    if (got === undefined) out.push(`table ${name} is missing`);
    else out.push(...diffLines(lines, got).map((d) => `table ${name}: ${d}`));
  }
  for (const name of have.keys()) if (!want.has(name)) out.push(`table ${name} is not in the plan`);
  return out;
}

/**
 * The differing lines of one table, found by a longest common subsequence after the
 * common head and tail are set aside (a few lines differ in a long ruleset, typically).
 * A stretch where the kernel has as many lines as the plan, all different, is reported
 * pair by pair; other stretches line by line.
 */
export function diffLines(want: readonly string[], have: readonly string[]): string[] {
  let head = 0;
  while (head < want.length && head < have.length && want[head] === have[head]) head++;
  let tail = 0;
  while (
    tail < want.length - head &&
    tail < have.length - head &&
    want[want.length - 1 - tail] === have[have.length - 1 - tail]
  )
    tail++;
  const w = want.slice(head, want.length - tail);
  const h = have.slice(head, have.length - tail);
  if (w.length === 0 && h.length === 0) return [];
  const out: string[] = [];
  let missing: string[] = [];
  let extra: string[] = [];
  const flush = () => {
    if (missing.length === extra.length)
      missing.forEach((m, k) => out.push(`the kernel has \`${extra[k]}\` where the plan says \`${m}\``));
    else
      out.push(
        ...missing.map((m) => `\`${m}\` is not in the kernel`),
        ...extra.map((e) => `the kernel has \`${e}\`, which is not in the plan`),
      );
    missing = [];
    extra = [];
  };
  for (const step of lcsSteps(w, h)) {
    if (step.kind === 'same') flush();
    else if (step.kind === 'missing') missing.push(step.line);
    else extra.push(step.line);
  }
  flush();
  return out;
}

type Step = { kind: 'same' | 'missing' | 'extra'; line: string };

/** Above this many cells the table is not built: the differing stretches are reported whole. */
const LCS_MAX_CELLS = 4_000_000;

/** The edit steps from `a` to `b` by a longest common subsequence (dynamic programming). */
function lcsSteps(a: readonly string[], b: readonly string[]): Step[] {
  const n = a.length;
  const m = b.length;
  if ((n + 1) * (m + 1) > LCS_MAX_CELLS)
    return [...a.map((line): Step => ({ kind: 'missing', line })), ...b.map((line): Step => ({ kind: 'extra', line }))];
  // len[i * (m + 1) + j]: the longest common subsequence of a[i..] and b[j..].
  const len = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => len[i * (m + 1) + j] ?? 0;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--)
      len[i * (m + 1) + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
  }
  const steps: Step[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      steps.push({ kind: 'same', line: a[i++] as string });
      j++;
    } else if (j < m && (i === n || at(i, j + 1) >= at(i + 1, j)))
      steps.push({ kind: 'extra', line: b[j++] as string });
    else steps.push({ kind: 'missing', line: a[i++] as string });
  }
  return steps;
}

/** The ruleset a namespace holds, as iptables-save prints it. */
export async function readRuleset(nsName: string): Promise<string> {
  return (await run(['ip', 'netns', 'exec', nsName, 'iptables-save'])).stdout;
}
