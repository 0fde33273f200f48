#!/usr/bin/env node
// The test command (`npm test`): make sure the system programs the emulator's tests
// need are there (installing them with apt-get when running as root on Debian, else
// stopping with a message that names them), type-check, build, then run every test.
// Extra arguments go to vitest (`npm test -- core/addr`).
import { spawnSync } from 'node:child_process';
import { ensureDeps } from './install.mjs';
import { BENCH_DEPS, SYSTEM_DEPS } from './system-deps.mjs';

const root = new URL('..', import.meta.url).pathname;

function run(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function ensureSystemDeps() {
  // The benchmark's own test (bench/run.test.ts) builds and runs the ns-3 peer, so its
  // compiler and headers are installed here with the rest, before any test starts.
  const r = ensureDeps([...SYSTEM_DEPS, ...BENCH_DEPS], "twinnet's tests");
  if (!r.ok) {
    process.stderr.write(`${r.message} Then run npm test again.\n`);
    process.exit(3);
  }
}

ensureSystemDeps();
// The linter and the formatter's check run first (eslint.config.js, .prettierrc.json):
// `npm run format` fixes what they report.
for (const step of [
  ['npx', 'eslint', '.'],
  ['npx', 'prettier', '--check', '.'],
  ['npx', 'tsc', '-p', 'tsconfig.json', '--noEmit'],
  ['npx', 'tsc', '-p', 'tsconfig.build.json'],
]) {
  const status = run(step);
  if (status !== 0) process.exit(status);
}
process.exit(run(['npx', 'vitest', 'run', ...process.argv.slice(2)]));
