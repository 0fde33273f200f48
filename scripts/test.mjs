#!/usr/bin/env node
// The test command (`npm test`): make sure the system programs the emulator's tests
// need are there (installing them with apt-get when running as root on Debian, else
// stopping with a message that names them), type-check, build, then run every test.
// Extra arguments go to vitest (`npm test -- core/addr`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SYSTEM_DEPS } from './system-deps.mjs';

const root = new URL('..', import.meta.url).pathname;

function have(command) {
  return spawnSync('sh', ['-c', `command -v "$1"`, 'sh', command], { stdio: 'ignore' }).status === 0;
}

function run(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function ensureSystemDeps() {
  const missing = SYSTEM_DEPS.filter((d) => !have(d.command));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((d) => d.pkg))];
  const isRoot = process.getuid?.() === 0;
  if (!isRoot || !existsSync('/etc/debian_version')) {
    process.stderr.write(
      `twinnet tests need these programs: ${missing.map((d) => `${d.command} (${d.why})`).join(', ')}.\n` +
        `Install the packages ${pkgs.join(' ')} (Debian/Ubuntu: sudo apt-get install ${pkgs.join(' ')}), then run npm test again.\n`,
    );
    process.exit(3);
  }
  process.stdout.write(`installing ${pkgs.join(' ')} for the emulator's tests (apt-get)\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (run(['apt-get', 'update', '-qq'], { env }) !== 0 || run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env }) !== 0) {
    process.stderr.write(`apt-get could not install ${pkgs.join(' ')}; install them and run npm test again\n`);
    process.exit(3);
  }
}

ensureSystemDeps();
for (const step of [['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'], ['npx', 'tsc', '-p', 'tsconfig.build.json']]) {
  const status = run(step);
  if (status !== 0) process.exit(status);
}
process.exit(run(['npx', 'vitest', 'run', ...process.argv.slice(2)]));
