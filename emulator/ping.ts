/**
 * The ping probe on a real kernel: iputils ping(8) in the probe's namespace, with the
 * scenario's count, interval, size, TTL and timeout, `-M do` for DF (Linux's default,
 * -M want, otherwise), and its output read into the same result the simulator gives
 * (sim/apps/ping.ts): replies with RTT and TTL; ICMP errors as ping prints them;
 * "connect: Network is unreachable"; "local error: message too long". The outcome is
 * core/outcome.ts's, from the facts read here.
 */
import type { ProbeResult } from '../core/observations.js';
import { pingOutcome } from '../core/outcome.js';
import { EmulatorError } from './errors.js';
import { run } from './exec.js';

export interface PingSpec {
  readonly ns: string;
  readonly dst: string;
  readonly count: number;
  readonly intervalNs: number;
  readonly size: number;
  readonly df: boolean;
  readonly ttl: number;
  readonly timeoutNs: number;
}

/** ping's arguments for a spec (in the namespace given by the caller). */
export function pingArgv(nsName: string, s: PingSpec): string[] {
  const secs = (ns: number) => String(Number((ns / 1e9).toFixed(3)));
  return [
    'ip',
    'netns',
    'exec',
    nsName,
    'ping',
    '-n',
    '-c',
    String(s.count),
    '-i',
    secs(s.intervalNs),
    '-s',
    String(s.size),
    '-t',
    String(s.ttl),
    '-W',
    secs(s.timeoutNs),
    ...(s.df ? ['-M', 'do'] : []),
    s.dst,
  ];
}

export type PingOutcome = Pick<
  ProbeResult,
  'outcome' | 'detail' | 'sent' | 'received' | 'rttsNs' | 'ttl' | 'errorFrom'
>;

/** Runs ping and reads its output. Exit codes 1 (no reply) and 2 (error) are answers, not failures. */
export async function runPing(nsName: string, s: PingSpec): Promise<PingOutcome> {
  const argv = pingArgv(nsName, s);
  const r = await run(argv, {
    okCodes: [0, 1, 2],
    timeoutMs: Math.ceil((s.count * s.intervalNs + s.timeoutNs) / 1e6) + 10_000,
  });
  const text = `${r.stdout}\n${r.stderr}`;
  if (!understood(text))
    throw new EmulatorError('command-failed', 'ping said something twinnet does not understand', argv, r.code, text);
  return parsePing(text);
}

/** Whether ping's output is one of the answers parsePing reads (else it is an error of the run). */
function understood(text: string): boolean {
  return /packets transmitted|connect: Network is unreachable|local error/.test(text);
}

/**
 * Reads iputils ping output (exported for tests) into raw facts, which core/outcome.ts
 * classifies as it classifies the simulator's ping.
 */
export function parsePing(text: string): PingOutcome {
  const replies = [...text.matchAll(/bytes from [0-9.]+: icmp_seq=\d+ ttl=(\d+) time=([0-9.]+) ms/g)];
  const sent = Number(/(\d+) packets transmitted/.exec(text)?.[1] ?? 0);
  const rttsNs = replies.map((m) => Math.round(Number(m[2]) * 1e6));
  const ttl = replies[0] === undefined ? undefined : Number(replies[0][1]);
  const err = /From ([0-9.]+)(?: icmp_seq=\d+)? (.+)/.exec(text);
  const local = /local error: (message too long, mtu=\d+)/i.exec(text);
  const o = pingOutcome({
    sent,
    received: replies.length,
    noRoute: /connect: Network is unreachable/.test(text),
    ...(err !== null && { error: { from: err[1] as string, words: (err[2] ?? '').trim() } }),
    ...(local !== null && { localError: `local error: ${local[1]}` }),
  });
  return { sent, received: replies.length, rttsNs, ...(ttl !== undefined && { ttl }), ...o };
}
