/**
 * When a kernel timer armed on the jiffies timer wheel really fires
 * (kernel/time/timer.c): the expiry is counted in jiffies (HZ=250 here: 4 ms), the
 * wheel level is chosen by how far away the expiry is, and calc_index rounds the
 * expiry up past the level's granularity ("a timer does not fire early"): 4 ms for
 * timers under 252 ms, 32 ms under 2 s, 256 ms under 16 s, 2 s under 129 s. So a 5 s
 * neighbour DELAY timer fires 5.004 to 5.256 s after it was armed, which decides
 * whether a confirmation that came just after it was armed still counts (it rarely
 * does: measured, a server's neighbour entry is probed although TCP confirmed it a
 * fraction of a millisecond after DELAY began).
 *
 * The wheel's phase (jiffies at time 0) is taken as 0; a real machine's is arbitrary.
 * Not modelled: NOHZ's lagging base clock and timer migration between CPUs.
 */

/** CONFIG_HZ of the kernels twinnet runs on (Debian's default, and this machine's). */
export const KERNEL_HZ = 250;
export const JIFFY_NS = 1_000_000_000 / KERNEL_HZ;

/** timer.c: LVL_CLK_SHIFT and LVL_BITS (64 buckets per level, each level 8 times coarser). */
const LVL_CLK_SHIFT = 3;
const LVL_SIZE = 64;

/** The first delta (in jiffies) that lands on level `n` (LVL_START). */
function levelStart(n: number): number {
  return (LVL_SIZE - 1) << ((n - 1) * LVL_CLK_SHIFT);
}

/** How long after `nowNs` a timer armed for `delayNs` fires (jiffies, rounded as the wheel does). */
export function wheelDelay(nowNs: number, delayNs: number): number {
  const now = Math.floor(nowNs / JIFFY_NS);
  const delta = Math.ceil(delayNs / JIFFY_NS); // msecs_to_jiffies rounds up
  const expires = now + delta;
  let lvl = 0;
  while (lvl < 8 && delta >= levelStart(lvl + 1)) lvl++;
  const shift = lvl * LVL_CLK_SHIFT;
  const fireJ = (Math.floor(expires / 2 ** shift) + 1) * 2 ** shift;
  return Math.max(0, fireJ * JIFFY_NS - nowNs);
}
