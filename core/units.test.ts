import { describe, expect, it } from 'vitest';
import { formatDuration, formatPercent, formatRate, parseDuration, parsePercent, parseRate } from './units.js';

describe('durations', () => {
  it('parses every unit to integer nanoseconds', () => {
    expect(parseDuration('10ms')).toBe(10_000_000);
    expect(parseDuration('1.5s')).toBe(1_500_000_000);
    expect(parseDuration('250us')).toBe(250_000);
    expect(parseDuration('7ns')).toBe(7);
    expect(parseDuration('2m')).toBe(120_000_000_000);
  });
  it('rejects numbers without units and unknown units', () => {
    for (const bad of ['10', 'ms', '1.s', '-1ms', '10 ms', '1h', '']) expect(parseDuration(bad)).toBeUndefined();
  });
  it('formats back to what it parses', () => {
    for (const t of ['10ms', '1.5s', '250us', '7ns', '0s', '3.5s'])
      expect(formatDuration(parseDuration(t) as number)).toBe(t);
  });
});

describe('rates (tc(8) units)', () => {
  it('reads bit units as bits and bps units as bytes per second', () => {
    expect(parseRate('100mbit')).toBe(100_000_000);
    expect(parseRate('1gbit')).toBe(1_000_000_000);
    expect(parseRate('10mbps')).toBe(80_000_000);
    expect(parseRate('1kibit')).toBe(1024);
    expect(parseRate('8bit')).toBe(8);
  });
  it('rejects a bare number and zero', () => {
    expect(parseRate('100')).toBeUndefined();
    expect(parseRate('0mbit')).toBeUndefined();
  });
  it('formats in the largest exact unit', () => {
    expect(formatRate(100_000_000)).toBe('100mbit');
    expect(formatRate(1_500_000)).toBe('1.5mbit');
    expect(formatRate(999)).toBe('999bit');
  });
});

describe('percentages', () => {
  it('holds loss as parts per million', () => {
    expect(parsePercent('0.1%')).toBe(1000);
    expect(parsePercent('100%')).toBe(1_000_000);
    expect(parsePercent('101%')).toBeUndefined();
    expect(parsePercent('5')).toBeUndefined();
    expect(formatPercent(1000)).toBe('0.1%');
  });
});
