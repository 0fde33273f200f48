/**
 * The path MTU probe on a real kernel, by the algorithm of the simulator's probe
 * (sim/apps/pmtu-probe.ts): start at the MTU of the route, send one DF echo request of
 * each size with `ping -M do`, follow fragmentation-needed (or ping's "message too long,
 * mtu=N" once the kernel has learned it) down, and halve between the largest size that
 * passed and the smallest that vanished. A size that vanishes counts as too large only
 * when a control request at a size known to pass (the largest that passed, else 68) is
 * answered right after it, and so does a size that draws an ICMP error other than
 * fragmentation-needed; a control's error ends the probe with it; when the control
 * vanishes too the size is asked again, and after PMTU_SILENT_ROUNDS such rounds the
 * probe reports that nothing gets through (core/pmtu-search.ts), not an MTU.
 */
import { LINUX_DEFAULT_TTL } from '../core/linux-defaults.js';
import type { ProbeResult } from '../core/observations.js';
import { pingOutcome } from '../core/outcome.js';
import { PMTU_MIN_MTU, PMTU_SILENT_ROUNDS, PMTU_STEP_TIMEOUT_NS, pmtuLostDetail } from '../core/pmtu-search.js';
import { run } from './exec.js';
import { runPing, type PingOutcome } from './ping.js';

const MIN_MTU = PMTU_MIN_MTU;
/** ICMP echo header plus IPv4 header. */
const OVERHEAD = 28;

type PmtuOutcome = Pick<ProbeResult, 'outcome' | 'detail' | 'sent' | 'received' | 'rttsNs' | 'pathMtu' | 'errorFrom'>;

/** The MTU toward `dst` as the namespace's routing sees it: the device's, or a learned path MTU. */
async function routeMtu(nsName: string, dst: string): Promise<number | undefined> {
  const r = await run(['ip', '-n', nsName, '-j', 'route', 'get', dst], { okCodes: [0, 2] });
  if (r.code !== 0) return undefined;
  const route = (JSON.parse(r.stdout) as { dev?: string; metrics?: { mtu?: number }[] }[])[0];
  const learned = route?.metrics?.find((m) => m.mtu !== undefined)?.mtu;
  if (route?.dev === undefined) return undefined;
  const link = await run(['ip', '-n', nsName, '-j', 'link', 'show', 'dev', route.dev]);
  const devMtu = (JSON.parse(link.stdout) as { mtu: number }[])[0]?.mtu ?? 1500;
  return learned === undefined ? devMtu : Math.min(devMtu, learned);
}

export async function runPmtu(nsName: string, dst: string): Promise<PmtuOutcome> {
  const size = await routeMtu(nsName, dst);
  // No route: as ping says it (core/outcome.ts), before any request.
  if (size === undefined)
    return { ...pingOutcome({ sent: 0, received: 0, noRoute: true }), sent: 0, received: 0, rttsNs: [] };
  return searchPmtu(size, (bytes) =>
    runPing(nsName, {
      ns: '',
      dst,
      count: 1,
      intervalNs: 1e9,
      size: bytes - OVERHEAD,
      df: true,
      ttl: LINUX_DEFAULT_TTL,
      timeoutNs: PMTU_STEP_TIMEOUT_NS,
    }),
  );
}

/** One DF request of `bytes` (IPv4 header included) and what came of it. */
export type PmtuPing = (bytes: number) => Promise<PingOutcome>;

/** What one request says about the search. */
type Answer =
  | { kind: 'passed'; rtts: readonly number[] }
  | { kind: 'too-big'; mtu: number }
  | { kind: 'silent' }
  | { kind: 'error'; outcome: PingOutcome };

function answerOf(r: PingOutcome, bytes: number): Answer {
  if (r.outcome === 'delivered') return { kind: 'passed', rtts: r.rttsNs };
  const mtu = /mtu[ =]+(\d+)/.exec(r.detail);
  if (mtu !== null && Number(mtu[1]) >= MIN_MTU && Number(mtu[1]) < bytes)
    return { kind: 'too-big', mtu: Number(mtu[1]) };
  if (r.outcome === 'timed-out') return { kind: 'silent' };
  return { kind: 'error', outcome: r };
}

/** The search from `start` bytes, one `ping` at a time (exported for tests, with a ping of their own). */
export async function searchPmtu(start: number, ping: PmtuPing): Promise<PmtuOutcome> {
  let size = start;
  let passed = 0;
  let failedAbove = Infinity;
  let sent = 0;
  let silentRounds = 0;
  const rtts: number[] = [];
  let error: PingOutcome | undefined;
  let ending: 'silent' | 'error' | undefined;
  const ask = async (bytes: number): Promise<Answer> => {
    sent++;
    const a = answerOf(await ping(bytes), bytes);
    if (a.kind === 'passed') rtts.push(...a.rtts);
    return a;
  };
  while (size > passed && size >= MIN_MTU) {
    const a = await ask(size);
    if (a.kind === 'passed') {
      passed = Math.max(passed, size);
      if (failedAbove === Infinity || failedAbove - passed <= 1) break;
      size = Math.floor((passed + failedAbove) / 2);
    } else if (a.kind === 'too-big') {
      failedAbove = Math.min(failedAbove, size);
      size = Math.min(a.mtu, size - 1);
    } else {
      // Silence or an error other than fragmentation-needed: about the size only if a
      // request known to fit passes right after it.
      const control = passed > 0 ? passed : MIN_MTU;
      const c = await ask(control);
      if (c.kind === 'passed') {
        passed = Math.max(passed, control);
        failedAbove = Math.min(failedAbove, size);
        size = Math.floor((passed + failedAbove) / 2);
      } else if (c.kind === 'too-big') {
        // The path shrank below what passed before: search again below it.
        failedAbove = control;
        passed = 0;
        size = Math.min(c.mtu, control - 1);
      } else if (c.kind === 'error') {
        error = c.outcome;
        ending = 'error';
        break;
      } else if (++silentRounds >= PMTU_SILENT_ROUNDS) {
        ending = 'silent';
        break;
      }
    }
  }
  const base = { sent, received: rtts.length, rttsNs: rtts };
  if (ending === 'silent') return { ...base, outcome: 'timed-out', detail: pmtuLostDetail(silentRounds, passed) };
  if (passed > 0 && ending === undefined)
    return { ...base, outcome: 'delivered', detail: `path MTU ${passed}`, pathMtu: passed };
  if (error !== undefined) {
    return {
      ...base,
      outcome: error.outcome === 'refused' ? 'refused' : 'unreachable',
      detail: error.detail,
      ...(error.errorFrom !== undefined && { errorFrom: error.errorFrom }),
    };
  }
  return { ...base, outcome: 'timed-out', detail: 'no answer' };
}
