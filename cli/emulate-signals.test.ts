/**
 * A run stopped by SIGTERM or SIGINT, sent to `twinnet emulate` itself or to the npm
 * wrapper it was started by (`npx twinnet`), leaves nothing behind: no namespace with
 * its marker, no process in those namespaces (the ping it was running included), no
 * capture folder, no owner record. Needs the built CLI (npx tsc -p tsconfig.build.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { ownedNamespaces, processesIn } from '../emulator/clean.js';
import { RUN_DIR_PREFIX } from '../emulator/names.js';
import { commandLine, ownerAlive, ownerOf, recordedMarkers, type Owner } from '../emulator/owner.js';
import { itEmulator } from '../test/helpers/emulator.js';
import { tempDirs } from '../test/helpers/tmp.js';

const root = join(import.meta.dirname, '..');
const tmp = tempDirs();

/** Two hosts and a ping of a minute, its device captured: a run with a probe, a tcpdump and a ping in flight. */
const LONG_RUN = `version: 1
name: long-probe
description: A ping that runs for a minute, to be interrupted.
hosts:
  a:
    interfaces:
      eth0: { segment: lan, address: 192.0.2.1/24 }
  b:
    interfaces:
      eth0: { segment: lan, address: 192.0.2.2/24 }
segments:
  lan: { subnet: 192.0.2.0/24 }
capture: [a:eth0]
timeline:
  - at: 0s
    name: long-ping
    ping: { from: a, to: b, count: 600, interval: 100ms }
`;

async function waitFor<T>(what: string, get: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Starts a run of its own scenario file (so its owner is found by command line), through
 * `launcher`, and waits until a process whose command line starts with `waitFor` runs
 * in its namespaces.
 */
async function startRun(
  launcher: (file: string, out: string) => ChildProcess,
  text = LONG_RUN,
  until = 'ping ',
): Promise<{ child: ChildProcess; marker: string; owner: Owner; inodes: Set<string>; namespaces: string[] }> {
  const dir = tmp('twinnet-signals-');
  const file = join(dir, 'long.yaml');
  writeFileSync(file, text);
  const child = launcher(file, join(dir, 'out'));
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString('utf8')));
  const marker = await waitFor(`the run's owner record (stderr: ${stderr})`, () =>
    recordedMarkers().find((m) => commandLine(ownerOf(m)?.pid ?? -1).includes(file)),
  );
  const namespaces = await waitFor(`${until}in the run`, () => {
    const ns = ownedNamespaces(marker);
    return processesIn(ns).some((pid) => commandLine(pid).startsWith(until)) ? ns : undefined;
  });
  const inodes = new Set(namespaces.map((n) => `net:[${statSync(join('/run/netns', n)).ino}]`));
  return { child, marker, owner: ownerOf(marker) as Owner, inodes, namespaces };
}

/** What the run left: namespaces, processes in its (deleted) namespaces, capture folders, its record. */
function leftovers(
  marker: string,
  inodes: Set<string>,
): { namespaces: string[]; processes: string[]; folders: string[]; record: boolean } {
  const processes = readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .flatMap((p) => {
      try {
        return inodes.has(readlinkSync(`/proc/${p}/ns/net`)) ? [`${p} ${commandLine(Number(p))}`] : [];
      } catch {
        return [];
      }
    });
  const folders = readdirSync(tmpdir()).filter((f) => f.startsWith(`${RUN_DIR_PREFIX}${marker}-`));
  return { namespaces: ownedNamespaces(marker), processes, folders, record: ownerOf(marker) !== undefined };
}

const direct = (file: string, out: string) =>
  spawn(process.execPath, [join(root, 'bin/twinnet.js'), 'emulate', file, '--out', out], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
const viaNpx = (file: string, out: string) =>
  spawn('npx', ['--no-install', 'twinnet', 'emulate', file, '--out', out], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });

describe('twinnet emulate stopped by a signal', () => {
  for (const [sig, code] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const) {
    itEmulator(
      `${sig} mid-run: exit ${code}, and no namespace, process in them, capture folder or owner record remains`,
      async () => {
        const { child, marker, inodes } = await startRun(direct);
        const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
        child.kill(sig);
        expect(await exited).toBe(code);
        expect(leftovers(marker, inodes)).toEqual({ namespaces: [], processes: [], folders: [], record: false });
      },
    );
  }

  itEmulator('SIGTERM to the npm wrapper (npx twinnet emulate) stops the run and removes everything too', async () => {
    const { child, marker, owner, inodes } = await startRun(viaNpx);
    child.kill('SIGTERM');
    await waitFor('the run to end', () => (ownerAlive(owner) ? undefined : true), 20_000);
    expect(leftovers(marker, inodes)).toEqual({ namespaces: [], processes: [], folders: [], record: false });
  });

  itEmulator(
    'a probe at 36000m (past the 2^31 ms a Node timer holds) has not fired 2 s into the timeline',
    async () => {
      // tcpdump starts right before the timeline; before the fix the ping ran at once.
      const { child, marker, inodes, namespaces } = await startRun(
        direct,
        LONG_RUN.replace('at: 0s', 'at: 36000m'),
        'tcpdump ',
      );
      await new Promise((r) => setTimeout(r, 2000));
      expect(
        processesIn(namespaces)
          .map(commandLine)
          .filter((c) => c.startsWith('ping ')),
      ).toEqual([]);
      const exited = new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
      expect(leftovers(marker, inodes)).toEqual({ namespaces: [], processes: [], folders: [], record: false });
    },
  );
});
