/**
 * Batches: many commands of one tool in one namespace, run by one process
 * (`ip -n NS -batch -`, `bridge -n NS -batch -`; architecture, firm decision 7). Lines
 * are argv arrays; an argument that refers to a plan namespace is written as that
 * namespace's real name in this run. Arguments with blanks or quotes are quoted the way
 * iproute2 splits batch lines (utils.c makeargs: blanks separate, double quotes group,
 * a backslash escapes), so an alias such as `twinnet run x9y8` stays one argument.
 * The batches of many namespaces go through few processes (runBatches).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Arg } from '../core/plan/commands.js';
import { EmulatorError } from './errors.js';
import { PARALLEL_COMMANDS, run, runAll, type CommandResult } from './exec.js';
import { RUN_DIR_PREFIX, type RunNames } from './names.js';

/** The batch text of `lines`, one command per line. */
export function batchText(names: RunNames, lines: readonly (readonly Arg[])[]): string {
  return lines
    .map((l) => `${l.map((a) => (typeof a === 'string' ? quoteBatchArg(a) : names.ns(a.ns))).join(' ')}\n`)
    .join('');
}

/** One argument as an iproute2 batch line needs it. */
export function quoteBatchArg(a: string): string {
  return /^[^\s"\\]+$/.test(a) ? a : `"${a.replace(/(["\\])/g, '\\$1')}"`;
}

export interface BatchOptions {
  /** `-force`: go on after a failed line (the exit code is then 1), for removals of what may be gone already. */
  readonly force?: boolean;
}

/**
 * Runs `lines` with `tool` (ip or bridge) in the plan namespace `nsId`; nothing to run,
 * no process. Rejects with the command, exit code and stderr when a line fails, and
 * the failed line itself (iproute2 names it only by number: `Command failed -:3`).
 */
export async function runBatch(
  tool: 'ip' | 'bridge',
  names: RunNames,
  nsId: string,
  lines: readonly (readonly Arg[])[],
  opts: BatchOptions = {},
): Promise<CommandResult | undefined> {
  if (lines.length === 0) return undefined;
  const stdin = batchText(names, lines);
  try {
    return await run([tool, ...(opts.force === true ? ['-force'] : []), '-n', names.ns(nsId), '-batch', '-'], {
      stdin,
      ...(opts.force === true && { okCodes: [0, 1] }),
    });
  } catch (e) {
    throw withFailedLine(e, stdin);
  }
}

/** A failed batch's error, saying which namespace's batch and which of its lines failed (iproute2 gives its number). */
export function withFailedLine(e: unknown, stdin: string): unknown {
  if (!(e instanceof EmulatorError) || e.kind !== 'command-failed' || e.argv === undefined) return e;
  const n = /Command failed -:(\d+)/.exec(e.stderr ?? '')?.[1];
  const line = n === undefined ? undefined : stdin.split('\n')[Number(n) - 1];
  const why = e.stderr
    ?.split('\n')
    .find((l) => l.trim() !== '' && !l.startsWith('Command failed'))
    ?.trim();
  const what = `${e.argv.slice(0, -1).join(' ')} failed (exit ${e.exitCode ?? 'killed'})`;
  return new EmulatorError(
    e.kind,
    `${what}${line === undefined ? '' : ` at line ${n}, \`${line}\``}${why === undefined ? '' : `: ${why}`}`,
    e.argv,
    e.exitCode,
    e.stderr,
  );
}

/** One namespace's lines for runBatches. */
export interface BatchJob {
  readonly nsId: string;
  readonly lines: readonly (readonly Arg[])[];
}

/**
 * The most namespaces one process configures in runBatches: the progress a build
 * reports moves once per group, and a failed group names its namespace either way.
 */
export const NAMESPACES_PER_PROCESS = 32;

/** Outer `ip -batch` lines that go with runBatches' groups. */
export interface BatchExtras {
  /** Lines that must finish before any namespace's batch starts (`netns add`, `netns exec NS sysctl ...`). */
  readonly before?: readonly string[];
}

/**
 * Runs the batches of many namespaces with `tool` through few processes spawned by
 * Node: one `ip -batch -` per group of NAMESPACES_PER_PROCESS namespaces, whose lines
 * are `netns exec NS TOOL -batch FILE` (ip(8) ip-netns: in batch mode `netns exec`
 * forks, enters NS as `ip -n` does, and runs the command), the files holding each
 * namespace's lines in a temporary folder of the run. Why: Node forks a process by
 * copying its own page tables, which for a build of hundreds of containers costs as
 * much again as the `ip` it starts (measured: 5 ms of Node's CPU per spawn at 50 MB,
 * 14 ms at 370 MB), and `ip` forks from a few MB. The groups run a few at a time
 * (runAll); without -force the outer batch stops at the first failure, which is
 * reported as runBatch reports it (the namespace's command, its line and stderr).
 * `extras.before` runs first: in the one group's own process when there is one group,
 * else in a process of its own.
 */
export async function runBatches(
  tool: 'ip' | 'bridge',
  names: RunNames,
  jobs: readonly BatchJob[],
  onDone?: (n: number) => void,
  extras: BatchExtras = {},
): Promise<void> {
  const work = jobs.filter((j) => j.lines.length > 0);
  const skipped = jobs.length - work.length;
  if (skipped > 0) onDone?.(skipped);
  const before = extras.before ?? [];
  if (work.length <= 1 && before.length === 0) {
    for (const j of work) await runBatch(tool, names, j.nsId, j.lines);
    if (work.length === 1) onDone?.(1);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${names.marker}-batch-`));
  try {
    const texts = work.map((j, i) => {
      const text = batchText(names, j.lines);
      writeFileSync(join(dir, String(i)), text);
      return text;
    });
    // Enough groups to keep PARALLEL_COMMANDS processes busy, none larger than NAMESPACES_PER_PROCESS.
    const size = Math.max(1, Math.min(NAMESPACES_PER_PROCESS, Math.ceil(work.length / PARALLEL_COMMANDS)));
    const groups: number[][] = [];
    for (let i = 0; i < work.length; i += size) groups.push(work.slice(i, i + size).map((_, k) => i + k));
    if (groups.length === 0) groups.push([]);
    const pre = before.join('');
    if (groups.length > 1 && pre !== '') await run(['ip', '-batch', '-'], { stdin: pre });
    await runAll(
      groups.map((g) => async () => {
        const own = g
          .map((i) => `netns exec ${names.ns((work[i] as BatchJob).nsId)} ${tool} -batch ${join(dir, String(i))}\n`)
          .join('');
        const stdin = `${groups.length === 1 ? pre : ''}${own}`;
        try {
          await run(['ip', '-batch', '-'], { stdin });
        } catch (e) {
          throw innerFailure(e, tool, names, dir, work, texts);
        }
        onDone?.(g.length);
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A failed group's error, as runBatch would have said it for the namespace whose batch failed. */
function innerFailure(
  e: unknown,
  tool: string,
  names: RunNames,
  dir: string,
  work: readonly BatchJob[],
  texts: readonly string[],
): unknown {
  if (!(e instanceof EmulatorError) || e.kind !== 'command-failed') return e;
  // The inner batch names its file and line: "Command failed /DIR/I:L" (iproute2 utils.c).
  const m = new RegExp(`Command failed ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/(\\d+):(\\d+)`).exec(
    e.stderr ?? '',
  );
  if (m === null) return e;
  const i = Number(m[1]);
  const job = work[i] as BatchJob;
  const stderr = (e.stderr ?? '')
    .split('\n')
    .filter((l) => !l.startsWith('Command failed '))
    .concat(`Command failed -:${m[2]}`)
    .join('\n');
  const inner = new EmulatorError(
    'command-failed',
    e.message,
    [tool, '-n', names.ns(job.nsId), '-batch', '-'],
    e.exitCode,
    stderr,
  );
  return withFailedLine(inner, texts[i] as string);
}
