/**
 * Checking a probe's result against what the scenario expects. The same check serves
 * the simulator, the emulator and reports, so "met" means the same everywhere.
 */
import { formatDuration } from './units.js';
import type { ProbeResult } from './observations.js';
import type { ExpectPlan } from './plan/types.js';

/** One expectation's verdict: met, or the reasons it was not. */
export interface Verdict {
  readonly name: string;
  readonly met: boolean;
  readonly failures: readonly string[];
}

/**
 * Compares a result with an expectation; every unmet field gives one reason. On the
 * emulator an expected `dropped` is met by `timed-out`: a real kernel drops silently,
 * and from outside a silent drop is a timeout (only the simulator sees the drop).
 */
export function checkExpectation(name: string, x: ExpectPlan, r: ProbeResult, engine: 'sim' | 'emulator' = 'sim'): Verdict {
  const f: string[] = [];
  const silentAlike = engine === 'emulator' && x.outcome === 'dropped' && r.outcome === 'timed-out';
  if (x.outcome !== undefined && r.outcome !== x.outcome && !silentAlike) f.push(`expected ${x.outcome}, got ${r.outcome} (${r.detail})`);
  if (x.reachable !== undefined && (r.outcome === 'delivered') !== x.reachable) {
    f.push(x.reachable ? `expected reachable, got ${r.outcome} (${r.detail})` : `expected not reachable, but it was delivered`);
  }
  if (x.seenSource !== undefined) checkSeen(x.seenSource, r, f);
  if (x.ttl !== undefined && r.ttl !== x.ttl) f.push(`expected reply TTL ${x.ttl}, got ${r.ttl ?? 'no reply'}`);
  if (x.received !== undefined && r.received !== x.received) f.push(`expected ${x.received} replies, got ${r.received} of ${r.sent}`);
  if (x.pathMtu !== undefined && r.pathMtu !== x.pathMtu) f.push(`expected path MTU ${x.pathMtu}, got ${r.pathMtu ?? 'none'}`);
  if (x.rttMinNs !== undefined || x.rttMaxNs !== undefined) checkRtt(x, r, f);
  return { name, met: f.length === 0, failures: f };
}

function checkSeen(want: string, r: ProbeResult, f: string[]): void {
  if (r.seen === undefined) return void f.push(`expected the server to see ${want}, but no answer came back (${r.outcome})`);
  const [addr, port] = want.split(':');
  const got = `${r.seen.address}:${r.seen.port}`;
  if (r.seen.address !== addr || (port !== undefined && String(r.seen.port) !== port)) f.push(`expected the server to see ${want}, it saw ${got}`);
}

function checkRtt(x: ExpectPlan, r: ProbeResult, f: string[]): void {
  if (r.rttsNs.length === 0) return void f.push('expected round-trip times, but no answer came back');
  const lo = Math.min(...r.rttsNs);
  const hi = Math.max(...r.rttsNs);
  if (x.rttMinNs !== undefined && lo < x.rttMinNs) f.push(`expected every RTT >= ${formatDuration(x.rttMinNs)}, the smallest was ${formatDuration(lo)}`);
  if (x.rttMaxNs !== undefined && hi > x.rttMaxNs) f.push(`expected every RTT <= ${formatDuration(x.rttMaxNs)}, the largest was ${formatDuration(hi)}`);
}
