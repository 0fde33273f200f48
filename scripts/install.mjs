// Finding and installing the system programs a twinnet command needs: the test command
// (scripts/test.mjs) and the benchmark (bench/run.mjs) share it. A dependency is a
// command on PATH or a file (a header, for the ns-3 benchmark), with the Debian package
// that provides it. When some are missing and we run as root on Debian, they are
// installed with apt-get (as CI's fresh machine needs); otherwise the caller is told
// which packages to install. Other distributions' package managers are left out.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** The real machine: a command on PATH, a file, root, Debian, and running a program. */
export const HOST = {
  have: (command) => spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0,
  exists: (path) => existsSync(path),
  isRoot: () => process.getuid?.() === 0,
  isDebian: () => existsSync('/etc/debian_version'),
  run: (argv, opts = {}) => {
    const r = spawnSync(argv[0], argv.slice(1), { stdio: 'inherit', ...opts });
    if (r.error) throw r.error;
    return r.status ?? 1;
  },
  log: (line) => process.stdout.write(`${line}\n`),
};

/** The dependencies that are not there: a `command` not on PATH, a `file` that does not exist. */
export function missingDeps(deps, host = HOST) {
  return deps.filter((d) => (d.command !== undefined ? !host.have(d.command) : !host.exists(d.file)));
}

/**
 * Makes sure `deps` are there. Returns { ok: true, installed: [packages] } or
 * { ok: false, message } naming what is missing and the packages to install; `purpose`
 * says what they are for ("the emulator's tests").
 */
export function ensureDeps(deps, purpose, host = HOST) {
  const missing = missingDeps(deps, host);
  if (missing.length === 0) return { ok: true, installed: [] };
  const pkgs = [...new Set(missing.map((d) => d.pkg))];
  const what = missing.map((d) => `${d.command ?? d.file} (${d.why})`).join(', ');
  if (!host.isRoot() || !host.isDebian()) {
    return {
      ok: false,
      message: `${purpose} need ${what}. Install the packages ${pkgs.join(' ')} (Debian/Ubuntu: sudo apt-get install ${pkgs.join(' ')}).`,
    };
  }
  host.log(`installing ${pkgs.join(' ')} for ${purpose} (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (
    host.run(['apt-get', 'update', '-qq'], { env }) !== 0 ||
    host.run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pkgs], { env }) !== 0
  ) {
    return { ok: false, message: `apt-get could not install ${pkgs.join(' ')} for ${purpose}; install them by hand.` };
  }
  const still = missingDeps(deps, host);
  if (still.length > 0)
    return {
      ok: false,
      message: `after apt-get install ${pkgs.join(' ')}, still missing: ${still.map((d) => d.command ?? d.file).join(', ')}`,
    };
  return { ok: true, installed: pkgs };
}
