/**
 * Waiting for long times in wall-clock time. Node keeps a timer's delay as a signed
 * 32-bit count of milliseconds (about 24.8 days): a longer delay is replaced by 1 ms
 * with a TimeoutOverflowWarning (Node.js docs, timers: setTimeout), so a probe at
 * `36000m` fired at once. A long wait here is a chain of timers of at most that length,
 * each reading the clock again, so it ends when it should however long it is. What it
 * leaves out: the clock is performance.now() (monotonic); a suspended machine's sleep
 * counts as it does for every Node timer.
 */

/** The longest delay one Node timer holds: 2^31 - 1 ms (TIMEOUT_MAX in Node's lib/internal/timers.js). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A scheduled call that can be called off. */
export interface LongTimer {
  cancel(): void;
}

/**
 * Calls `fn` once `ms` milliseconds have passed, however many that is. The clock is the
 * global `performance` (the same as node:perf_hooks'), which tests can fake.
 */
export function setLongTimeout(fn: () => void, ms: number, now: () => number = () => performance.now()): LongTimer {
  const end = now() + Math.max(0, ms);
  let handle: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const left = end - now();
    handle = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(fn, Math.max(0, left));
  };
  arm();
  return { cancel: () => clearTimeout(handle) };
}

/** Resolves once `ms` milliseconds have passed (at once for zero or less). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setLongTimeout(resolve, ms));
}
