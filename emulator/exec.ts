/**
 * Running commands: argv arrays only, never a shell string (architecture, firm decision
 * 7), with a timeout, standard input when a batch needs it, and a typed error carrying
 * the argv, exit code and stderr when a command fails. `runAll` runs independent
 * commands a few at a time: process spawns dominate the emulator's build time
 * (../shared/bench: 2-6 ms each), and two cores can overlap them. Every command in
 * flight is known (by its process), so that a run stopped by a signal ends them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { EmulatorError } from './errors.js';
import { setLongTimeout } from './timers.js';

export interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

/** Every command run() has started and that has not exited yet, so that a dying process can stop them. */
const running = new Set<ChildProcess>();

/**
 * Stops (SIGKILL, by pid) every command this process still runs: on SIGINT or SIGTERM
 * the process is going away, and a command in flight would otherwise go on after it
 * (a ping in a run's namespace, an `ip netns add` that lands after the teardown).
 */
export function stopRunningCommands(): void {
  for (const c of running) c.kill('SIGKILL');
}

export interface RunOptions {
  readonly stdin?: string;
  readonly timeoutMs?: number;
  /** Exit codes that are not failures (default: 0 only). */
  readonly okCodes?: readonly number[];
}

/** The default timeout of one command: generous, since a kernel under load can be slow to delete namespaces. */
export const COMMAND_TIMEOUT_MS = 60_000;

/** Runs argv and resolves with its output; rejects with EmulatorError on failure or timeout. */
export function run(argv: readonly string[], opts: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const [cmd, ...args] = argv;
    if (cmd === undefined) return reject(new EmulatorError('precondition', 'empty command'));
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    running.add(child);
    child.once('exit', () => running.delete(child));
    child.once('error', () => running.delete(child));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    // A ping of many requests can be given more than a Node timer holds (timers.ts).
    const timer = setLongTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.timeoutMs ?? COMMAND_TIMEOUT_MS);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      timer.cancel();
      reject(new EmulatorError('precondition', `cannot run ${cmd}: ${e.message}`, argv));
    });
    child.on('close', (code) => {
      timer.cancel();
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (timedOut)
        return reject(
          new EmulatorError(
            'timeout',
            `${cmd} did not finish in ${opts.timeoutMs ?? COMMAND_TIMEOUT_MS} ms`,
            argv,
            code,
            stderr,
          ),
        );
      if (!(opts.okCodes ?? [0]).includes(code ?? -1))
        return reject(new EmulatorError('command-failed', failedMessage(argv, code, stderr), argv, code, stderr));
      resolve({ stdout, stderr, code: code ?? -1 });
    });
    child.stdin.on('error', () => undefined); // a command that exits without reading its input
    child.stdin.end(opts.stdin ?? '');
  });
}

/** The one-line summary of a failed command, so that any printer of the error shows the cause. */
function failedMessage(argv: readonly string[], code: number | null, stderr: string): string {
  const first = stderr
    .split('\n')
    .find((l) => l.trim() !== '')
    ?.trim();
  const what = argv.slice(0, argv[0] === 'ip' && argv[1] === 'netns' ? 5 : 2).join(' ');
  return `${what} failed (exit ${code ?? 'killed'})${first === undefined ? '' : `: ${first}`}`;
}

/** How many commands run at once: the machine's cores, at least 2 (spawns mostly wait on the kernel). */
export const PARALLEL_COMMANDS = Math.max(2, availableParallelism());

/**
 * Runs `jobs` (each returns a promise) with at most `limit` in flight; resolves when all
 * have finished, or rejects with the first failure after the others in flight settle.
 */
export async function runAll<T>(
  jobs: readonly (() => Promise<T>)[],
  limit = PARALLEL_COMMANDS,
  onDone?: (n: number) => void,
): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < jobs.length) {
      const i = next++;
      try {
        results[i] = await (jobs[i] as () => Promise<T>)();
      } catch (e) {
        failure ??= e;
      }
      onDone?.(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  if (failure !== undefined) throw failure;
  return results;
}
