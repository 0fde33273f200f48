/**
 * What a run owns and how it is given back: the namespaces it made, the processes it
 * started (by pid, never by name), the agent. Teardown always happens: after success,
 * after a failure at any step, and on SIGINT or SIGTERM, for which a handler is
 * installed while any run is alive. Deleting a namespace takes its devices, addresses,
 * routes and rules with it, so nothing of a run outlives its namespaces.
 */
import type { AgentClient } from './agent-client.js';
import { run } from './exec.js';

const live = new Set<RunResources>();
let handlersInstalled = false;

export class RunResources {
  readonly namespaces: string[] = [];
  readonly pids = new Set<number>();
  agent?: AgentClient;
  private torn = false;

  constructor() {
    live.add(this);
    installSignalHandlers();
  }

  /**
   * Kills the run's processes, stops the agent, deletes its namespaces. Safe to call
   * twice. Every step runs even if an earlier one failed; the first failure is thrown
   * at the end, so that nothing is left behind and nothing is hidden.
   */
  async teardown(): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    const failures: unknown[] = [];
    for (const pid of this.pids) killQuietly(pid, 'SIGTERM');
    await this.agent?.stop().catch((e: unknown) => failures.push(e));
    await sleep(this.pids.size > 0 ? 50 : 0);
    for (const pid of this.pids) killQuietly(pid, 'SIGKILL');
    if (this.namespaces.length > 0) {
      // -force: go on after a namespace that is already gone (a killed earlier attempt).
      await run(['ip', '-force', '-batch', '-'], { stdin: this.namespaces.map((n) => `netns del ${n}\n`).join(''), okCodes: [0, 1] }).catch((e: unknown) => failures.push(e));
    }
    live.delete(this);
    if (failures.length > 0) throw failures[0];
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
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(sig, () => {
      process.stderr.write(`\ntwinnet: ${sig}: removing what this run created...\n`);
      void Promise.allSettled([...live].map((r) => r.teardown())).then(() => process.exit(code));
    });
  }
}
