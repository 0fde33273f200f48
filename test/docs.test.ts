/**
 * The scenario format reference must not lie: every example in docs/scenario-format.md
 * marked `# complete` is a whole scenario file, and each one loads without a problem.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../core/scenario/diagnostics.js';
import { loadScenarioText } from '../core/scenario/load.js';

const doc = readFileSync(join(import.meta.dirname, '../docs/scenario-format.md'), 'utf8');
const blocks = [...doc.matchAll(/```yaml\n# complete\n([\s\S]*?)```/g)].map((m) => m[1] as string);

describe('docs/scenario-format.md', () => {
  it('has complete examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
  });
  it.each(blocks.map((b, i) => [i + 1, b] as const))('complete example %i is valid, without warnings', (_i, text) => {
    expect(loadScenarioText(text, 'example.yaml').diagnostics.map(formatDiagnostic)).toEqual([]);
  });
});
