/**
 * The emulator owns what it makes and nothing else (architecture, firm decision 6): the
 * root namespace is the same after a run as before; two runs at the same time do not
 * collide; a run killed outright, at any of several points, leaves namespaces that
 * `twinnet clean` removes by their marker, after which the root namespace is as before;
 * a run that gets SIGTERM removes its own.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { compilePlan } from '../../core/plan/compile/index.js';
import { loadPlanFile } from '../../cli/scenario-input.js';
import { verdictsOf } from '../../core/verdicts.js';
import { ownedNamespaces } from '../../emulator/clean.js';
import { emulate } from '../../emulator/run.js';
import { itEmulator } from '../helpers/emulator.js';

const root = join(import.meta.dirname, '../..');

/** What a run must not change in the root namespace. */
function rootState(): string {
  const cmd = (argv: string[]) => spawnSync(argv[0] as string, argv.slice(1), { encoding: 'utf8' }).stdout;
  const sysctl = (k: string) => {
    try {
      return readFileSync(`/proc/sys/${k.replace(/\./g, '/')}`, 'utf8').trim();
    } catch {
      return 'absent';
    }
  };
  return JSON.stringify({
    links: cmd(['ip', '-j', 'link', 'show']).replace(/"(stats64|ifindex)":[^,]*,/g, ''),
    addresses: cmd(['ip', '-j', 'addr', 'show']),
    routes: cmd(['ip', '-j', 'route', 'show', 'table', 'all']),
    iptables: cmd(['iptables-save']).replace(/^#.*$/gm, ''),
    sysctls: [
      'net.ipv4.ip_forward',
      'net.bridge.bridge-nf-call-iptables',
      'net.ipv6.conf.all.disable_ipv6',
      'net.ipv4.conf.all.route_localnet',
    ].map(sysctl),
  });
}

function plan(file: string) {
  const model = loadPlanFile(join(root, 'scenarios', file)).model;
  if (model === undefined) throw new Error(`${file} is invalid`);
  return compilePlan(model);
}

function twinnet(args: string[]) {
  return spawn(process.execPath, [join(root, 'bin/twinnet.js'), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('ownership', () => {
  itEmulator('leaves the root namespace as it found it', async () => {
    const before = rootState();
    await emulate(plan('05-routed-underlay.yaml'), { captureAll: true });
    expect(rootState()).toBe(before);
  });

  itEmulator('runs two emulations at once without collisions', async () => {
    const [a, b] = await Promise.all([
      emulate(plan('01-default-bridge.yaml')),
      emulate(plan('01-default-bridge.yaml')),
    ]);
    expect(a.observations.probes.map((p) => p.outcome)).toEqual(b.observations.probes.map((p) => p.outcome));
    const p = plan('01-default-bridge.yaml');
    for (const r of [a, b])
      expect([...verdictsOf(p, r.observations).values()].filter((v) => !v.met).map((v) => v.name)).toEqual([]);
  });

  itEmulator('cleans up after itself on SIGTERM', async () => {
    const before = new Set(ownedNamespaces());
    const child = twinnet(['emulate', 'scenarios/05-routed-underlay.yaml', '--out', join(root, 'out', 'test-sigterm')]);
    await waitFor(() => ownedNamespaces().some((n) => !before.has(n)), 30_000);
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(ownedNamespaces().filter((n) => !before.has(n))).toEqual([]);
  });

  // Killed while building (as soon as its first namespace exists), right after, and
  // while its timeline runs: clean must leave the machine as it was each time.
  for (const afterMs of [0, 500, 2500]) {
    itEmulator(
      `after SIGKILL ${afterMs} ms after its first namespace appears, twinnet clean removes what the run left, and only that`,
      async () => {
        const before = new Set(ownedNamespaces());
        const rootBefore = rootState();
        const child = twinnet(['emulate', 'scenarios/02-user-bridge.yaml', '--out', join(root, 'out', 'test-sigkill')]);
        await waitFor(() => ownedNamespaces().some((n) => !before.has(n)), 30_000);
        await new Promise((r) => setTimeout(r, afterMs));
        const exited = new Promise<void>((r) => child.on('exit', () => r()));
        child.kill('SIGKILL');
        await exited;
        const left = ownedNamespaces().filter((n) => !before.has(n));
        expect(left.length).toBeGreaterThan(0);
        const marker = left[0]?.slice(2, 6) as string;
        const r = spawnSync(process.execPath, [join(root, 'bin/twinnet.js'), 'clean', '--marker', marker], {
          cwd: root,
          encoding: 'utf8',
        });
        expect(r.status).toBe(0);
        expect(r.stdout).toMatch(/^removed \d+ namespaces/);
        expect(ownedNamespaces(marker)).toEqual([]);
        expect(ownedNamespaces().filter((n) => before.has(n)).length).toBe(before.size);
        expect(rootState()).toBe(rootBefore);
      },
    );
  }
});
