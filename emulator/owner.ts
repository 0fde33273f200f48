/**
 * Who owns a run marker: each run records, before it makes anything, the process that
 * runs it, as its pid and that process's start time (field 22 of /proc/PID/stat,
 * proc(5): clock ticks since boot), in `/run/twinnet/MARKER.json`; the file also names
 * the run's temporary folder once there is one. A pid alone is not an identity (pids are
 * reused); a pid with its start time is. `twinnet clean` leaves a run alone while its
 * owner lives. The record is created exclusively (O_EXCL), so two runs starting at once
 * can never take the same marker. /run is a tmpfs emptied at boot, as /run/netns is, so
 * records and namespaces go together. What it leaves out: a process in another pid
 * namespace than `twinnet clean`'s is seen as dead.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MARKER_LEN, newMarker } from './names.js';

/** Where runs record their owners (a tmpfs, as /run/netns). */
export const OWNER_DIR = '/run/twinnet';

/** The process that owns a run, and what it left to find. */
export interface Owner {
  readonly pid: number;
  /** Field 22 of /proc/PID/stat when the run began. */
  readonly start: string;
  /** The run's temporary folder, once it has one. */
  readonly folder?: string;
}

/** A process's start time (field 22 of /proc/PID/stat), or undefined when there is no such process. */
export function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Field 2 (comm) is in parentheses and may hold spaces and ')': fields 3 on follow the last ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return rest[22 - 3];
}

/** Whether the process recorded as an owner still runs (the same pid with the same start time). */
export function ownerAlive(o: Owner): boolean {
  return processStart(o.pid) === o.start;
}

/** The command line of a process, for messages ('' when it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      .split('\0')
      .filter((a) => a !== '')
      .join(' ');
  } catch {
    return '';
  }
}

function recordFile(marker: string): string {
  return join(OWNER_DIR, `${marker}.json`);
}

/** The recorded owner of a marker, if any. */
export function ownerOf(marker: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(recordFile(marker), 'utf8')) as Owner;
  } catch {
    return undefined;
  }
}

/** Markers that have an owner record. */
export function recordedMarkers(): string[] {
  try {
    const re = new RegExp(`^([a-z0-9]{${MARKER_LEN}})\\.json$`);
    return readdirSync(OWNER_DIR).flatMap((f) => re.exec(f)?.[1] ?? []);
  } catch {
    return [];
  }
}

/**
 * Takes a marker that no namespace and no record uses, recorded as owned by process
 * `pid` (this one by default), and returns it.
 */
export function claimMarker(taken: ReadonlySet<string>, pid = process.pid): string {
  mkdirSync(OWNER_DIR, { recursive: true, mode: 0o755 });
  const start = processStart(pid);
  if (start === undefined) throw new Error(`internal: no process ${pid} to own a run`);
  for (;;) {
    const marker = newMarker(new Set([...taken, ...recordedMarkers()]));
    try {
      writeFileSync(recordFile(marker), `${JSON.stringify({ pid, start })}\n`, { flag: 'wx' });
      return marker;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Adds the run's temporary folder to its record, so that `clean` finds it wherever TMPDIR was. */
export function recordFolder(marker: string, folder: string): void {
  const o = ownerOf(marker);
  if (o !== undefined) writeFileSync(recordFile(marker), `${JSON.stringify({ ...o, folder })}\n`);
}

/** Removes a marker's record (the run is over, or cleaned). */
export function releaseMarker(marker: string): void {
  rmSync(recordFile(marker), { force: true });
}
