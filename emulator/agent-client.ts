/**
 * The emulator's side of the namespace agent (agent/agent.py, the package
 * agent/twinnet_agent): starts it, sends typed commands (agent-protocol.ts), checks every
 * line it writes against the protocol, and matches every answer to its command by one id
 * scheme: each command, a probe included, gets an id `cN` from this client, and the agent
 * answers under that id (`ok`, `error`, or a probe's `result`), so that a probe the agent
 * cannot start is rejected with the agent's error like any other command. Every command
 * has a deadline: an agent that does not answer in time fails the command (and so the
 * run) with what was asked, never leaving it waiting. An error the agent reports rejects
 * the command that caused it; a line that breaks the protocol fails the agent (and so the
 * run). What it logs (the events a docker-proxy would log) is kept in `log`, in the order
 * it came. A probe's result holds raw facts, which core/outcome.ts classifies here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { probeEndOutcome, type ProbeEndOutcome } from '../core/outcome.js';
import { decodeReply, encodeRequest, type AgentCommand, type AgentOk, type AgentReply } from './agent-protocol.js';
import { EmulatorError } from './errors.js';
import { agentScript } from './paths.js';
import { setLongTimeout, type LongTimer } from './timers.js';

/**
 * The interpreter the agent runs on: the system's own when it is there (a version
 * manager's `python3` shim in PATH can cost 100 ms a start), else whatever `python3`
 * PATH finds. `-S` skips site-packages: the agent needs only the standard library.
 */
export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const PYTHON_FLAGS = ['-S'];

/**
 * How long the agent may take to answer a command that does not wait on the network
 * (a sysctl, a listening socket, a relay, a proxy): each is a few system calls, so this
 * bound is met by far even on a loaded machine, and a missed one means the agent is stuck.
 */
export const AGENT_COMMAND_DEADLINE_MS = 30_000;
/**
 * What a probe may take beyond its own waits: a TCP probe waits up to its timeout to
 * connect and again for the reply (twinnet_agent/probes.py TcpProbe), so its deadline is twice its
 * timeout and this margin.
 */
export const AGENT_PROBE_MARGIN_MS = 10_000;

/** A probe command, without its op (probe() adds it). */
export type ProbeCommand = Omit<Extract<AgentCommand, { op: 'probe' }>, 'op'>;

/** A TCP or UDP probe's result: its outcome (core/outcome.ts) and what it sent and heard. */
export interface AgentProbeResult {
  readonly outcome: ProbeEndOutcome['outcome'];
  readonly detail: string;
  readonly sent: number;
  readonly received: number;
  readonly rttsNs: readonly number[];
  readonly seen?: { readonly address: string; readonly port: number };
  readonly errorFrom?: string;
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
  resolve: (msg: AgentReply) => void;
  reject: (e: Error) => void;
  timer?: LongTimer;
}

export class AgentClient {
  private readonly child: ChildProcess;
  private buffer = '';
  private nextId = 0;
  private readonly pending = new Map<string, Pending>();
  private readonly stderr: string[] = [];
  private exited?: string;
  /** The agent's log, in order. */
  readonly log: AgentLog[] = [];
  readonly ready: Promise<void>;

  private readonly argv = [PYTHON, ...PYTHON_FLAGS, agentScript()];

  constructor() {
    const argv = this.argv;
    this.child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    this.ready = new Promise((resolve, reject) => {
      const timer = setLongTimeout(
        () => this.fail(`the namespace agent did not start within ${AGENT_COMMAND_DEADLINE_MS} ms`, argv),
        AGENT_COMMAND_DEADLINE_MS,
      );
      this.pending.set('ready', { resolve: () => resolve(), reject, timer });
    });
    this.child.stdout?.on('data', (b: Buffer) => this.onData(b.toString('utf8')));
    // Writing to an agent that has exited fails with EPIPE; its exit is reported by 'exit'.
    this.child.stdin?.on('error', () => undefined);
    this.child.stderr?.on('data', (b: Buffer) => this.stderr.push(b.toString('utf8')));
    this.child.on('error', (e) => this.fail(`cannot start the namespace agent: ${e.message}`, argv));
    this.child.on('exit', (code, signal) =>
      this.fail(`the namespace agent exited (${signal ?? `code ${code}`})`, argv, code),
    );
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The agent's exit code once it has exited (0 after a clean quit), else null. */
  get exitCode(): number | null {
    return this.child.exitCode;
  }

  /**
   * Sends a command and waits for its answer, at most `deadlineMs` (default
   * AGENT_COMMAND_DEADLINE_MS); an error answer or a missed deadline rejects.
   */
  request(cmd: AgentCommand, deadlineMs = AGENT_COMMAND_DEADLINE_MS): Promise<AgentOk> {
    return this.send(cmd, deadlineMs) as Promise<AgentOk>;
  }

  /** Sends a command under a new id; resolves with its answer (ok, or a probe's result). */
  private send(cmd: AgentCommand, deadlineMs: number): Promise<AgentReply> {
    if (this.exited !== undefined) return Promise.reject(new EmulatorError('command-failed', this.exited));
    const id = `c${this.nextId++}`;
    let line: string;
    try {
      line = encodeRequest({ ...cmd, id }).trimEnd();
    } catch (e) {
      return Promise.reject(
        new EmulatorError('command-failed', `not a namespace agent command: ${JSON.stringify(cmd)}: ${String(e)}`),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setLongTimeout(() => {
        this.pending.delete(id);
        const what = line.length > 300 ? `${line.slice(0, 300)}...` : line;
        reject(
          new EmulatorError(
            'timeout',
            `the namespace agent did not answer within ${deadlineMs} ms: ${what}`,
            this.argv,
            null,
            this.stderr.join(''),
          ),
        );
      }, deadlineMs);
      this.pending.set(id, { resolve, reject, timer });
      this.child.stdin?.write(`${line}\n`);
    });
  }

  /**
   * Starts a TCP or UDP probe; resolves with its result. `name` is the probe's name in
   * the timeline, for messages only: the command goes under this client's own id like
   * every other. Rejects if the agent cannot start it, fails first, or has not answered
   * by twice its timeout and AGENT_PROBE_MARGIN_MS.
   */
  async probe(name: string, cmd: ProbeCommand): Promise<AgentProbeResult> {
    const deadlineMs = (2 * cmd.timeoutNs) / 1e6 + AGENT_PROBE_MARGIN_MS;
    let r: AgentReply;
    try {
      r = await this.send({ ...cmd, op: 'probe' }, deadlineMs);
    } catch (e) {
      if (e instanceof Error) e.message = `probe ${name}: ${e.message}`;
      throw e;
    }
    if (r.op !== 'result')
      throw new EmulatorError('command-failed', `probe ${name}: the namespace agent answered ${r.op}, not a result`);
    const { outcome, detail, seen, errorFrom } = probeEndOutcome(r.end, cmd.dst, cmd.port);
    return {
      outcome,
      detail,
      sent: r.sent,
      received: r.received,
      rttsNs: r.rttNs,
      ...(seen !== undefined && { seen }),
      ...(errorFrom !== undefined && { errorFrom }),
    };
  }

  /**
   * Asks the agent to quit and waits for it; kills it by pid if it does not (at once
   * when it has already failed: an agent that missed a deadline may not read its input).
   */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.exited === undefined) this.child.stdin?.end(`${JSON.stringify({ op: 'quit' })}\n`);
    else this.child.kill('SIGKILL');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(timer);
  }

  private onData(text: string): void {
    this.buffer += text;
    const lines = this.buffer.split('\n');
    this.buffer = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') this.onLine(line);
  }

  /** A line the agent wrote; one that breaks the protocol fails the agent, as a fault does. */
  private onLine(line: string): void {
    let msg: AgentReply;
    try {
      msg = decodeReply(line);
    } catch (e) {
      const what = line.length > 300 ? `${line.slice(0, 300)}...` : line;
      return this.fail(
        `the namespace agent broke its protocol: ${what}: ${e instanceof Error ? e.message : String(e)}`,
        this.argv,
      );
    }
    this.onMessage(msg);
  }

  private onMessage(msg: AgentReply): void {
    if (msg.op === 'ready') return this.settle('ready', msg);
    if (msg.op === 'log') {
      this.log.push({ ns: msg.ns, what: msg.what, message: msg.message });
      return;
    }
    if (msg.op === 'fault') return this.fail(`the namespace agent failed: ${msg.error}`, this.argv);
    // An error without an id answers a line the agent could not read: the client wrote
    // only checked lines, so the two sides disagree about the protocol.
    if (msg.id === null)
      return this.fail(
        `the namespace agent could not read a request: ${msg.op === 'error' ? msg.error : ''}`,
        this.argv,
      );
    // ok, error, or a probe's result: each under the id of the command it answers.
    const p = this.pending.get(msg.id);
    if (p === undefined) return;
    this.pending.delete(msg.id);
    p.timer?.cancel();
    if (msg.op === 'error') p.reject(new EmulatorError('command-failed', `namespace agent: ${msg.error}`));
    else p.resolve(msg);
  }

  private settle(id: string, msg: AgentReply): void {
    const p = this.pending.get(id);
    this.pending.delete(id);
    p?.timer?.cancel();
    p?.resolve(msg);
  }

  private fail(message: string, argv: readonly string[], code?: number | null): void {
    if (this.exited !== undefined) return;
    this.exited = message;
    const err = new EmulatorError('command-failed', message, argv, code, this.stderr.join(''));
    for (const p of this.pending.values()) {
      p.timer?.cancel();
      p.reject(err);
    }
    this.pending.clear();
  }
}
