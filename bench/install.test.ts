/**
 * The benchmark's (and the test command's) detection of missing system programs and
 * their installation with apt-get: run against a pretend machine, so that the path a
 * fresh CI machine takes (no g++, no libns3-dev, root on Debian) is tested here, where
 * both are installed.
 */
import { describe, expect, it } from 'vitest';
import { ensureDeps, missingDeps, type Host } from '../scripts/install.mjs';
import { BENCH_DEPS, SYSTEM_DEPS } from '../scripts/system-deps.mjs';

function fakeHost(opts: {
  commands: string[];
  files: string[];
  root: boolean;
  debian?: boolean;
  aptWorks?: boolean;
  aptInstalls?: boolean;
}) {
  const commands = new Set(opts.commands);
  const files = new Set(opts.files);
  const ran: string[][] = [];
  const host: Host = {
    have: (c) => commands.has(c),
    exists: (f) => files.has(f),
    isRoot: () => opts.root,
    isDebian: () => opts.debian ?? true,
    run: (argv) => {
      ran.push([...argv]);
      if (opts.aptWorks === false) return 100;
      if (argv[1] === 'install' && opts.aptInstalls !== false) {
        commands.add('g++');
        commands.add('bash');
        files.add('/usr/include/ns3/core-module.h');
      }
      return 0;
    },
    log: () => {},
  };
  return { host, ran };
}

describe('system dependencies of the benchmark', () => {
  it('finds a missing compiler and missing ns-3 headers, and nothing when both are there', () => {
    const bare = fakeHost({ commands: ['bash'], files: [], root: true }).host;
    expect(missingDeps(BENCH_DEPS, bare).map((d) => d.pkg)).toEqual(['g++', 'libns3-dev']);
    const full = fakeHost({ commands: ['bash', 'g++'], files: ['/usr/include/ns3/core-module.h'], root: true }).host;
    expect(missingDeps(BENCH_DEPS, full)).toEqual([]);
  });

  it('installs g++ and libns3-dev with apt-get on a fresh Debian machine as root', () => {
    const { host, ran } = fakeHost({ commands: ['bash'], files: [], root: true });
    expect(ensureDeps(BENCH_DEPS, 'the bench', host)).toEqual({ ok: true, installed: ['g++', 'libns3-dev'] });
    expect(ran).toEqual([
      ['apt-get', 'update', '-qq'],
      ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'g++', 'libns3-dev'],
    ]);
  });

  it('runs no apt-get when nothing is missing', () => {
    const { host, ran } = fakeHost({
      commands: ['bash', 'g++'],
      files: ['/usr/include/ns3/core-module.h'],
      root: true,
    });
    expect(ensureDeps(BENCH_DEPS, 'the bench', host)).toEqual({ ok: true, installed: [] });
    expect(ran).toEqual([]);
  });

  it('names the packages, installing nothing, when not root or not Debian', () => {
    for (const opts of [{ root: false }, { root: true, debian: false }]) {
      const { host, ran } = fakeHost({ commands: ['bash'], files: [], ...opts });
      const r = ensureDeps(BENCH_DEPS, 'the bench', host);
      expect(r.ok).toBe(false);
      expect(r.ok ? '' : r.message).toMatch(/apt-get install g\+\+ libns3-dev/);
      expect(ran).toEqual([]);
    }
  });

  it('fails with a message when apt-get fails or installs without providing the file', () => {
    const failing = fakeHost({ commands: ['bash'], files: [], root: true, aptWorks: false });
    const r = ensureDeps(BENCH_DEPS, 'the bench', failing.host);
    expect(r.ok ? '' : r.message).toMatch(/apt-get could not install g\+\+ libns3-dev/);
    const useless = fakeHost({ commands: ['bash'], files: [], root: true, aptInstalls: false });
    const r2 = ensureDeps(BENCH_DEPS, 'the bench', useless.host);
    expect(r2.ok ? '' : r2.message).toMatch(/still missing: g\+\+, \/usr\/include\/ns3\/core-module.h/);
  });

  it("keeps the test command's list of programs, each a command with its package", () => {
    expect(SYSTEM_DEPS.every((d) => typeof d.command === 'string' && typeof d.pkg === 'string')).toBe(true);
  });
});
