/**
 * Checking a probe's result against what the scenario expects. The same check serves
 * the simulator, the emulator and reports, so "met" means the same everywhere.
 *
 * Tolerances: an outcome may be a set (a race in the real kernel), replies may be
 * bounded instead of exact, loss is a fraction with bounds, and round-trip times may be
 * bounded sample by sample (min, max) or by a percentile. Percentiles are nearest-rank:
 * the P-th percentile of N samples is the sample of rank ceil(P/100 * N) in increasing
 * order (Hyndman and Fan, "Sample Quantiles in Statistical Packages", 1996, definition
 * 1, the inverse of the empirical distribution). It is always a measured RTT, never an
 * interpolation, and the median (p50) of an even count is the lower of the middle two.
 */
import { formatDuration, formatPercent, PPM_PER_PERCENT } from './units.js';
import type { Outcome, ProbeResult } from './observations.js';
import type { ExpectPlan, RttPercentilePlan } from './plan/types.js';

/** One expectation's verdict: met, or the reasons it was not. */
export interface Verdict {
  readonly name: string;
  readonly met: boolean;
  readonly failures: readonly string[];
}

/** The outcomes an expectation accepts (empty when it does not check the outcome). */
export function acceptedOutcomes(x: ExpectPlan): readonly Outcome[] {
  return x.outcome === undefined ? [] : typeof x.outcome === 'string' ? [x.outcome] : x.outcome;
}

/**
 * Whether an outcome is among the accepted ones. On the emulator an accepted `dropped`
 * is met by `timed-out`: a real kernel drops silently, and from outside a silent drop is
 * a timeout (only the simulator sees the drop).
 */
export function outcomeAccepted(accepted: readonly Outcome[], got: Outcome, engine: 'sim' | 'emulator'): boolean {
  return accepted.includes(got) || (engine === 'emulator' && got === 'timed-out' && accepted.includes('dropped'));
}

/** Compares a result with an expectation; every unmet field gives one reason. */
export function checkExpectation(
  name: string,
  x: ExpectPlan,
  r: ProbeResult,
  engine: 'sim' | 'emulator' = 'sim',
): Verdict {
  const f: string[] = [];
  const accepted = acceptedOutcomes(x);
  if (accepted.length > 0 && !outcomeAccepted(accepted, r.outcome, engine))
    f.push(`expected ${accepted.join(' or ')}, got ${r.outcome} (${r.detail})`);
  if (x.reachable !== undefined && (r.outcome === 'delivered') !== x.reachable) {
    f.push(
      x.reachable
        ? `expected reachable, got ${r.outcome} (${r.detail})`
        : `expected not reachable, but it was delivered`,
    );
  }
  if (x.seenSource !== undefined) checkSeen(x.seenSource, r, f);
  if (x.ttl !== undefined && r.ttl !== x.ttl) f.push(`expected reply TTL ${x.ttl}, got ${r.ttl ?? 'no reply'}`);
  checkReceived(x, r, f);
  checkLoss(x, r, f);
  if (x.pathMtu !== undefined && r.pathMtu !== x.pathMtu)
    f.push(`expected path MTU ${x.pathMtu}, got ${r.pathMtu ?? 'none'}`);
  if (x.rttMinNs !== undefined || x.rttMaxNs !== undefined) checkRtt(x, r, f);
  for (const p of x.rttPercentiles ?? []) checkPercentile(p, r, f);
  return { name, met: f.length === 0, failures: f };
}

function checkSeen(want: string, r: ProbeResult, f: string[]): void {
  if (r.seen === undefined)
    return void f.push(`expected the server to see ${want}, but no answer came back (${r.outcome})`);
  const [addr, port] = want.split(':');
  const got = `${r.seen.address}:${r.seen.port}`;
  if (r.seen.address !== addr || (port !== undefined && String(r.seen.port) !== port))
    f.push(`expected the server to see ${want}, it saw ${got}`);
}

function checkReceived(x: ExpectPlan, r: ProbeResult, f: string[]): void {
  if (x.received !== undefined && r.received !== x.received)
    f.push(`expected ${x.received} replies, got ${r.received} of ${r.sent}`);
  if (x.receivedMin !== undefined && r.received < x.receivedMin)
    f.push(`expected at least ${x.receivedMin} replies, got ${r.received} of ${r.sent}`);
  if (x.receivedMax !== undefined && r.received > x.receivedMax)
    f.push(`expected at most ${x.receivedMax} replies, got ${r.received} of ${r.sent}`);
}

/**
 * Loss is the fraction of requests without a reply, (sent - received) / sent, as ping(8) prints it;
 * compared in integers.
 */
function checkLoss(x: ExpectPlan, r: ProbeResult, f: string[]): void {
  if (x.lossMinPpm === undefined && x.lossMaxPpm === undefined) return;
  if (r.sent === 0) return void f.push('expected a loss fraction, but no request was sent');
  const lostPpm = (r.sent - r.received) * 100 * PPM_PER_PERCENT;
  const got = `${formatPercent(Math.round(lostPpm / r.sent))} (${r.sent - r.received} of ${r.sent} unanswered)`;
  if (x.lossMinPpm !== undefined && lostPpm < x.lossMinPpm * r.sent)
    f.push(`expected loss >= ${formatPercent(x.lossMinPpm)}, got ${got}`);
  if (x.lossMaxPpm !== undefined && lostPpm > x.lossMaxPpm * r.sent)
    f.push(`expected loss <= ${formatPercent(x.lossMaxPpm)}, got ${got}`);
}

function checkRtt(x: ExpectPlan, r: ProbeResult, f: string[]): void {
  if (r.rttsNs.length === 0) return void f.push('expected round-trip times, but no answer came back');
  const lo = Math.min(...r.rttsNs);
  const hi = Math.max(...r.rttsNs);
  if (x.rttMinNs !== undefined && lo < x.rttMinNs)
    f.push(`expected every RTT >= ${formatDuration(x.rttMinNs)}, the smallest was ${formatDuration(lo)}`);
  if (x.rttMaxNs !== undefined && hi > x.rttMaxNs)
    f.push(`expected every RTT <= ${formatDuration(x.rttMaxNs)}, the largest was ${formatDuration(hi)}`);
}

/** The nearest-rank percentile of samples (see the header); undefined without samples. */
export function nearestRank(samples: readonly number[], percentile: number): number | undefined {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[rank - 1];
}

function checkPercentile(p: RttPercentilePlan, r: ProbeResult, f: string[]): void {
  const v = nearestRank(r.rttsNs, p.percentile);
  const what = `RTT p${p.percentile}`;
  if (v === undefined) return void f.push(`expected ${what}, but no answer came back`);
  const of = `of ${r.rttsNs.length} sample${r.rttsNs.length === 1 ? '' : 's'}`;
  if (p.minNs !== undefined && v < p.minNs)
    f.push(`expected ${what} >= ${formatDuration(p.minNs)}, it was ${formatDuration(v)} (${of})`);
  if (p.maxNs !== undefined && v > p.maxNs)
    f.push(`expected ${what} <= ${formatDuration(p.maxNs)}, it was ${formatDuration(v)} (${of})`);
}
