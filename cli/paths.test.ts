/**
 * The command line's input and output paths under hostile use (issue 10): scenario
 * files that are not regular files or are too large, binary files, standard input;
 * output folders and files that cannot hold the output, or hold a planted symbolic
 * link; `--trace` names that are no probe. Each is exit code 2 with one sentence.
 * Through bin/twinnet.js and the built dist/, as cli.test.ts.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_SCENARIO_BYTES } from './scenario-file.js';
import { tempDirs } from '../test/helpers/tmp.js';

const root = join(import.meta.dirname, '..');
const SCENARIO = join(root, 'scenarios/01-default-bridge.yaml');

function twinnet(args: string[], input?: string): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/twinnet.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined && { input }),
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const tmp = tempDirs();

describe('scenario files that are not one', () => {
  it('refuses a device such as /dev/zero instead of reading it forever', () => {
    expect(twinnet(['validate', '/dev/zero'])).toMatchObject({
      code: 2,
      err: 'twinnet: /dev/zero: is a character device; expected a scenario file\n',
    });
  });
  it('refuses a FIFO without waiting for a writer, and a folder', () => {
    const d = tmp('twinnet-paths-');
    const fifo = join(d, 'fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expect(twinnet(['validate', fifo])).toMatchObject({
      code: 2,
      err: `twinnet: ${fifo}: is a FIFO (named pipe); expected a scenario file\n`,
    });
    expect(twinnet(['validate', d])).toMatchObject({
      code: 2,
      err: `twinnet: ${d}: is a directory; expected a scenario file\n`,
    });
  });
  it(`refuses a file over MAX_SCENARIO_BYTES (${MAX_SCENARIO_BYTES} bytes)`, () => {
    const f = join(tmp('twinnet-paths-'), 'huge.yaml');
    // A sparse file: its size is what counts, not its blocks.
    closeSync(openSync(f, 'w'));
    spawnSync('truncate', ['-s', String(MAX_SCENARIO_BYTES + 1), f]);
    expect(twinnet(['validate', f])).toMatchObject({
      code: 2,
      err: `twinnet: ${f}: is larger than 64 MiB, the most twinnet reads of a scenario (MAX_SCENARIO_BYTES)\n`,
    });
  });
  it('reads standard input for "-"', () => {
    const r = twinnet(['validate', '-'], readFileSync(SCENARIO, 'utf8'));
    expect(r.code).toBe(0);
    expect(r.out).toContain('-: valid (2 hosts');
  });
  it('gives one short line for a binary file', () => {
    const f = join(tmp('twinnet-paths-'), 'bin.yaml');
    writeFileSync(f, Buffer.concat([Buffer.from('version: 1\n'), Buffer.alloc(4096, 0xff)]));
    const r = twinnet(['validate', f]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `${f}:2:1: error: (top level): not a text file: it is not valid UTF-8; expected a scenario in YAML or JSON\ntwinnet: 1 of 1 file invalid\n`,
    );
  });
});

describe('output paths', () => {
  it(
    'sim --out: an existing file, a dangling link, /sys/x and "" are bad input, not internal errors',
    { timeout: 120_000 },
    () => {
      const d = tmp('twinnet-paths-');
      const file = join(d, 'file');
      writeFileSync(file, 'x');
      const dangling = join(d, 'dangling');
      symlinkSync(join(d, 'nowhere'), dangling);
      expect(twinnet(['sim', SCENARIO, '--out', file])).toMatchObject({
        code: 2,
        err: `twinnet: output ${file}: exists and is not a folder; expected a folder (or a path that does not exist yet)\n`,
      });
      expect(twinnet(['sim', SCENARIO, '--out', dangling])).toMatchObject({
        code: 2,
        err: `twinnet: output ${dangling}: is a symbolic link to something that does not exist; expected a folder\n`,
      });
      expect(twinnet(['sim', SCENARIO, '--out', '/sys/x'])).toMatchObject({
        code: 2,
        err: expect.stringMatching(/^twinnet: output \/sys\/x: cannot create the folder: /),
      });
      expect(twinnet(['sim', SCENARIO, '--out', ''])).toMatchObject({
        code: 2,
        err: 'twinnet: output "": an empty path; expected a folder\n',
      });
    },
  );
  it('plan -o: a folder, a missing folder and "" are bad input', () => {
    const d = tmp('twinnet-paths-');
    expect(twinnet(['plan', SCENARIO, '-o', d])).toMatchObject({
      code: 2,
      err: `twinnet: output ${d}: is a folder; expected a file name\n`,
    });
    expect(twinnet(['plan', SCENARIO, '-o', join(d, 'missing/x')])).toMatchObject({
      code: 2,
      err: `twinnet: output ${join(d, 'missing/x')}: the folder ${join(d, 'missing')} does not exist\n`,
    });
    expect(twinnet(['plan', SCENARIO, '-o', ''])).toMatchObject({
      code: 2,
      err: 'twinnet: output "": an empty path; expected a file name\n',
    });
  });
  it('never follows a symbolic link planted in the output folder', { timeout: 120_000 }, () => {
    const d = tmp('twinnet-paths-');
    const victim = join(d, 'victim');
    writeFileSync(victim, 'precious\n');
    const out = join(d, 'out');
    mkdirSync(join(out, 'pcap'), { recursive: true });
    symlinkSync(victim, join(out, 'observations.json'));
    symlinkSync(victim, join(out, 'pcap', 'dockerhost_docker0.pcap'));
    expect(twinnet(['sim', SCENARIO, '--out', out, '--capture-all']).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(join(out, 'observations.json')).isFile()).toBe(true);
    expect(lstatSync(join(out, 'pcap', 'dockerhost_docker0.pcap')).isFile()).toBe(true);
    // plan -o replaces a link too.
    const planLink = join(d, 'plan.txt');
    symlinkSync(victim, planLink);
    expect(twinnet(['plan', SCENARIO, '-o', planLink]).code).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(planLink).isFile()).toBe(true);
  });
  it('refuses a pcap folder that is a symbolic link', () => {
    const d = tmp('twinnet-paths-');
    const out = join(d, 'out');
    mkdirSync(out);
    mkdirSync(join(d, 'elsewhere'));
    symlinkSync(join(d, 'elsewhere'), join(out, 'pcap'));
    expect(twinnet(['sim', SCENARIO, '--out', out])).toMatchObject({
      code: 2,
      err: `twinnet: output ${join(out, 'pcap')}: is a symbolic link; twinnet writes only into real folders\n`,
    });
    expect(existsSync(join(out, 'observations.json'))).toBe(false);
  });
});

describe('emulate and compare check their output folder before building anything', () => {
  it('refuses an --out that is a file, and a compare sim/ folder that is a planted link', () => {
    const d = tmp('twinnet-paths-');
    const file = join(d, 'file');
    writeFileSync(file, 'x');
    const out = join(d, 'out');
    mkdirSync(out);
    symlinkSync(d, join(out, 'sim'));
    // Without root both stop earlier, at exit 3; as root they must stop at the path.
    const expected = process.getuid?.() === 0 ? 2 : 3;
    expect(twinnet(['emulate', SCENARIO, '--out', file]).code).toBe(expected);
    const r = twinnet(['compare', SCENARIO, '--out', out]);
    expect(r.code).toBe(expected);
    if (expected === 2)
      expect(r.err).toBe(
        `twinnet: output ${join(out, 'sim')}: is a symbolic link; twinnet writes only into real folders\n`,
      );
  });
});

describe('sim --trace', () => {
  it('refuses a name that is no probe, naming the probes there are', () => {
    const r = twinnet(['sim', SCENARIO, '--trace', 'a1-tcp-a2', 'NOPE', '--out', join(tmp('twinnet-paths-'), 'o')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'twinnet: --trace: no probe named "NOPE"; expected "all" or one of: a1-pings-a2, a1-tcp-a2, a2-pings-gateway, a1-pings-host-uplink, a1-closed-port, a1-pings-ext-masqueraded, host-pings-a2, ext-to-a2-directly\n',
    );
  });
});
