import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forwardRuleArb } from '../../test/helpers/netfilter-arbitraries.js';
import { parseRule } from './parse-rule.js';
import { ruleText } from './render.js';
import { splitRuleLine } from './tokens.js';

const FIXTURE = new URL('../../test/fixtures/iptables-canonical.txt', import.meta.url);

const parse = (line: string) => parseRule(splitRuleLine(line) ?? []);

describe('rendering as iptables-save prints', () => {
  const cases = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l.includes(' => ') && !l.startsWith('#'));

  it.each(cases.map((c) => c.split(' => ') as [string, string]))('%s', (written, saved) => {
    expect(ruleText(parse(written))).toBe(saved);
  });

  it('reads back what it printed: parse(render(r)) renders the same (seed 5)', () => {
    fc.assert(
      fc.property(forwardRuleArb, (r) => {
        const text = ruleText(r);
        expect(ruleText(parse(text))).toBe(text);
      }),
      { seed: 5, numRuns: 500 },
    );
  });

  it('keeps the meaning: parse(render(r)) equals r (seed 6)', () => {
    fc.assert(
      fc.property(forwardRuleArb, (r) => {
        expect(parse(ruleText(r))).toEqual(r);
      }),
      { seed: 6, numRuns: 500 },
    );
  });
});
