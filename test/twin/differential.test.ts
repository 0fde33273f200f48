/**
 * The differential property: small random valid scenarios (Docker hosts, networks,
 * containers in every network mode, probes between them) run on both engines must
 * agree. A fixed seed and a run count that fits CI (TWINNET_DIFF_RUNS, default 4). A
 * disagreement is shrunk by fast-check to a smaller scenario (within a time budget),
 * saved under `regressions/` as a scenario file, and from then on replayed by the
 * regression test below, which runs every saved file on both engines. The check itself
 * (test/helpers/differential.ts) is shared with the long mode, `npm run fuzz:twin`
 * (test/twin/fuzz-twin.ts), which runs hundreds of scenarios and saves every disagreement.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { validScenarioArb } from '../helpers/arbitraries.js';
import { disagreement, REGRESSIONS_DIR, regressionName, saveRegression } from '../helpers/differential.js';
import { itEmulator } from '../helpers/emulator.js';

const SEED = Number(process.env.TWINNET_DIFF_SEED ?? 7);
const RUNS = Number(process.env.TWINNET_DIFF_RUNS ?? 4);
const regressions = REGRESSIONS_DIR;

describe('differential: random scenarios on both engines', () => {
  itEmulator(`agree on ${RUNS} generated scenarios (seed ${SEED})`, async () => {
    const result = await fc.check(
      fc.asyncProperty(validScenarioArb, async (s) => (await disagreement(stringify(s))) === undefined),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 600_000, markInterruptAsFailure: false },
    );
    if (!result.failed || result.counterexample === null) return;
    const text = stringify(result.counterexample[0]);
    const name = regressionName(`seed${SEED}`, text);
    saveRegression(
      regressions,
      name,
      `Found by test/twin/differential.test.ts (seed ${SEED}), shrunk by fast-check.`,
      text,
    );
    expect.fail(
      `the engines disagree on a generated scenario, saved as test/twin/regressions/${name}:\n${(await disagreement(text)) ?? ''}`,
    );
  });
});

describe('differential regressions', () => {
  const saved = readdirSync(regressions).filter((f) => f.endsWith('.yaml'));
  for (const f of saved) {
    itEmulator(`${f} agrees on both engines`, async () => {
      const why = await disagreement(readFileSync(join(regressions, f), 'utf8'));
      expect(why).toBeUndefined();
    });
  }
  itEmulator('are replayed from test/twin/regressions', async () => {
    expect(Array.isArray(saved)).toBe(true);
  });
});
