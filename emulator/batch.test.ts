/**
 * runBatches: many namespaces' batches through one `ip -batch -` of `netns exec` lines
 * (few spawns from Node, whose fork cost grows with its heap), with each namespace's
 * lines applied in its own namespace, and a failure reported as a one-namespace batch
 * reports it: the namespace's command, the failed line and ip's reason.
 */
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect } from 'vitest';
import { itEmulator } from '../test/helpers/emulator.js';
import { NAMESPACES_PER_PROCESS, runBatches } from './batch.js';
import { run } from './exec.js';
import { RunResources } from './lifecycle.js';

// One run per test: a run claims one marker, which its teardown releases.
const runs: RunResources[] = [];
afterAll(() => Promise.all(runs.map((r) => r.teardown())));

async function namespaces(ids: string[]) {
  const res = new RunResources();
  runs.push(res);
  const names = res.claimNames();
  res.namespaces.push(...ids.map((id) => names.ns(id)));
  await run(['ip', '-batch', '-'], { stdin: ids.map((id) => `netns add ${names.ns(id)}\n`).join('') });
  return names;
}

describe('runBatches', () => {
  itEmulator(
    `applies each namespace's lines in that namespace, over more than ${NAMESPACES_PER_PROCESS} namespaces`,
    async () => {
      const ids = Array.from({ length: NAMESPACES_PER_PROCESS + 3 }, (_, i) => `n${i}`);
      const names = await namespaces(ids);
      const done: number[] = [];
      await runBatches(
        'ip',
        names,
        ids.map((id) => ({
          nsId: id,
          lines: [
            ['link', 'add', 'd0', 'type', 'bridge'],
            ['link', 'set', 'dev', 'd0', 'alias', `bridge of ${id}`],
          ],
        })),
        (k) => done.push(k),
      );
      expect(done.reduce((a, b) => a + b, 0)).toBe(ids.length);
      for (const id of [ids[0] as string, ids[ids.length - 1] as string]) {
        const r = await run(['ip', '-n', names.ns(id), '-j', 'link', 'show', 'dev', 'd0']);
        expect((JSON.parse(r.stdout) as { ifalias?: string }[])[0]?.ifalias).toBe(`bridge of ${id}`);
      }
      // Its batch files are gone.
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith(`twinnet-run-${names.marker}-batch-`))).toEqual([]);
    },
  );

  itEmulator("reports a failed line as the namespace's own batch would", async () => {
    const names = await namespaces(['a', 'b', 'c']);
    const ok = [['link', 'set', 'lo', 'up']];
    const failure = runBatches('ip', names, [
      { nsId: 'a', lines: ok },
      { nsId: 'b', lines: [...ok, ['link', 'set', 'dev', 'nosuch', 'up']] },
      { nsId: 'c', lines: ok },
    ]);
    await expect(failure).rejects.toThrow(
      `ip -n ${names.ns('b')} -batch failed (exit 1) at line 2, \`link set dev nosuch up\`: Cannot find device "nosuch"`,
    );
  });
});
