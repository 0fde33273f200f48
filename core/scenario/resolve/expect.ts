/**
 * Resolve a probe's expectation: check that each field fits the probe, and turn the
 * file's words (durations, percentages, outcome lists) into the integers the plan holds.
 * What each form means when checked is in core/expect.ts.
 */
import { parseIpv4 } from '../../addr.js';
import { parsePercent } from '../../units.js';
import type { Path } from '../diagnostics.js';
import type { ExpectModel, Outcome, ProbeModel, RttPercentileModel } from '../model.js';
import type { RawTimelineEntry } from '../schema/index.js';
import { duration, type ResolveContext } from './context.js';

type RawExpect = NonNullable<RawTimelineEntry['expect']>;
type RawBounds = { min?: string | undefined; max?: string | undefined };

/** The percentiles an expectation may bound, by the name the file uses. */
const PERCENTILES = [
  ['p50', 50],
  ['median', 50],
  ['p90', 90],
  ['p99', 99],
] as const;

export function resolveExpect(ctx: ResolveContext, x: RawExpect, kind: ProbeModel['kind'], path: Path): ExpectModel {
  const bad = (field: string, kinds: string) =>
    ctx.sink.error([...path, field], `${field} is checked for ${kinds} probes only`);
  const outcome = outcomeOf(x.outcome);
  if (outcome !== undefined && x.reachable !== undefined) {
    const odd = [outcome].flat().filter((o) => (o === 'delivered') !== x.reachable);
    if (odd.length > 0) ctx.sink.error([...path, 'reachable'], `contradicts outcome: ${odd.join(', ')}`, x.reachable);
  }
  if (x['seen-source'] !== undefined && kind !== 'tcp' && kind !== 'udp') bad('seen-source', 'tcp and udp');
  if (x['path-mtu'] !== undefined && kind !== 'pmtu') bad('path-mtu', 'pmtu');
  if (x.received !== undefined && kind !== 'ping') bad('received', 'ping');
  if (x.loss !== undefined && kind !== 'ping') bad('loss', 'ping');
  if (x.ttl !== undefined && kind !== 'ping') bad('ttl', 'ping');
  if (x.rtt !== undefined && kind === 'pmtu') bad('rtt', 'ping, tcp and udp');
  const seen = x['seen-source']?.split(':');
  const seenAddr = seen?.[0] === undefined ? undefined : parseIpv4(seen[0]);
  if (seen !== undefined && seenAddr === undefined)
    ctx.sink.error([...path, 'seen-source'], 'expected ADDRESS or ADDRESS:PORT', x['seen-source']);
  const received = typeof x.received === 'object' ? intBounds(ctx, x.received, [...path, 'received']) : undefined;
  const loss = x.loss === undefined ? undefined : lossBounds(ctx, x.loss, [...path, 'loss']);
  return {
    ...(outcome !== undefined && { outcome }),
    ...(x.reachable !== undefined && { reachable: x.reachable }),
    ...(seenAddr !== undefined && {
      seenSource: { address: seenAddr, ...(seen?.[1] !== undefined && { port: Number(seen[1]) }) },
    }),
    ...(x.ttl !== undefined && { ttl: x.ttl }),
    ...(x.rtt?.min !== undefined && { rttMinNs: duration(ctx, x.rtt.min, [...path, 'rtt', 'min'], 0) }),
    ...(x.rtt?.max !== undefined && { rttMaxNs: duration(ctx, x.rtt.max, [...path, 'rtt', 'max'], 0) }),
    ...(x.rtt !== undefined && percentiles(ctx, x.rtt, [...path, 'rtt'])),
    ...(x['path-mtu'] !== undefined && { pathMtu: x['path-mtu'] }),
    ...(typeof x.received === 'number' && { received: x.received }),
    ...(received?.min !== undefined && { receivedMin: received.min }),
    ...(received?.max !== undefined && { receivedMax: received.max }),
    ...(loss?.min !== undefined && { lossMinPpm: loss.min }),
    ...(loss?.max !== undefined && { lossMaxPpm: loss.max }),
  };
}

/** One outcome stays one; a list keeps its order without repeats, and a list of one is that one. */
function outcomeOf(raw: RawExpect['outcome']): Outcome | readonly Outcome[] | undefined {
  if (raw === undefined || typeof raw === 'string') return raw;
  const set = [...new Set(raw)];
  return set.length === 1 ? set[0] : set;
}

/** min and max of one measure: at least one, and min no larger than max. */
function checkBounds(
  ctx: ResolveContext,
  b: { min?: number | undefined; max?: number | undefined },
  path: Path,
  show: (n: number) => string,
): void {
  if (b.min === undefined && b.max === undefined) ctx.sink.error(path, 'expected min, max or both');
  else if (b.min !== undefined && b.max !== undefined && b.min > b.max)
    ctx.sink.error([...path, 'min'], `min is larger than max (${show(b.max)}); expected min <= max`, show(b.min));
}

function intBounds(
  ctx: ResolveContext,
  b: { min?: number | undefined; max?: number | undefined },
  path: Path,
): { min?: number; max?: number } {
  checkBounds(ctx, b, path, String);
  return { ...(b.min !== undefined && { min: b.min }), ...(b.max !== undefined && { max: b.max }) };
}

function lossBounds(ctx: ResolveContext, b: RawBounds, path: Path): { min?: number; max?: number } {
  const ppm = (text: string | undefined, field: string) => {
    if (text === undefined) return undefined;
    const v = parsePercent(text);
    if (v === undefined) ctx.sink.error([...path, field], 'expected a percentage from 0% to 100%, such as 5%', text);
    return v;
  };
  const out = { min: ppm(b.min, 'min'), max: ppm(b.max, 'max') };
  checkBounds(ctx, out, path, (n) => `${n / 10_000}%`);
  return { ...(out.min !== undefined && { min: out.min }), ...(out.max !== undefined && { max: out.max }) };
}

function percentiles(
  ctx: ResolveContext,
  rtt: NonNullable<RawExpect['rtt']>,
  path: Path,
): { rttPercentiles?: RttPercentileModel[] } {
  if (rtt.p50 !== undefined && rtt.median !== undefined)
    ctx.sink.error([...path, 'median'], 'median is p50; expected one of them, not both');
  const out: RttPercentileModel[] = [];
  for (const [field, percentile] of PERCENTILES) {
    const b = rtt[field];
    if (b === undefined) continue;
    const p = [...path, field];
    const minNs = b.min === undefined ? undefined : duration(ctx, b.min, [...p, 'min'], 0);
    const maxNs = b.max === undefined ? undefined : duration(ctx, b.max, [...p, 'max'], 0);
    checkBounds(ctx, { min: minNs, max: maxNs }, p, (n) => `${n}ns`);
    if (out.some((x) => x.percentile === percentile)) continue;
    out.push({ percentile, ...(minNs !== undefined && { minNs }), ...(maxNs !== undefined && { maxNs }) });
  }
  if (rtt.min === undefined && rtt.max === undefined && out.length === 0)
    ctx.sink.error(path, 'expected min, max, p50 (or median), p90 or p99');
  return out.length === 0 ? {} : { rttPercentiles: out };
}
