/**
 * The long mode of the differential property (`npm run fuzz:twin -- --runs N --seed S`,
 * launched by scripts/fuzz-twin.mjs): hundreds of generated scenarios on both engines,
 * with the same check as the CI test (test/helpers/differential.ts). fast-check stops at
 * the first failure, so each run is its own fc.check with one scenario (run n, from 1,
 * uses fast-check seed S + n - 1, which `--runs 1` replays alone); a disagreement is
 * shrunk within a time budget, run once more to see whether it reproduces (a loaded
 * machine can make a timing-sensitive probe differ once), saved as a regression
 * scenario, and the fuzzing goes on. Leaves out parallel runs: the emulator's runs
 * share the machine's clock and CPUs, and running them side by side would make timing
 * artefacts likelier, not rarer.
 */
import { join, relative } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { validScenarioArb } from '../helpers/arbitraries.js';
import { disagreement, REGRESSIONS_DIR, regressionName, saveRegression } from '../helpers/differential.js';

/** Seconds fast-check may spend on one run and its shrinking before it keeps the smallest failure so far. */
export const DEFAULT_SHRINK_SECONDS = 300;

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** Stop starting new runs after this many seconds (undefined: no limit). */
  timeLimitSeconds: number | undefined;
  shrinkSeconds: number;
  /** Where confirmed disagreements go; unconfirmed ones go to its pending/ folder (not replayed). */
  out: string;
}

export interface FuzzSummary {
  runs: number;
  agreed: number;
  disagreed: number;
  reproduced: number;
  saved: string[];
  seconds: number;
  stoppedByTimeLimit: boolean;
}

export class UsageError extends Error {}

const USAGE =
  'usage: npm run fuzz:twin -- [--runs N] [--seed S] [--time-limit SECONDS] [--shrink-time SECONDS] [--out DIR]';

function intFlag(flag: string, value: string | undefined, min: number): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(
      `${flag}: expected an integer >= ${min}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}\n${USAGE}`,
    );
  }
  return n;
}

/** The command line's options; throws UsageError naming the flag and what it expects. */
export function parseFuzzArgs(argv: string[]): FuzzOptions {
  const o: FuzzOptions = {
    runs: 200,
    seed: 7,
    timeLimitSeconds: undefined,
    shrinkSeconds: DEFAULT_SHRINK_SECONDS,
    out: REGRESSIONS_DIR,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    if (flag === '--runs') o.runs = intFlag(flag, value, 1);
    else if (flag === '--seed') o.seed = intFlag(flag, value, 0);
    else if (flag === '--time-limit') o.timeLimitSeconds = intFlag(flag, value, 1);
    else if (flag === '--shrink-time') o.shrinkSeconds = intFlag(flag, value, 1);
    else if (flag === '--out' && value !== undefined && value !== '') o.out = value;
    else throw new UsageError(`${flag}: not an option of fuzz:twin (or it lacks its value)\n${USAGE}`);
  }
  return o;
}

/** m:ss or h:mm:ss. */
export function clock(seconds: number): string {
  const s = Math.round(seconds);
  const hms = [Math.floor(s / 3600), Math.floor(s / 60) % 60, s % 60];
  const [h, m, sec] = hms as [number, number, number];
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(sec)}` : `${m}:${pad(sec)}`;
}

/** Words when a scenario text fails the check, else undefined. */
export type Check = (text: string) => Promise<string | undefined>;

/**
 * The engines' words on one scenario, or the error that stopped a run (an engine that throws on a
 * valid scenario is a finding too).
 */
export async function verdict(text: string): Promise<string | undefined> {
  try {
    return await disagreement(text);
  } catch (e) {
    return `a run failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
}

interface Finding {
  text: string;
  words: string;
  reproduced: boolean;
  shrinks: number;
  interrupted: boolean;
}

/** One generated scenario (fast-check seed `fcSeed`), shrunk when the engines disagree. */
async function oneRun(fcSeed: number, shrinkSeconds: number, check: Check): Promise<Finding | undefined> {
  // fast-check's counterexample is the last value that failed, so these are its words.
  let lastWords = '';
  const failed = async (text: string) => {
    const words = await check(text);
    if (words !== undefined) lastWords = words;
    return words === undefined;
  };
  const result = await fc.check(
    fc.asyncProperty(validScenarioArb, async (s) => failed(stringify(s))),
    {
      seed: fcSeed,
      numRuns: 1,
      interruptAfterTimeLimit: shrinkSeconds * 1000,
      markInterruptAsFailure: false,
    },
  );
  if (!result.failed || result.counterexample === null) return undefined;
  const text = stringify(result.counterexample[0]);
  const again = await check(text);
  return {
    text,
    words: again ?? lastWords,
    reproduced: again !== undefined,
    shrinks: result.numShrinks,
    interrupted: result.interrupted,
  };
}

function header(o: FuzzOptions, run: number, f: Finding, argv: string[]): string {
  return [
    `Found by npm run fuzz:twin (test/twin/fuzz-twin.ts): seed ${o.seed}, run ${run + 1} (fast-check seed ${o.seed + run}),`,
    `shrunk by fast-check in ${f.shrinks} steps${f.interrupted ? ` (stopped by the ${o.shrinkSeconds} s shrink budget)` : ''}.`,
    `Command: npm run fuzz:twin -- ${argv.join(' ')}`,
    `Replay the run alone: npm run fuzz:twin -- --runs 1 --seed ${o.seed + run}`,
    f.reproduced
      ? 'Reproduced on a rerun of the shrunk scenario.'
      : 'NOT reproduced on a rerun of the shrunk scenario (a timing artefact of a loaded machine?).',
    'The comparison said:',
    '',
    f.words,
  ].join('\n');
}

/**
 * Runs the fuzzing, printing a progress line per run through `log`; `check` is the engines'
 * comparison except in the driver's own tests.
 */
export async function fuzzTwin(
  o: FuzzOptions,
  argv: string[],
  log: (line: string) => void,
  check: Check = verdict,
): Promise<FuzzSummary> {
  const start = Date.now();
  const elapsed = () => (Date.now() - start) / 1000;
  const sum: FuzzSummary = {
    runs: 0,
    agreed: 0,
    disagreed: 0,
    reproduced: 0,
    saved: [],
    seconds: 0,
    stoppedByTimeLimit: false,
  };
  for (let run = 0; run < o.runs; run++) {
    if (o.timeLimitSeconds !== undefined && elapsed() >= o.timeLimitSeconds) {
      sum.stoppedByTimeLimit = true;
      break;
    }
    const t = Date.now();
    const f = await oneRun(o.seed + run, o.shrinkSeconds, check);
    sum.runs++;
    let what = 'agree';
    if (f === undefined) sum.agreed++;
    else {
      sum.disagreed++;
      if (f.reproduced) sum.reproduced++;
      const dir = f.reproduced ? o.out : join(o.out, 'pending');
      const path = saveRegression(
        dir,
        regressionName(`fuzz-seed${o.seed}-run${run + 1}`, f.text),
        header(o, run, f, argv),
        f.text,
      );
      sum.saved.push(relative(process.cwd(), path));
      what = `DISAGREE${f.reproduced ? '' : ' (not reproduced on a rerun)'}, saved ${relative(process.cwd(), path)}`;
    }
    const eta = (elapsed() / sum.runs) * (o.runs - run - 1);
    log(
      `run ${run + 1}/${o.runs} (fast-check seed ${o.seed + run}): ${what}; ${((Date.now() - t) / 1000).toFixed(1)} s; elapsed ${clock(elapsed())}, ETA ${clock(eta)}`,
    );
    if (f !== undefined) log(f.words.replace(/^/gm, '    '));
  }
  sum.seconds = elapsed();
  return sum;
}

export function renderSummary(o: FuzzOptions, s: FuzzSummary): string {
  const lines = [
    `fuzz:twin summary: ${s.runs} runs (seed ${o.seed}) in ${clock(s.seconds)}${s.stoppedByTimeLimit ? ` (stopped by --time-limit ${o.timeLimitSeconds})` : ''}: ${s.agreed} agreed, ${s.disagreed} disagreed (${s.reproduced} reproduced on a rerun); ${s.saved.length} files saved`,
    ...s.saved.map((p) => `  ${p}`),
  ];
  return lines.join('\n');
}

/** The command: 0 when every run agreed, 1 on any disagreement, 2 on a bad command line. */
export async function main(argv: string[]): Promise<number> {
  let o: FuzzOptions;
  try {
    o = parseFuzzArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`fuzz:twin: ${e.message}\n`);
    return 2;
  }
  const log = (line: string) => process.stdout.write(`fuzz:twin: ${line}\n`);
  log(
    `${o.runs} runs from seed ${o.seed}, shrink budget ${o.shrinkSeconds} s per disagreement${o.timeLimitSeconds === undefined ? '' : `, time limit ${o.timeLimitSeconds} s`}; saving to ${relative(process.cwd(), o.out) || '.'}`,
  );
  const s = await fuzzTwin(o, argv, log);
  process.stdout.write(`${renderSummary(o, s)}\n`);
  return s.disagreed > 0 ? 1 : 0;
}
