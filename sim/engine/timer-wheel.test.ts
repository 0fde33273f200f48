import { describe, expect, it } from 'vitest';
import { JIFFY_NS, wheelDelay } from './timer-wheel.js';

const ms = (x: number) => x * 1_000_000;

describe('the kernel timer wheel (HZ=250)', () => {
  it('rounds an expiry up past its level granularity, never early', () => {
    expect(wheelDelay(0, ms(40))).toBe(ms(44)); // level 0: +1 jiffy
    expect(wheelDelay(0, ms(1000))).toBe(ms(1024)); // level 1: 32 ms granules
    expect(wheelDelay(0, ms(5000))).toBe(ms(5120)); // level 2: 256 ms granules
    expect(wheelDelay(0, ms(30_000))).toBe(ms(30_720)); // level 3: 2048 ms granules
  });

  it('counts from the current tick, so the same timer armed later in a tick fires as late or less', () => {
    expect(wheelDelay(ms(1), ms(1000))).toBe(ms(1023));
    for (let t = 0; t < ms(300); t += ms(7)) {
      const d = wheelDelay(t, ms(5000));
      expect(d).toBeGreaterThanOrEqual(ms(5000));
      expect(d).toBeLessThanOrEqual(ms(5000) + 64 * JIFFY_NS + JIFFY_NS);
    }
  });
});
