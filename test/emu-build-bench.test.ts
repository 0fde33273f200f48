/**
 * The emulator benchmark (bench/emu-build.ts), run as `npm run bench` runs it, from the
 * built dist/ (the test command builds first), for a small N on both its topologies:
 * it completes, prints its JSON line with every field, and leaves no namespace and no
 * owner record with its marker. Not timed: the figures are the bench's business.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { itEmulator } from './helpers/emulator.js';

const root = join(import.meta.dirname, '..');
const N = 5;

/** Namespaces on this machine whose name carries `marker` (emulator/names.ts: tnMARKER-ID). */
function namespacesOf(marker: string): string[] {
  return existsSync('/run/netns') ? readdirSync('/run/netns').filter((n) => n.startsWith(`tn${marker}-`)) : [];
}

describe('bench/emu-build.js', () => {
  for (const topo of ['bridge', 'twohosts']) {
    itEmulator(`builds, verifies and tears down ${N} containers (${topo}), printing every field`, async () => {
      const r = spawnSync(process.execPath, [join(root, 'dist/bench/emu-build.js'), topo, String(N)], {
        cwd: root,
        encoding: 'utf8',
      });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.split('\n').filter((l) => l !== '');
      expect(lines).toHaveLength(1);
      const out = JSON.parse(lines[0] as string) as Record<string, unknown>;
      expect(out).toMatchObject({
        engine: 'twinnet-emulator',
        topo,
        containers: N,
        namespaces: topo === 'bridge' ? N + 2 : N + 3,
      });
      for (const k of ['build', 'verify', 'teardown', 'buildPlusTeardown', 'buildWithoutFirewall'])
        expect(out[k], k).toBeGreaterThan(0);
      const phases = out.phases as Record<string, number>;
      for (const k of ['namespacesAndAgent', 'sysctls', 'devices', 'firewall', 'impairments', 'services'])
        expect(typeof phases[k], k).toBe('number');
      // The Docker firewall is built: the read-back (verify) compares every ruleset with the plan and fails the run
      // otherwise. Its rulesets load alongside the devices (core/plan/steps.ts), so `firewall` is no step of its own.
      expect(phases.devices).toBeGreaterThan(0);
      const marker = out.marker as string;
      expect(marker).toMatch(/^[a-z0-9]+$/);
      expect(namespacesOf(marker)).toEqual([]);
      expect(existsSync(`/run/twinnet/${marker}.json`)).toBe(false);
    });
  }
  itEmulator('refuses a bad N with exit 2 and leaves nothing', async () => {
    const r = spawnSync(process.execPath, [join(root, 'dist/bench/emu-build.js'), 'bridge', 'x'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
  });
});
