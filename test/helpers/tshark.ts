/**
 * Test helper: what tshark (Wireshark 4.0's command-line reader) makes of a pcap file.
 *
 * Wireshark is the independent judge of the pcap files twinnet writes (architecture,
 * firm decision 1: "open in Wireshark without a single malformed packet"). tshark runs
 * with an argv array through spawnSync, never a shell string, with `-n` (no name
 * lookups) and checksum validation switched on. Preference names are those that
 * `tshark -G defaultprefs | grep check_checksum` lists for this version: ip, udp and tcp
 * are off by default; ICMP and ICMPv6 have no preference and are always checked.
 * A bad checksum is counted from the expert information, whose group is PI_CHECKSUM for
 * every protocol (epan/proto.h); the `ip.checksum.status` style fields say the same per
 * protocol (0 Bad, 1 Good, 2 Unverified) and are there for `tsharkFields`. Malformed
 * packets are those carrying the `_ws.malformed` pseudo-protocol. Not covered: reading
 * a file tshark calls cut short (it exits non-zero, so this throws). tshark is a declared
 * system dependency (scripts/system-deps.mjs), so a missing tshark fails, never skips.
 */
import { spawnSync } from 'node:child_process';

/** Where Debian's tshark package installs the program. */
export const TSHARK = '/usr/bin/tshark';

/** `-o` preferences that switch on checksum validation (off by default in Wireshark 4.0). */
export const TSHARK_CHECKSUM_PREFS: readonly string[] = [
  '-o',
  'ip.check_checksum:TRUE',
  '-o',
  'udp.check_checksum:TRUE',
  '-o',
  'tcp.check_checksum:TRUE',
];

/** The expert-information group of checksum errors, PI_CHECKSUM in Wireshark's epan/proto.h. */
export const PI_CHECKSUM = 0x01000000;

/** What tshark found in a file. */
export interface TsharkCheck {
  readonly packets: number;
  /** Packets that tshark marks `_ws.malformed`. */
  readonly malformed: number;
  /** Checksum errors in the expert information: one per header with a bad checksum. */
  readonly badChecksums: number;
  /** One line per packet: number, relative time, source → destination, protocol, length, info. */
  readonly summaries: string[];
}

/**
 * Name-service dissectors that would read a probe's plain-text request on udp/53, 5353
 * or 5355 as a malformed DNS message. twinnet's services speak their own one-line
 * protocol on whatever port a scenario gives them, so these dissectors are turned off:
 * the check is about the frames (Ethernet, IPv4, ICMP, UDP, TCP), not about payloads.
 */
export const TSHARK_DISABLED_PROTOCOLS: readonly string[] = ['dns', 'mdns', 'llmnr', 'nbns'];

/** tshark failed; the message holds the argv, exit code and stderr. */
export class TsharkError extends Error {
  constructor(
    readonly argv: readonly string[],
    readonly status: number | null,
    readonly stderr: string,
  ) {
    super(`tshark failed (exit ${status ?? 'none'}): ${[TSHARK, ...argv].join(' ')}\n${stderr.trim()}`);
    this.name = 'TsharkError';
  }
}

/** Columns of tshark's summary line, then the checks; Info goes last as it may hold tabs. */
const CHECK_FIELDS = [
  '_ws.col.No.',
  '_ws.col.Time',
  '_ws.col.Source',
  '_ws.col.Destination',
  '_ws.col.Protocol',
  '_ws.col.Length',
  '_ws.malformed',
  '_ws.expert.group',
  '_ws.col.Info',
];

/** Reads a file with checksum validation on; counts packets, malformed ones and bad checksums. */
export function tsharkCheck(file: string): TsharkCheck {
  const rows = tsharkFields(file, CHECK_FIELDS);
  let malformed = 0;
  let badChecksums = 0;
  const summaries = rows.map(([no, time, src, dst, proto, len, bad, groups, info]) => {
    if (bad !== undefined && bad !== '') malformed += 1;
    badChecksums += (groups ?? '').split(',').filter((g) => g !== '' && Number(g) === PI_CHECKSUM).length;
    return `${no} ${time} ${src} → ${dst} ${proto} ${len} ${info}`;
  });
  return { packets: rows.length, malformed, badChecksums, summaries };
}

/** One row per packet with the value of each field (several occurrences joined by commas). */
export function tsharkFields(file: string, fields: readonly string[]): string[][] {
  const argv = [
    '-r',
    file,
    '-n',
    ...TSHARK_CHECKSUM_PREFS,
    ...TSHARK_DISABLED_PROTOCOLS.flatMap((p) => ['--disable-protocol', p]),
    '-T',
    'fields',
    '-E',
    'separator=/t',
    '-E',
    'occurrence=a',
    '-E',
    'aggregator=,',
    ...fields.flatMap((f) => ['-e', f]),
  ];
  const out = runTshark(argv);
  return out
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => splitRow(line, fields.length));
}

/** Splits a tab-separated row into `n` values, keeping tabs inside the last one. */
function splitRow(line: string, n: number): string[] {
  const parts = line.split('\t');
  return parts.length <= n ? parts : [...parts.slice(0, n - 1), parts.slice(n - 1).join('\t')];
}

/** Runs tshark with `argv` and returns its stdout; throws TsharkError unless it exits 0. */
function runTshark(argv: readonly string[]): string {
  const r = spawnSync(TSHARK, argv, {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, LC_ALL: 'C.UTF-8' },
  });
  if (r.error !== undefined) throw new TsharkError(argv, null, `${r.error.message}\n${r.stderr ?? ''}`);
  if (r.status !== 0) throw new TsharkError(argv, r.status, r.stderr);
  return r.stdout;
}
