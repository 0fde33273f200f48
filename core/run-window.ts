/**
 * When a run ends, the same for both engines so that their captures cover the same
 * window: at the scenario's `duration` if it has one; otherwise once every timeline entry
 * has happened and every probe has ended, plus a settling time in which the last
 * exchanges finish (a TCP probe ends on the server's FIN; the client's FIN and the last
 * ACK follow), long enough for a round trip across every delayed link twice, and for
 * the neighbour probes those exchanges set off.
 */
import type { Plan } from './plan/types.js';

/** Far more than any local exchange needs to finish. */
const EXCHANGES_NS = 250_000_000;
/**
 * Neighbour entries used by the last exchanges wait delay_first_probe_time (5 s,
 * ip-sysctl.rst) and then probe by unicast ARP, on a kernel timer that fires up to a
 * wheel granule late (256 ms at HZ=250, more on an idle CPU). A run that ends inside
 * that span shows the probe on one engine and not on the other, so it goes on past it.
 */
const NEIGHBOUR_PROBES_NS = 5_000_000_000 + 300_000_000;
/** The settling time without delays. */
export const SETTLE_BASE_NS = EXCHANGES_NS + NEIGHBOUR_PROBES_NS;

/** How long a run goes on after its last probe ended. */
export function settleNs(plan: Plan): number {
  const delays = plan.namespaces.flatMap((n) => n.qdiscs.map((q) => q.shape.delayNs + q.shape.jitterNs));
  const later = plan.timeline.flatMap((t) =>
    t.action.kind === 'impair' ? t.action.qdiscs.map((q) => q.shape.delayNs + q.shape.jitterNs) : [],
  );
  return SETTLE_BASE_NS + 4 * Math.max(0, ...delays, ...later) * Math.max(1, delays.length);
}
