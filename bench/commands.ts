/**
 * The commands on a large scenario, each in a fresh process, printed as one JSON line:
 * `twinnet validate`, `plan` in each format (text, sh, json) and `sim` on N containers
 * over four Docker hosts (estateScenario in topologies.ts), with each command's wall
 * time, and its CPU time and peak memory from /usr/bin/time where that exists (on a
 * machine other work shares, the CPU time is the steadier figure). Output goes to
 * out/bench/commands/.
 *
 * Usage: node dist/bench/commands.js [N]   (default 10000)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { estateScenario } from './topologies.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const n = Number(process.argv[2] ?? '10000');
const dir = join(root, 'out', 'bench', 'commands');
mkdirSync(dir, { recursive: true });
const file = join(dir, `estate-${n}.yaml`);
writeFileSync(file, estateScenario(n));

const COMMANDS: readonly (readonly string[])[] = [
  ['validate'],
  ['plan', '--format', 'text'],
  ['plan', '--format', 'sh'],
  ['plan', '--format', 'json'],
  ['sim', '--out', join(dir, 'sim')],
];
const TIME = '/usr/bin/time';

interface Row {
  readonly command: string;
  readonly exit: number;
  readonly wallS: number;
  readonly cpuS?: number;
  readonly maxRssMB?: number;
}

function run(args: readonly string[]): Row {
  const argv = [process.execPath, join(root, 'bin', 'twinnet.js'), ...args, file];
  const timed = existsSync(TIME);
  const out = openSync(join(dir, `${args.join('_').replace(/[^a-z_]/g, '')}.out`), 'w');
  const t0 = performance.now();
  const r = timed
    ? spawnSync(TIME, ['-f', 'TIME %U %S %M', ...argv], { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' })
    : spawnSync(argv[0] as string, argv.slice(1), { stdio: ['ignore', out, 'pipe'], encoding: 'utf8' });
  const wallS = (performance.now() - t0) / 1000;
  closeSync(out);
  const m = /TIME ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  const command = `twinnet ${args.filter((a) => !a.startsWith('/')).join(' ')}`;
  return {
    command,
    exit: r.status ?? -1,
    wallS: round(wallS),
    ...(m !== null && { cpuS: round(Number(m[1]) + Number(m[2])), maxRssMB: Math.round(Number(m[3]) / 1024) }),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

const rows = COMMANDS.map((c) => {
  process.stderr.write(`${n} containers: twinnet ${c[0]} ${c.slice(1).join(' ')}...\n`);
  return run(c);
});
process.stdout.write(`${JSON.stringify({ what: 'commands', containers: n, file, rows })}\n`);
