import { describe, expect, it } from 'vitest';
import { PROGRESS_AFTER_MS, stepProgress } from './progress.js';

/** A stream that is not a terminal (a pipe, a CI log), and a clock the test moves. */
function pipe(): { write: (t: string) => void; text: () => string } {
  const out: string[] = [];
  return { write: (t) => void out.push(t), text: () => out.join('') };
}

describe('stepProgress', () => {
  it('says nothing about work done within a second', () => {
    const s = pipe();
    let t = 0;
    const p = stepProgress('big.yaml', s, () => t);
    p.step('parsing', 0);
    t = PROGRESS_AFTER_MS - 1;
    p.step('checking', 0.7);
    p.done();
    expect(s.text()).toBe('');
  });

  it('on a stream that is not a terminal, prints a plain line per step once a second has passed, and one when done', () => {
    const s = pipe();
    let t = 0;
    const p = stepProgress('big.yaml', s, () => t);
    p.step('parsing', 0);
    t = 2500;
    p.step('resolving', 0.5);
    t = 3000;
    p.step('checking', 0.7);
    t = 3400;
    p.done();
    expect(s.text()).toBe('big.yaml: resolving (2.5 s)\nbig.yaml: checking (3.0 s)\nbig.yaml: done (3.4 s)\n');
  });
});
