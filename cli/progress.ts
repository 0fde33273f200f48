/**
 * Progress bars (cli-progress) for long work, on standard error and only when it is a
 * terminal, so that pipes and CI logs stay clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(fraction: number, what: string): void;
  stop(): void;
}

/** A bar when `wanted` and standard error is a terminal; undefined otherwise. */
export function progressBar(wanted: boolean): Progress | undefined {
  if (!wanted || process.stderr.isTTY !== true) return undefined;
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: '{bar} {percentage}% {what}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(100, 0, { what: '' });
  return {
    update: (fraction, what) => bar.update(Math.round(fraction * 100), { what }),
    stop: () => bar.stop(),
  };
}
