/**
 * Captures on real devices: one tcpdump per device the run captures, started before the
 * timeline (and waited for until it says it is listening), stopped by its pid with
 * SIGINT after, and its file decoded by the project's own pcap and wire code into the
 * same per-device packet records as the simulator's. `--immediate-mode` makes tcpdump
 * write each packet at once (without it, a capture shorter than its buffer timeout can
 * come out empty); nanosecond timestamps; `-Z root` so it can write where the run says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CapturedPacket } from '../core/backend.js';
import { decodePcap, PcapError } from '../core/pcap/format.js';
import { ethernetFromRecord } from '../core/pcap/linktype.js';
import { EmulatorError } from './errors.js';

export interface Capture {
  readonly ns: string;
  readonly dev: string;
  readonly file: string;
  readonly child: ChildProcess;
}

/** Starts tcpdump on `dev` in namespace `nsName`; resolves once it is listening. */
export function startCapture(dir: string, ns: string, nsName: string, dev: string): Promise<Capture> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${ns}_${dev}.pcap`.replace(/[^A-Za-z0-9_.-]/g, '-'));
  const argv = [
    'ip',
    'netns',
    'exec',
    nsName,
    'tcpdump',
    '-i',
    dev,
    '-w',
    file,
    '-U',
    '--immediate-mode',
    '--time-stamp-precision=nano',
    '-s',
    '262144',
    '-n',
    '-Z',
    'root',
  ];
  const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(
      () => reject(new EmulatorError('timeout', `tcpdump on ${ns}:${dev} did not start listening`, argv, null, err)),
      10_000,
    );
    child.stderr?.on('data', (b: Buffer) => {
      err += b.toString('utf8');
      if (err.includes('listening on')) {
        clearTimeout(timer);
        resolve({ ns, dev, file, child });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new EmulatorError('command-failed', `tcpdump on ${ns}:${dev} exited`, argv, code, err));
    });
  });
}

/** How long tcpdump gets to write its file after SIGINT before it is killed: a run never waits unbounded. */
const CAPTURE_STOP_MS = 10_000;

/** Stops a capture (SIGINT, by pid) and waits until tcpdump has written its file (SIGKILL after CAPTURE_STOP_MS). */
export async function stopCapture(c: Capture): Promise<void> {
  if (c.child.exitCode !== null || c.child.signalCode !== null) return;
  const gone = new Promise<void>((r) => c.child.once('exit', () => r()));
  c.child.kill('SIGINT');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), CAPTURE_STOP_MS);
  await gone;
  clearTimeout(timer);
}

/**
 * Reads a capture file into packets timed from `originEpochNs` (the run's start). What
 * tcpdump saw before that, while the last captures were starting (a bridge's IGMP
 * report, for one), belongs to the build and is left out: both engines' captures cover
 * the run from its start.
 */
export function readCapture(file: string, originEpochNs: bigint): CapturedPacket[] {
  const decoded = decodePcap(new Uint8Array(readFileSync(file)));
  if (decoded instanceof PcapError)
    throw new EmulatorError('command-failed', `cannot read capture ${file}: ${decoded.reason}`);
  const base = BigInt(decoded.epochSec) * 1_000_000_000n;
  return decoded.records.flatMap((r) => {
    const eth = ethernetFromRecord(decoded.linktype, r.data);
    if (eth instanceof PcapError) return [];
    const timeNs = Number(base + BigInt(r.timeNs) - originEpochNs);
    return timeNs < 0 ? [] : [{ timeNs, data: eth.frame }];
  });
}
