/**
 * The trace sink's bounds (trace.ts): past the run's `maxDrops`, a probe keeps at most
 * DROPS_KEPT_PER_PROBE of its drops and the first of each reason, and every drop is
 * still counted.
 */
import { describe, expect, it } from 'vitest';
import { SkBuff } from './skb.js';
import { DROPS_KEPT_PER_PROBE, TraceSink } from './trace.js';

describe('TraceSink drops', () => {
  it("keeps a bounded number of a probe's drops, the first of each reason among them", () => {
    const sink = new TraceSink();
    sink.maxDrops = 10;
    const flow = sink.newFlow('p');
    const dropOne = (reason: string) => {
      const frame = new SkBuff(new Uint8Array(60));
      sink.tag(frame, flow);
      sink.drop({ timeNs: 0, ns: 'a', reason, summary: '' }, frame);
    };
    for (let i = 0; i < 5 * DROPS_KEPT_PER_PROBE; i++) dropOne('filtered');
    dropOne('loss');
    expect(sink.dropCount).toBe(5 * DROPS_KEPT_PER_PROBE + 1);
    expect(sink.drops.length).toBe(DROPS_KEPT_PER_PROBE + 1);
    expect(sink.drops.every((d) => d.probe === 'p')).toBe(true);
    expect(sink.drops.at(-1)?.reason).toBe('loss');
  });
});
