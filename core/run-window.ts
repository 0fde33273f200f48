/**
 * When a run ends, the same for both engines so that their captures cover the same
 * window: at the scenario's `duration` if it has one; otherwise once every timeline entry
 * has happened and every probe has ended, plus a settling time in which the last
 * exchanges finish (a TCP probe ends on the server's FIN; the client's FIN and the last
 * ACK follow), long enough for a round trip across every delayed link twice.
 */
import type { Plan } from './plan/types.js';

/** The settling time without delays: far more than any local exchange needs. */
export const SETTLE_BASE_NS = 250_000_000;

/** How long a run goes on after its last probe ended. */
export function settleNs(plan: Plan): number {
  const delays = plan.namespaces.flatMap((n) => n.qdiscs.map((q) => q.shape.delayNs + q.shape.jitterNs));
  const later = plan.timeline.flatMap((t) => (t.action.kind === 'impair' ? t.action.qdiscs.map((q) => q.shape.delayNs + q.shape.jitterNs) : []));
  return SETTLE_BASE_NS + 4 * Math.max(0, ...delays, ...later) * Math.max(1, delays.length);
}
