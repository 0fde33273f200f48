/**
 * What both engines' path MTU probes share (sim/apps/pmtu-probe.ts, emulator/pmtu.ts),
 * so that they search alike and report alike: how long one size is waited for, how
 * often silence that is not about size may repeat before the probe gives up, and the
 * words for giving up. The search itself is described in the simulator's probe.
 */

/** How long one request is waited for. */
export const PMTU_STEP_TIMEOUT_NS = 1_000_000_000;

/**
 * How many rounds in one probe may see a size and then its control request both vanish
 * (the path lost them, not their size) before the probe reports that nothing gets
 * through: a bound on retries, counted over the whole search.
 */
export const PMTU_SILENT_ROUNDS = 3;

/** The smallest IPv4 MTU every link carries (RFC 791), the control size before anything passed. */
export const PMTU_MIN_MTU = 68;

/** Why the probe gave no MTU: nothing got through `rounds` times, after `passed` bytes had (0: nothing had). */
export function pmtuLostDetail(rounds: number, passed: number): string {
  const before = passed > 0 ? `, though ${passed} bytes had passed before` : '';
  return `no answer at any size, ${rounds} times in a row${before}`;
}
