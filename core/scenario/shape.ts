/** Link impairment values: the ideal cable, and whether a shape changes anything. */
import type { Shape } from './model.js';

/** No impairment at all: an ideal cable. */
export const IDEAL: Shape = { delayNs: 0, jitterNs: 0, lossPpm: 0, rateBps: 0, limit: 0 };

/** Whether a shape changes anything. */
export function impaired(s: Shape): boolean {
  return s.delayNs > 0 || s.jitterNs > 0 || s.lossPpm > 0 || s.rateBps > 0 || s.limit > 0;
}
