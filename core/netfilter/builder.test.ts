import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { RulesetBuilder } from './builder.js';
import { parseRule } from './parse-rule.js';
import { ruleText } from './render.js';

/** Docker's pattern on a host: for each container, check (-C) and then append (-A) its own rule. */
function dockerLikeBuild(n: number): RulesetBuilder {
  const b = new RulesetBuilder();
  for (let i = 0; i < n; i++) {
    const r = parseRule(['-d', `172.17.${i >> 8}.${i & 255}/32`, '!', '-i', 'docker0', '-j', 'DROP']);
    if (!b.exists('raw', 'PREROUTING', r)) b.append('raw', 'PREROUTING', r);
  }
  return b;
}

/**
 * Counts the elements that Array.prototype.includes and indexOf walk while `f` runs: a
 * stand-in for "the chain is scanned", counted rather than timed (performance is measured
 * in `npm run bench`, not asserted here).
 */
const realIncludes = Array.prototype.includes;
const realIndexOf = Array.prototype.indexOf;
function scannedWhile(f: () => void): number {
  let scanned = 0;
  Array.prototype.includes = function (this: unknown[], ...args: Parameters<typeof realIncludes>) {
    scanned += this.length;
    return realIncludes.apply(this, args);
  };
  Array.prototype.indexOf = function (this: unknown[], ...args: Parameters<typeof realIndexOf>) {
    scanned += this.length;
    return realIndexOf.apply(this, args);
  };
  try {
    f();
  } finally {
    Array.prototype.includes = realIncludes;
    Array.prototype.indexOf = realIndexOf;
  }
  return scanned;
}

afterEach(() => {
  Array.prototype.includes = realIncludes;
  Array.prototype.indexOf = realIndexOf;
});

describe('RulesetBuilder', () => {
  it('checks a rule exists without scanning the chain: check-then-append of n rules walks O(n) array elements, not n²/2', () => {
    const small = scannedWhile(() => dockerLikeBuild(500));
    const large = scannedWhile(() => dockerLikeBuild(4000));
    // Linear: 8 times the rules, about 8 times the work (a scan of the chain per check would be 64 times).
    expect(large).toBeLessThan(small * 8 * 1.5 + 1000);
    expect(
      dockerLikeBuild(4000)
        .finish()
        .tables.get('raw')
        ?.chains.find((c) => c.name === 'PREROUTING')?.rules,
    ).toHaveLength(4000);
  });

  it('agrees with a plain list of rule texts on -A, -I, -D and -C, duplicates included (seed 12)', () => {
    const rules = [
      '-j ACCEPT',
      '-s 10.0.0.1/32 -j DROP',
      '-p tcp -m tcp --dport 80 -j ACCEPT',
      '-i eth0 -j RETURN',
    ].map((t) => parseRule(t.split(' ')));
    const op = fc.record({
      kind: fc.constantFrom('append', 'insert', 'delete'),
      rule: fc.integer({ min: 0, max: rules.length - 1 }),
      pos: fc.nat(),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const b = new RulesetBuilder();
        b.touch('filter');
        const model: string[] = [];
        for (const o of ops) {
          const r = rules[o.rule] as NonNullable<(typeof rules)[number]>;
          const text = ruleText(r);
          if (o.kind === 'append') {
            b.append('filter', 'INPUT', r);
            model.push(text);
          } else if (o.kind === 'insert') {
            const at = (o.pos % (model.length + 1)) + 1;
            b.insert('filter', 'INPUT', r, at);
            model.splice(at - 1, 0, text);
          } else {
            const i = model.indexOf(text);
            expect(b.delete('filter', 'INPUT', r)).toBe(i >= 0);
            if (i >= 0) model.splice(i, 1);
          }
          for (const x of rules) expect(b.exists('filter', 'INPUT', x)).toBe(model.includes(ruleText(x)));
        }
        expect(
          b
            .finish()
            .tables.get('filter')
            ?.chains.find((c) => c.name === 'INPUT')
            ?.rules.map(ruleText),
        ).toEqual(model);
      }),
      { seed: 12, numRuns: 300 },
    );
  });
});
