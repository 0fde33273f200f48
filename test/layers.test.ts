/**
 * The layer rules (docs/architecture.md, .dependency-cruiser.cjs): the simulator and the
 * emulator never import each other, core imports nothing above it and does no I/O, and
 * the emulator never sees the scenario. Checked with dependency-cruiser over the source
 * tree, and over two fixtures, one that keeps every rule and one that breaks each, so
 * that a rule which stopped matching (a path renamed, a resolver that failed) shows.
 */
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'layers');
/** The layers, each a top-level folder (test/ is not a layer: its helpers may use anything). */
const LAYERS = ['core', 'sim', 'emulator', 'twin', 'cli', 'reports', 'bench'];
/** Cruising the whole tree parses every source file: a few seconds, more on a busy machine. */
const CRUISE_TIMEOUT_MS = 60_000;

/** The rules broken under `baseDir`, as "rule: from -> to", sorted. */
async function violations(baseDir: string, folders: readonly string[]): Promise<string[]> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.cjs'));
  const result = await cruise([...folders], { ...options, baseDir });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort();
}

describe('the layer rules', () => {
  it(
    'hold in the source tree',
    async () => {
      expect(await violations(ROOT, LAYERS)).toEqual([]);
    },
    CRUISE_TIMEOUT_MS,
  );

  it('hold in a fixture that keeps them: the twin run may import both engines', async () => {
    expect(await violations(join(FIXTURES, 'ok'), ['core', 'sim', 'emulator', 'twin'])).toEqual([]);
  });

  it('catch each deliberate violation in a fixture that breaks them', async () => {
    expect(await violations(join(FIXTURES, 'broken'), ['core', 'sim', 'emulator'])).toEqual([
      'core-no-io: core/io.ts -> fs',
      'core-not-above: core/up.ts -> sim/engine.ts',
      'emulator-not-sim: emulator/engine.ts -> sim/engine.ts',
      'emulator-plan-only: emulator/engine.ts -> core/scenario/schema.ts',
      'sim-not-emulator: sim/engine.ts -> emulator/engine.ts',
    ]);
  });
});
