/**
 * Batches: many commands of one tool in one namespace, run by one process
 * (`ip -n NS -batch -`, `bridge -n NS -batch -`; architecture, firm decision 7). Lines
 * are argv arrays; an argument that refers to a plan namespace is written as that
 * namespace's real name in this run. Arguments with blanks or quotes are quoted the way
 * iproute2 splits batch lines (utils.c makeargs: blanks separate, double quotes group,
 * a backslash escapes), so an alias such as `twinnet run x9y8` stays one argument.
 */
import type { Arg } from '../core/plan/commands.js';
import { EmulatorError } from './errors.js';
import { run, type CommandResult } from './exec.js';
import type { RunNames } from './names.js';

/** The batch text of `lines`, one command per line. */
export function batchText(names: RunNames, lines: readonly (readonly Arg[])[]): string {
  return lines.map((l) => `${l.map((a) => (typeof a === 'string' ? quoteBatchArg(a) : names.ns(a.ns))).join(' ')}\n`).join('');
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
export async function runBatch(tool: 'ip' | 'bridge', names: RunNames, nsId: string, lines: readonly (readonly Arg[])[], opts: BatchOptions = {}): Promise<CommandResult | undefined> {
  if (lines.length === 0) return undefined;
  const stdin = batchText(names, lines);
  try {
    return await run([tool, ...(opts.force === true ? ['-force'] : []), '-n', names.ns(nsId), '-batch', '-'], { stdin, ...(opts.force === true && { okCodes: [0, 1] }) });
  } catch (e) {
    throw withFailedLine(e, stdin);
  }
}

/** A failed batch's error, saying which namespace's batch and which of its lines failed (iproute2 gives its number). */
export function withFailedLine(e: unknown, stdin: string): unknown {
  if (!(e instanceof EmulatorError) || e.kind !== 'command-failed' || e.argv === undefined) return e;
  const n = /Command failed -:(\d+)/.exec(e.stderr ?? '')?.[1];
  const line = n === undefined ? undefined : stdin.split('\n')[Number(n) - 1];
  const why = e.stderr?.split('\n').find((l) => l.trim() !== '' && !l.startsWith('Command failed'))?.trim();
  const what = `${e.argv.slice(0, -1).join(' ')} failed (exit ${e.exitCode ?? 'killed'})`;
  return new EmulatorError(e.kind, `${what}${line === undefined ? '' : ` at line ${n}, \`${line}\``}${why === undefined ? '' : `: ${why}`}`, e.argv, e.exitCode, e.stderr);
}
