import { describe, expect, it } from 'vitest';
import { renderPlanText } from '../../plan/render-text.js';
import { LAB, lines, plan } from '../../../test/helpers/scenario.js';

/** The lab with one probe and its expectation (the expect line is line 18 of the file). */
const scenario = (x: string, probe = 'ping: { from: ext, to: dockerhost, count: 10 }') =>
  `${LAB}timeline:\n  - at: 1s\n    ${probe}\n    expect: ${x}\n`;

describe('expectations with tolerance', () => {
  it('compile to the plan: an outcome set, reply and loss bounds, RTT percentiles', () => {
    const x = plan(
      scenario(
        '{ outcome: [refused, dropped, refused], received: { min: 1, max: 9 }, loss: { min: 0.5%, max: 5% }, rtt: { max: 1s, p90: { max: 40ms }, median: { min: 1ms } } }',
      ),
    ).timeline[0]?.expect;
    expect(x).toEqual({
      outcome: ['refused', 'dropped'],
      rttMaxNs: 1e9,
      rttPercentiles: [
        { percentile: 50, minNs: 1e6 },
        { percentile: 90, maxNs: 40e6 },
      ],
      receivedMin: 1,
      receivedMax: 9,
      lossMinPpm: 5_000,
      lossMaxPpm: 50_000,
    });
  });
  it('keep the old forms as they were: one outcome, an exact count, min and max of every RTT', () => {
    const x = plan(scenario('{ outcome: delivered, received: 10, rtt: { min: 1ms, max: 2ms } }')).timeline[0]?.expect;
    expect(x).toEqual({ outcome: 'delivered', received: 10, rttMinNs: 1e6, rttMaxNs: 2e6 });
  });
  it('read back in the readable plan', () => {
    const text = renderPlanText(
      plan(
        scenario(
          '{ outcome: [refused, timed-out], received: { min: 9 }, loss: { max: 10% }, rtt: { p90: { max: 40ms } } }',
        ),
      ),
    );
    expect(text).toContain('=> expect refused or timed-out (a race), rtt p90 <= 40ms, >= 9 received, loss <= 10%');
  });
  it('make a list of one outcome that outcome', () => {
    expect(plan(scenario('{ outcome: [refused] }')).timeline[0]?.expect).toEqual({ outcome: 'refused' });
  });
});

describe('bad tolerances are located errors', () => {
  it('loss above 100%', () => {
    expect(lines(scenario('{ loss: { max: 150% } }'))).toEqual([
      'test.yaml:18:28: error: timeline[0].expect.loss.max: expected a percentage from 0% to 100%, such as 5% (got "150%")',
    ]);
  });
  it('loss without a percent sign, min above max, no bound at all', () => {
    expect(lines(scenario('{ loss: { max: 0.05 } }'))[0]).toContain(
      'timeline[0].expect.loss.max: expected a percentage from 0% to 100%',
    );
    expect(lines(scenario('{ loss: { min: 10%, max: 5% } }'))).toEqual([
      'test.yaml:18:28: error: timeline[0].expect.loss.min: min is larger than max (5%); expected min <= max (got "10%")',
    ]);
    expect(lines(scenario('{ loss: {} }'))).toEqual([
      'test.yaml:18:21: error: timeline[0].expect.loss: expected min, max or both',
    ]);
  });
  it('received below 0, or neither a number nor bounds', () => {
    expect(lines(scenario('{ received: { min: -1 } }'))).toEqual([
      'test.yaml:18:32: error: timeline[0].expect.received.min: expected a number at least 0 (got -1)',
    ]);
    expect(lines(scenario('{ received: many }'))[0]).toContain(
      'timeline[0].expect.received: expected a number of replies (0 or more) or {min: N, max: N}',
    );
  });
  it('an unknown outcome in a list, an empty list, a reachable that contradicts a member', () => {
    expect(lines(scenario('{ outcome: [refused, dropd] }'))[0]).toMatch(
      /^test.yaml:18:24: error: timeline\[0\].expect.outcome: expected an outcome: delivered, refused, unreachable, dropped, timed-out or a list of them/,
    );
    expect(lines(scenario('{ outcome: [] }'))[0]).toContain('timeline[0].expect.outcome: expected at least 1 item');
    expect(lines(scenario('{ outcome: [refused, delivered], reachable: false }'))).toEqual([
      'test.yaml:18:57: error: timeline[0].expect.reachable: contradicts outcome: delivered (got false)',
    ]);
  });
  it('a percentile that is not p50, median, p90 or p99, or without a bound; p50 and median together', () => {
    expect(lines(scenario('{ rtt: { p95: { max: 4ms } } }'))[0]).toContain(
      'timeline[0].expect.rtt.p95: unknown field "p95" (did you mean "p90"?); expected one of: min, max, p50, median, p90, p99',
    );
    expect(lines(scenario('{ rtt: { p50: { max: 4 } } }'))[0]).toContain(
      'timeline[0].expect.rtt.p50.max: expected a duration with a unit',
    );
    expect(lines(scenario('{ rtt: { p50: {} } }'))).toEqual([
      'test.yaml:18:27: error: timeline[0].expect.rtt.p50: expected min, max or both',
    ]);
    expect(lines(scenario('{ rtt: { p50: { max: 4ms }, median: { max: 3ms } } }'))[0]).toContain(
      'timeline[0].expect.rtt.median: median is p50; expected one of them, not both',
    );
  });
  it('loss and reply bounds on a probe that is not a ping', () => {
    expect(lines(scenario('{ loss: { max: 5% } }', 'tcp: { from: ext, to: dockerhost, port: 80 }'))).toEqual([
      'test.yaml:18:21: error: timeline[0].expect.loss: loss is checked for ping probes only',
    ]);
  });
});
