import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TIMER_MS, setLongTimeout, sleep } from './timers.js';

const MINUTE_MS = 60_000;

describe('long waits', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('a wait of 36000 minutes (past the 2^31 ms a Node timer holds) ends at 36000 minutes, not at once', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    let done = false;
    void sleep(36_000 * MINUTE_MS).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(1000);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(MAX_TIMER_MS);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(36_000 * MINUTE_MS - MAX_TIMER_MS - 1001);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(done).toBe(true);
  });

  it('a short wait is one timer, and cancel calls it off', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
    const fired: string[] = [];
    setLongTimeout(() => fired.push('a'), 10);
    const b = setLongTimeout(() => fired.push('b'), 10);
    b.cancel();
    const c = setLongTimeout(() => fired.push('c'), 3 * MAX_TIMER_MS);
    await vi.advanceTimersByTimeAsync(2 * MAX_TIMER_MS);
    c.cancel();
    await vi.advanceTimersByTimeAsync(2 * MAX_TIMER_MS);
    expect(fired).toEqual(['a']);
  });
});
