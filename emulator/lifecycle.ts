/**
 * What a run owns and how it is given back: the namespaces it made (and any other
 * namespace carrying its marker), the processes it started (by pid, never by name: the
 * agent, tcpdump, and every command exec.ts runs for it, pings included), any process
 * left in its namespaces, its temporary folders, and its owner record (owner.ts).
 * Teardown always happens: after success, after a failure at any step, and on SIGINT or
 * SIGTERM, for which a handler is installed while any run is alive. On a signal the
 * process is going away, so every command it still runs is stopped before the runs'
 * namespaces are deleted: a command in flight (an `ip netns add`, a ping) would
 * otherwise finish after the teardown, and a process in a deleted namespace keeps that
 * namespace alive. Deleting a namespace takes its devices, addresses, routes and rules
 * with it, so nothing of a run outlives its namespaces.
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { AgentClient } from './agent-client.js';
import { markersInUse, ownedNamespaces, processesIn } from './clean.js';
import { run, stopRunningCommands } from './exec.js';
import { RunNames } from './names.js';
import { claimMarker, releaseMarker } from './owner.js';

const live = new Set<RunResources>();
let handlersInstalled = false;
let signalled = false;

/** How long processes get to end after SIGTERM before SIGKILL (tcpdump flushes its file). */
const GRACE_MS = 50;
/** How often the grace wait looks whether they have ended. */
const GRACE_POLL_MS = 2;

export class RunResources {
  readonly namespaces: string[] = [];
  /** Pids of processes the run started that `track` does not follow. */
  readonly pids = new Set<number>();
  /** Temporary folders of the run, removed at teardown. */
  readonly folders: string[] = [];
  agent?: AgentClient;
  /**
   * The run's marker when it claimed one (owner.ts): teardown then also deletes any
   * namespace carrying it, and releases the claim last.
   */
  marker?: string;
  private readonly children = new Set<ChildProcess>();
  private done?: Promise<void>;

  constructor() {
    live.add(this);
    installSignalHandlers();
  }

  /**
   * Takes a marker no namespace or run uses, recorded as owned by this process (so that
   * `twinnet clean` leaves the run alone while it lives), and returns the run's names.
   */
  claimNames(): RunNames {
    // One marker per run: teardown releases only the last one claimed, a first would be left.
    if (this.marker !== undefined) throw new Error(`internal: run ${this.marker} claims a second marker`);
    this.marker = claimMarker(markersInUse());
    return new RunNames(this.marker);
  }

  /** Follows a process the run started, until it exits (so its pid is never reused by mistake). */
  track(child: ChildProcess): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  /**
   * Kills the run's processes, stops the agent, deletes its namespaces, removes its
   * folders and releases its marker. Safe to call twice or at once from two places (a
   * failure and a signal): both wait for the one teardown. Every step runs even if an
   * earlier one failed; the first failure is thrown at the end, so that nothing is left
   * behind and nothing is hidden.
   */
  teardown(): Promise<void> {
    this.done ??= this.giveBack();
    return this.done;
  }

  /**
   * Waits up to GRACE_MS for the processes just sent SIGTERM to end, and no longer than
   * they take: the agent has usually quit already (stop() waits for it), and a fixed
   * wait cost every run's teardown GRACE_MS.
   */
  private async graceForLiving(): Promise<void> {
    const deadline = performance.now() + GRACE_MS;
    while (this.children.size > 0 || [...this.pids].some(alive)) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      await sleep(Math.min(GRACE_POLL_MS, left));
    }
  }

  private async giveBack(): Promise<void> {
    const failures: unknown[] = [];
    const signal = (sig: NodeJS.Signals) => {
      for (const pid of this.pids) killQuietly(pid, sig);
      for (const c of this.children) c.kill(sig);
    };
    signal('SIGTERM');
    await this.agent?.stop().catch((e: unknown) => failures.push(e));
    await this.graceForLiving();
    signal('SIGKILL');
    const namespaces = [
      ...new Set([...this.namespaces, ...(this.marker === undefined ? [] : ownedNamespaces(this.marker))]),
    ];
    // What the run started that was not followed (or was started for it), found by namespace.
    for (const pid of processesIn(namespaces)) killQuietly(pid, 'SIGKILL');
    if (namespaces.length > 0) {
      // -force: go on after a namespace that is already gone (a killed earlier attempt).
      await run(['ip', '-force', '-batch', '-'], {
        stdin: namespaces.map((n) => `netns del ${n}\n`).join(''),
        okCodes: [0, 1],
      }).catch((e: unknown) => failures.push(e));
    }
    for (const f of this.folders) rmSync(f, { recursive: true, force: true });
    if (this.marker !== undefined) releaseMarker(this.marker);
    live.delete(this);
    if (failures.length > 0) throw failures[0];
  }
}

/** Whether a process with this pid exists (kill(2) with signal 0 checks without sending). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone: nothing to do
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const [sig, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.on(sig, () => {
      process.stderr.write(`\ntwinnet: ${sig}: removing what this run created...\n`);
      // Once: a second signal must not stop the teardown's own commands.
      if (!signalled) stopRunningCommands();
      signalled = true;
      void Promise.allSettled([...live].map((r) => r.teardown())).then(() => process.exit(code));
    });
  }
}
