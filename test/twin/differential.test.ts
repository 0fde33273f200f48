/**
 * The differential property: small random valid scenarios (Docker hosts, networks,
 * containers in every network mode, probes between them) run on both engines must
 * agree. A fixed seed and a run count that fits CI (TWINNET_DIFF_RUNS, default 4). A
 * disagreement is shrunk by fast-check to a smaller scenario (within a time budget),
 * saved under `regressions/` as a scenario file, and from then on replayed by the
 * regression test below, which runs every saved file on both engines.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { stringify } from 'yaml';
import { compareRuns } from '../../core/compare/index.js';
import { compilePlan } from '../../core/plan/compile/index.js';
import { loadScenarioText } from '../../core/scenario/load.js';
import { emulate } from '../../emulator/run.js';
import { renderComparison } from '../../reports/comparison.js';
import { simulate } from '../../sim/run.js';
import { validScenarioArb } from '../helpers/arbitraries.js';
import { itEmulator } from '../helpers/emulator.js';

const SEED = Number(process.env.TWINNET_DIFF_SEED ?? 7);
const RUNS = Number(process.env.TWINNET_DIFF_RUNS ?? 4);
const regressions = join(import.meta.dirname, 'regressions');

/** Both engines on one scenario text; the comparison's words when they disagree, else undefined. */
async function disagreement(text: string): Promise<string | undefined> {
  const r = loadScenarioText(text, 'generated.yaml');
  if (r.model === undefined) throw new Error(`the generator made an invalid scenario:\n${text}`);
  const plan = compilePlan(r.model);
  const emu = await emulate(plan, { captureAll: true });
  const c = compareRuns(plan, simulate(plan, { captureAll: true, ...(emu.userspaceCables && { userspaceCables: emu.userspaceCables }) }), emu);
  return c.agree ? undefined : renderComparison(c);
}

describe('differential: random scenarios on both engines', () => {
  itEmulator(`agree on ${RUNS} generated scenarios (seed ${SEED})`, async () => {
    const result = await fc.check(
      fc.asyncProperty(validScenarioArb, async (s) => (await disagreement(stringify(s))) === undefined),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 600_000, markInterruptAsFailure: false },
    );
    if (!result.failed || result.counterexample === null) return;
    const text = stringify(result.counterexample[0]);
    const name = `seed${SEED}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}.yaml`;
    mkdirSync(regressions, { recursive: true });
    writeFileSync(join(regressions, name), `# Found by test/twin/differential.test.ts (seed ${SEED}), shrunk by fast-check.\n${text}`);
    expect.fail(`the engines disagree on a generated scenario, saved as test/twin/regressions/${name}:\n${(await disagreement(text)) ?? ''}`);
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
