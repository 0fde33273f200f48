// The ns-3 peer of the simulator benchmark: ../shared/bench/ns3/bridge_bench.cc, built
// with g++ against Debian's libns3-dev (installed with apt-get when root and missing,
// by scripts/install.mjs) and run in the same invocation as twinnet. The binary is
// cached in out/bench/ns3/ under a key made of everything that shapes it (the source,
// the compiler's version, the flags, the ns-3 package's version), so a changed source
// or compiler builds it again; building is never timed. Left out: ns-3 from source
// trees (ns3 configure/build), other distributions' packages.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDeps } from '../scripts/install.mjs';
import { BENCH_DEPS } from '../scripts/system-deps.mjs';

/** The flags and libraries of ../shared/bench/ns3/build.sh. */
export const NS3_FLAGS = ['-O2', '-std=c++17', '-DNDEBUG'];
export const NS3_LIBS = [
  '-lns3-core',
  '-lns3-network',
  '-lns3-internet',
  '-lns3-csma',
  '-lns3-bridge',
  '-lns3-applications',
  '-lns3-traffic-control',
];

/** The cache key of a build: 16 hex digits of a SHA-256 over what makes the binary. */
export function ns3BuildKey({ source, compiler, flags, ns3Version }) {
  const h = createHash('sha256');
  for (const part of [source, compiler, flags.join(' '), ns3Version]) h.update(part).update('\0');
  return h.digest('hex').slice(0, 16);
}

function output(argv) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/**
 * Returns { bin, version, built } for a runnable ns-3 benchmark, or throws an Error that
 * says what is missing. `log` receives progress lines.
 */
export function ns3Peer({ shared, outDir, log }) {
  const src = join(shared, 'ns3', 'bridge_bench.cc');
  if (!existsSync(src))
    throw new Error(
      `the ns-3 benchmark source ${src} is not there (the peers live in ../shared/bench next to this repository)`,
    );
  const deps = ensureDeps(BENCH_DEPS, 'the ns-3 peer benchmark');
  if (!deps.ok) throw new Error(deps.message);
  const compiler = output(['g++', '--version']).split('\n')[0] ?? '';
  const ns3Version = output(['dpkg-query', '-W', '-f=${Version}', 'libns3-dev']) || 'unknown';
  const key = ns3BuildKey({
    source: readFileSync(src, 'utf8'),
    compiler,
    flags: [...NS3_FLAGS, ...NS3_LIBS],
    ns3Version,
  });
  const dir = join(outDir, 'ns3');
  const bin = join(dir, `bridge_bench-${key}`);
  const version = `ns-3 (libns3-dev ${ns3Version}), ${compiler}`;
  if (existsSync(bin)) return { bin, version, built: false };
  mkdirSync(dir, { recursive: true });
  // Builds for an older source or compiler are stale: remove them.
  for (const f of readdirSync(dir)) if (f.startsWith('bridge_bench-')) rmSync(join(dir, f), { force: true });
  log(`building the ns-3 peer from ${src} (g++ ${NS3_FLAGS.join(' ')}; not timed)...`);
  const tmp = `${bin}.tmp`;
  const r = spawnSync('g++', [...NS3_FLAGS, '-o', tmp, src, ...NS3_LIBS], { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`g++ ${NS3_FLAGS.join(' ')} -o ${tmp} ${src} exited ${r.status ?? r.error}: ${r.stderr}`);
  renameSync(tmp, bin);
  return { bin, version, built: true };
}
