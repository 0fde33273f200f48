/**
 * Progress for long work, on standard error: bars (cli-progress) when it is a terminal;
 * for the steps of loading a large scenario (stepProgress), plain lines elsewhere too,
 * and only once the work has taken a second, so that small inputs print nothing.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(fraction: number, what: string): void;
  stop(): void;
}

/** A bar when `wanted` and standard error is a terminal; undefined otherwise. */
export function progressBar(wanted: boolean): Progress | undefined {
  if (!wanted || process.stderr.isTTY !== true) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: '{bar} {percentage}% {what}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(100, 0, { what: '' });
  return {
    update: (fraction, what) => bar.update(Math.round(fraction * 100), { what }),
    stop: () => bar.stop(),
  };
}

/** How long work runs before it shows progress: most inputs are done sooner and say nothing. */
export const PROGRESS_AFTER_MS = 1000;

/** Where progress goes: standard error, or a stand-in with the same two members. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface StepProgress {
  /** A step begins; `fraction` is how far the whole job is. */
  step(what: string, fraction: number): void;
  done(): void;
}

/**
 * Progress through the steps of a synchronous job (parse, resolve, check): silent for
 * PROGRESS_AFTER_MS, then a bar on a terminal, or on anything else (a pipe, a CI log)
 * one plain line per step, `LABEL: STEP (ELAPSED s)`, and a last line when it is done.
 */
export function stepProgress(
  label: string,
  stream: ProgressStream = process.stderr,
  now: () => number = () => performance.now(),
): StepProgress {
  const start = now();
  const elapsed = () => ((now() - start) / 1000).toFixed(1);
  let bar: cliProgress.SingleBar | undefined;
  let shown = false;
  return {
    step(what, fraction) {
      if (now() - start < PROGRESS_AFTER_MS) return;
      shown = true;
      if (stream.isTTY !== true) return void stream.write(`${label}: ${what} (${elapsed()} s)\n`);
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          { stream: stream as NodeJS.WritableStream, format: `${label} {bar} {percentage}% {what}`, hideCursor: true },
          cliProgress.Presets.shades_classic,
        );
        bar.start(100, 0, { what });
      }
      bar.update(Math.round(fraction * 100), { what });
    },
    done() {
      if (bar !== undefined) bar.stop();
      else if (shown) stream.write(`${label}: done (${elapsed()} s)\n`);
    },
  };
}
