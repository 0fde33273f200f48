/**
 * `clean` removes runs whose owner is dead (or unrecorded) and leaves live runs alone
 * unless forced. Each run here is a namespace and a temporary folder under a marker
 * claimed for a process this test starts (the "owner"), so that no other run is touched.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { itEmulator } from '../test/helpers/emulator.js';
import { clean, markersInUse, ownedNamespaces } from './clean.js';
import { RUN_DIR_PREFIX, RunNames } from './names.js';
import { claimMarker, OWNER_DIR, ownerOf, processStart } from './owner.js';

const root = join(import.meta.dirname, '..');

describe('twinnet clean and run owners', () => {
  const owners: ChildProcess[] = [];
  const markers: string[] = [];
  afterEach(async () => {
    for (const o of owners.splice(0)) o.kill('SIGKILL');
    for (const m of markers.splice(0)) await clean(m, { force: true });
  });

  /** A run owned by a fresh `sleep` process: its namespace, folder and owner record. */
  function fakeRun(): { marker: string; ns: string; folder: string; owner: ChildProcess } {
    const owner = spawn('sleep', ['600'], { stdio: 'ignore' });
    owners.push(owner);
    const marker = claimMarker(markersInUse(), owner.pid);
    markers.push(marker);
    const ns = new RunNames(marker).ns('a');
    expect(spawnSync('ip', ['netns', 'add', ns]).status).toBe(0);
    const folder = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${marker}-`));
    return { marker, ns, folder, owner };
  }

  async function end(p: ChildProcess): Promise<void> {
    const gone = new Promise((r) => p.once('exit', r));
    p.kill('SIGKILL');
    await gone;
  }

  itEmulator('records the owner as its pid and start time (field 22 of /proc/PID/stat)', async () => {
    const { marker, owner } = fakeRun();
    expect(ownerOf(marker)).toEqual({ pid: owner.pid, start: processStart(owner.pid as number) });
    expect(processStart(process.pid)).toMatch(/^\d+$/);
  });

  itEmulator('leaves a run whose owner is alive, and says so; removes it once the owner is dead', async () => {
    const { marker, ns, folder, owner } = fakeRun();
    const first = await clean(marker);
    expect(first.skipped).toEqual([{ marker, pid: owner.pid, command: 'sleep 600' }]);
    expect(first.namespaces).toEqual([]);
    expect(ownedNamespaces(marker)).toEqual([ns]);
    expect(existsSync(folder)).toBe(true);
    await end(owner);
    const second = await clean(marker);
    expect(second).toMatchObject({ namespaces: [ns], folders: [folder], skipped: [] });
    expect(ownedNamespaces(marker)).toEqual([]);
    expect(existsSync(folder)).toBe(false);
    expect(ownerOf(marker)).toBeUndefined();
  });

  itEmulator(
    '--force removes a run whose owner is alive (the CLI, built: npx tsc -p tsconfig.build.json)',
    async () => {
      const { marker, ns, folder, owner } = fakeRun();
      const cli = (args: string[]) =>
        spawnSync(process.execPath, [join(root, 'bin/twinnet.js'), 'clean', '--marker', marker, ...args], {
          cwd: root,
          encoding: 'utf8',
        });
      const kept = cli([]);
      expect(kept.status).toBe(0);
      expect(kept.stdout).toContain(
        `removed 0 namespaces, ended 0 processes, deleted 0 temporary folders\nskipped run ${marker}: its process ${owner.pid} is still running (sleep 600); stop it, or use --force`,
      );
      expect(ownedNamespaces(marker)).toEqual([ns]);
      const forced = cli(['--force']);
      expect(forced.status).toBe(0);
      expect(forced.stdout).toBe(`removed 1 namespace (${ns}), ended 0 processes, deleted 1 temporary folder\n`);
      expect(ownedNamespaces(marker)).toEqual([]);
      expect(existsSync(folder)).toBe(false);
      expect(owner.exitCode).toBeNull(); // clean ends processes in the run's namespaces only, never its owner
    },
  );

  itEmulator('a run with a dead owner pid reused by another process counts as dead (start times differ)', async () => {
    const { marker, ns } = fakeRun();
    // Recorded as owned by this very process (alive) but with another start time: the
    // owner died and its pid went to another process.
    writeFileSync(join(OWNER_DIR, `${marker}.json`), JSON.stringify({ pid: process.pid, start: '1' }));
    const r = await clean(marker);
    expect(r.namespaces).toEqual([ns]);
    expect(r.skipped).toEqual([]);
  });
});
