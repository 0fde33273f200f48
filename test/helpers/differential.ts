/**
 * The differential check shared by the CI property test (test/twin/differential.test.ts)
 * and the long fuzz mode (`npm run fuzz:twin`, test/twin/fuzz-twin.ts): one scenario
 * text on both engines, the simulator run on the testbed the emulator built, and the
 * comparison's words when they disagree. Also how a shrunk disagreement is saved as a
 * regression scenario. Leaves out generation and shrinking (fast-check does those).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePlan } from '../../core/plan/compile/index.js';
import { loadPlan } from '../../core/plan/load-plan.js';
import { renderComparison } from '../../reports/comparison.js';
import { runTwin } from '../../twin/run.js';

/** The folder whose scenario files the regression test replays on both engines. */
export const REGRESSIONS_DIR = join(import.meta.dirname, '..', 'twin', 'regressions');

/** Both engines on one scenario text; the comparison's words when they disagree, else undefined. */
export async function disagreement(text: string): Promise<string | undefined> {
  const r = loadPlan(text, 'generated.yaml');
  if (r.model === undefined) throw new Error(`the generator made an invalid scenario:\n${text}`);
  const plan = compilePlan(r.model);
  const c = (await runTwin(plan)).comparison;
  return c.agree ? undefined : renderComparison(c);
}

/** `<stem>-<8 hex of the text's sha256>.yaml`: the same shrunk scenario always gets the same name. */
export function regressionName(stem: string, text: string): string {
  return `${stem}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}.yaml`;
}

/** Writes the scenario under `dir` with `header` as YAML comment lines above it; returns the path. */
export function saveRegression(dir: string, name: string, header: string, text: string): string {
  mkdirSync(dir, { recursive: true });
  const comment = header
    .trimEnd()
    .split('\n')
    .map((l) => (l === '' ? '#' : `# ${l}`))
    .join('\n');
  const path = join(dir, name);
  writeFileSync(path, `${comment}\n${text}`);
  return path;
}
