/**
 * The emulator's side of the namespace agent (agent/agent.py): starts it, sends JSON
 * commands, matches answers by id, and hands probe results to whoever waits for them.
 * An error the agent reports rejects the command that caused it; what it logs (the
 * events a docker-proxy would log) is kept in `log`, in the order it came.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EmulatorError } from './errors.js';
import { agentScript } from './paths.js';

/**
 * The interpreter the agent runs on: the system's own when it is there (a version
 * manager's `python3` shim in PATH can cost 100 ms a start), else whatever `python3`
 * PATH finds. `-S` skips site-packages: the agent needs only the standard library.
 */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const PYTHON_FLAGS = ['-S'];

export interface AgentResult {
  readonly op: 'result';
  readonly id: string;
  readonly outcome: 'delivered' | 'refused' | 'unreachable' | 'dropped' | 'timed-out';
  readonly detail: string;
  readonly sent: number;
  readonly received: number;
  readonly rtt_ns: number[];
  readonly seen?: { address: string; port: number };
  readonly error_from?: string;
}

/** An event the agent reports without failing: what a docker-proxy would log. */
export interface AgentLog {
  /** The namespace (its real name) the reporter works in. */
  readonly ns: string;
  /** Who reports it (the docker-proxy command line, for one). */
  readonly what: string;
  readonly message: string;
}

interface Pending {
  resolve: (msg: Record<string, unknown>) => void;
  reject: (e: Error) => void;
}

export class AgentClient {
  private readonly child: ChildProcess;
  private buffer = '';
  private nextId = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly results = new Map<string, (r: AgentResult) => void>();
  private readonly stderr: string[] = [];
  private exited?: string;
  /** The agent's log, in order. */
  readonly log: AgentLog[] = [];
  readonly ready: Promise<void>;

  constructor() {
    const argv = [PYTHON, ...PYTHON_FLAGS, agentScript()];
    this.child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.ready = new Promise((resolve, reject) => {
      this.pending.set('ready', { resolve: () => resolve(), reject });
    });
    this.child.stdout?.on('data', (b: Buffer) => this.onData(b.toString('utf8')));
    // Writing to an agent that has exited fails with EPIPE; its exit is reported by 'exit'.
    this.child.stdin?.on('error', () => undefined);
    this.child.stderr?.on('data', (b: Buffer) => this.stderr.push(b.toString('utf8')));
    this.child.on('error', (e) => this.fail(`cannot start the namespace agent: ${e.message}`, argv));
    this.child.on('exit', (code, signal) => this.fail(`the namespace agent exited (${signal ?? `code ${code}`})`, argv, code));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The agent's exit code once it has exited (0 after a clean quit), else null. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /** Sends a command and waits for its answer. */
  request(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited !== undefined) return Promise.reject(new EmulatorError('command-failed', this.exited));
    const id = `c${this.nextId++}`;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin?.write(`${JSON.stringify({ ...cmd, id })}\n`);
    });
  }

  /** Starts a probe; resolves with its result, rejects if the agent fails first. */
  probe(cmd: Record<string, unknown> & { id: string }): Promise<AgentResult> {
    if (this.exited !== undefined) return Promise.reject(new EmulatorError('command-failed', this.exited));
    return new Promise((resolve, reject) => {
      this.results.set(cmd.id, resolve);
      this.pending.set(`probe:${cmd.id}`, { resolve: () => undefined, reject });
      this.child.stdin?.write(`${JSON.stringify({ ...cmd, op: 'probe' })}\n`);
    });
  }

  /** Asks the agent to quit and waits for it; kills it by pid if it does not. */
  async stop(): Promise<void> {
    if (this.exited !== undefined) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin?.end(`${JSON.stringify({ op: 'quit' })}\n`);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }

  private onData(text: string): void {
    this.buffer += text;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') this.onMessage(JSON.parse(line) as Record<string, unknown>);
  }

  private onMessage(msg: Record<string, unknown>): void {
    if (msg.op === 'ready') return this.settle('ready', msg);
    if (msg.op === 'log') {
      this.log.push({ ns: String(msg.ns), what: String(msg.what), message: String(msg.message) });
      return;
    }
    if (msg.op === 'fault') return this.fail(`the namespace agent failed: ${String(msg.error)}`, [PYTHON, agentScript()]);
    if (msg.op === 'result') {
      const r = this.results.get(String(msg.id));
      this.results.delete(String(msg.id));
      this.pending.delete(`probe:${String(msg.id)}`);
      return r?.(msg as unknown as AgentResult);
    }
    const p = this.pending.get(String(msg.id));
    if (p === undefined) return;
    this.pending.delete(String(msg.id));
    if (msg.op === 'error') p.reject(new EmulatorError('command-failed', `namespace agent: ${String(msg.error)}`));
    else p.resolve(msg);
  }

  private settle(id: string, msg: Record<string, unknown>): void {
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.resolve(msg);
  }

  private fail(message: string, argv: readonly string[], code?: number | null): void {
    if (this.exited !== undefined) return;
    this.exited = message;
    const err = new EmulatorError('command-failed', message, argv, code, this.stderr.join(''));
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
