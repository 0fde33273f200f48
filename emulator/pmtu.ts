/**
 * The path MTU probe on a real kernel, by the algorithm of the simulator's probe
 * (sim/apps/pmtu-probe.ts): start at the MTU of the route, send one DF echo request of
 * each size with `ping -M do`, follow fragmentation-needed (or ping's "message too
 * long, mtu=N" once the kernel has learned it) down, and halve between the largest
 * size that passed and the smallest that vanished.
 */
import type { ProbeResult } from '../core/observations.js';
import { run } from './exec.js';
import { runPing } from './ping.js';

const STEP_TIMEOUT_NS = 1_000_000_000;
const MIN_MTU = 68;
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
  let size = await routeMtu(nsName, dst);
  if (size === undefined) return { outcome: 'unreachable', detail: 'connect: Network is unreachable', sent: 0, received: 0, rttsNs: [] };
  let passed = 0;
  let failedAbove = Infinity;
  let sent = 0;
  const rtts: number[] = [];
  let lastError: { detail: string; from?: string; outcome: 'refused' | 'unreachable' } | undefined;
  while (size > passed && size >= MIN_MTU) {
    sent++;
    const r = await runPing(nsName, { ns: '', dst, count: 1, intervalNs: 1e9, size: size - OVERHEAD, df: true, ttl: 64, timeoutNs: STEP_TIMEOUT_NS });
    const mtu = /mtu[ =]+(\d+)/.exec(r.detail);
    if (r.outcome === 'delivered') {
      rtts.push(...r.rttsNs);
      passed = Math.max(passed, size);
      if (failedAbove === Infinity || failedAbove - passed <= 1) break;
      size = Math.floor((passed + failedAbove) / 2);
    } else if (mtu !== null && Number(mtu[1]) >= MIN_MTU && Number(mtu[1]) < size) {
      failedAbove = Math.min(failedAbove, size);
      size = Number(mtu[1]);
    } else if (r.outcome === 'timed-out') {
      failedAbove = Math.min(failedAbove, size);
      size = Math.floor((passed + failedAbove) / 2);
      if (passed === 0 && size < MIN_MTU) break;
    } else {
      lastError = { detail: r.detail, outcome: r.outcome === 'refused' ? 'refused' : 'unreachable', ...(r.errorFrom !== undefined && { from: r.errorFrom }) };
      break;
    }
  }
  const base = { sent, received: rtts.length, rttsNs: rtts };
  if (passed > 0) return { ...base, outcome: 'delivered', detail: `path MTU ${passed}`, pathMtu: passed };
  if (lastError !== undefined) return { ...base, outcome: lastError.outcome, detail: lastError.detail, ...(lastError.from !== undefined && { errorFrom: lastError.from }) };
  return { ...base, outcome: 'timed-out', detail: 'no answer' };
}
