/**
 * Units as tc(8) and ip(8) spell them: durations, rates, percentages and sizes.
 *
 * Time is an integer number of nanoseconds everywhere in twinnet (architecture, firm
 * decision 2), so durations parse straight to safe integers. Rates follow tc(8)'s
 * "RATES" section: `bit`, `kbit`, `mbit`, `gbit`, `tbit` are bits per second and
 * `bps`, `kbps`, `mbps`, `gbps` are bytes per second; the SI prefixes are powers of 1000
 * (tc also has `kibit`-style IEC units, accepted here too). Not modelled: tc's bare
 * numbers without a unit (ambiguous in a scenario file, so a unit is required).
 */

/** Nanoseconds, an integer. */
export type Nanos = number;

export const NS_PER_US = 1_000;
export const NS_PER_MS = 1_000_000;
export const NS_PER_S = 1_000_000_000;

const TIME_UNITS: Record<string, number> = {
  ns: 1,
  us: NS_PER_US,
  µs: NS_PER_US,
  ms: NS_PER_MS,
  s: NS_PER_S,
  m: 60 * NS_PER_S,
};

/** Grammar of a duration, for error messages and the JSON Schema. */
export const DURATION_PATTERN = '^[0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m)$';
const DURATION_RE = new RegExp(DURATION_PATTERN);

/** Parses `10ms`, `1.5s`, `250us` to integer nanoseconds; undefined when malformed. */
export function parseDuration(text: string): Nanos | undefined {
  if (!DURATION_RE.test(text)) return undefined;
  const m = /^([0-9.]+)(.*)$/.exec(text);
  if (m === null) return undefined;
  const unit = TIME_UNITS[m[2] ?? ''];
  if (unit === undefined) return undefined;
  const ns = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(ns) ? ns : undefined;
}

/** Formats nanoseconds the way tc prints them (`10ms`, `1.5s`, `250us`). */
export function formatDuration(ns: Nanos): string {
  if (ns === 0) return '0s';
  if (ns % NS_PER_S === 0) return `${ns / NS_PER_S}s`;
  if (ns >= NS_PER_S) return `${trim(ns / NS_PER_S)}s`;
  if (ns % NS_PER_MS === 0) return `${ns / NS_PER_MS}ms`;
  if (ns >= NS_PER_MS) return `${trim(ns / NS_PER_MS)}ms`;
  if (ns % NS_PER_US === 0) return `${ns / NS_PER_US}us`;
  if (ns >= NS_PER_US) return `${trim(ns / NS_PER_US)}us`;
  return `${ns}ns`;
}

function trim(x: number): string {
  return String(Number(x.toFixed(3)));
}

/** Bits per second per rate unit, after tc(8) "RATES". */
const RATE_UNITS: Record<string, number> = {
  bit: 1,
  kbit: 1e3,
  mbit: 1e6,
  gbit: 1e9,
  tbit: 1e12,
  kibit: 1024,
  mibit: 1024 ** 2,
  gibit: 1024 ** 3,
  tibit: 1024 ** 4,
  bps: 8,
  kbps: 8e3,
  mbps: 8e6,
  gbps: 8e9,
  tbps: 8e12,
};

/** Case-insensitive like tc's own parser (get_rate uses strcasecmp), spelled out so JSON Schema editors agree. */
export const RATE_PATTERN = '^[0-9]+(\\.[0-9]+)?([kKmMgGtT][iI]?)?([bB][iI][tT]|[bB][pP][sS])$';
const RATE_RE = new RegExp(RATE_PATTERN);

/** Parses a tc rate (`100mbit`, `1gbit`, `10mbps`) to bits per second; zero only when `allowZero` (no limit). */
export function parseRate(text: string, allowZero = false): number | undefined {
  if (!RATE_RE.test(text)) return undefined;
  const m = /^([0-9.]+)(.*)$/.exec(text);
  const unit = RATE_UNITS[(m?.[2] ?? '').toLowerCase()];
  if (m === null || unit === undefined) return undefined;
  const bps = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bps) && (bps > 0 || (allowZero && bps === 0)) ? bps : undefined;
}

/** Formats bits per second as tc would accept it back. */
export function formatRate(bps: number): string {
  for (const [unit, f] of [
    ['gbit', 1e9],
    ['mbit', 1e6],
    ['kbit', 1e3],
  ] as const) {
    if (bps >= f && bps % (f / 1000) === 0) return `${trim(bps / f)}${unit}`;
  }
  return `${bps}bit`;
}

export const PERCENT_PATTERN = '^[0-9]+(\\.[0-9]+)?%$';
const PERCENT_RE = new RegExp(PERCENT_PATTERN);

/** Loss is held as parts per million so that it stays an integer, like time. */
export const PPM_PER_PERCENT = 10_000;

/** Parses `0.1%` (netem's words) to parts per million; at most 100%. */
export function parsePercent(text: string): number | undefined {
  if (!PERCENT_RE.test(text)) return undefined;
  const ppm = Math.round(Number(text.slice(0, -1)) * PPM_PER_PERCENT);
  return ppm <= 100 * PPM_PER_PERCENT ? ppm : undefined;
}

/** Formats parts per million as a percentage (`0.1%`). */
export function formatPercent(ppm: number): string {
  return `${trim(ppm / PPM_PER_PERCENT)}%`;
}
