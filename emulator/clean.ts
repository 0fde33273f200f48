/**
 * Removing what killed runs left behind, by ownership marker only (architecture, firm
 * decision 6): namespaces whose names carry a twinnet marker (`tn` + four characters +
 * `-`), the processes still running inside them (found by the namespace's inode in
 * /proc/PID/ns/net, ended by pid), the runs' temporary capture folders and their owner
 * records (owner.ts). A run whose owning process is alive is a live run, not a leftover:
 * it is left alone and reported, unless forced. Nothing else is touched: not other
 * namespaces, not the root namespace, not processes outside twinnet's namespaces.
 */
import { existsSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.js';
import { MARKER_LEN, markerOf, RUN_DIR_PREFIX } from './names.js';
import { commandLine, ownerAlive, ownerOf, recordedMarkers, releaseMarker } from './owner.js';

export interface CleanReport {
  readonly namespaces: string[];
  readonly pids: number[];
  readonly folders: string[];
  /** Runs left alone because their owner is alive (never with `force`). */
  readonly skipped: SkippedRun[];
}

/** Twinnet namespaces on this machine, of one run (marker) or of all. */
export function ownedNamespaces(marker?: string): string[] {
  let names: string[] = [];
  try {
    names = readdirSync('/run/netns');
  } catch {
    return [];
  }
  return names.filter((n) => {
    const m = markerOf(n);
    return m !== undefined && (marker === undefined || m === marker);
  });
}

/** The markers of every twinnet run with a namespace or an owner record on this machine, so a new run takes another. */
export function markersInUse(): Set<string> {
  return new Set([
    ...ownedNamespaces()
      .map(markerOf)
      .filter((m): m is string => m !== undefined),
    ...recordedMarkers(),
  ]);
}

/** Pids of processes whose network namespace is one of `namespaces`. */
export function processesIn(namespaces: readonly string[]): number[] {
  const inodes = new Set(
    namespaces.flatMap((n) => {
      try {
        return [`net:[${statSync(join('/run/netns', n)).ino}]`];
      } catch {
        return []; // already deleted
      }
    }),
  );
  if (inodes.size === 0) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (inodes.has(readlinkSync(`/proc/${entry}/ns/net`))) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}

/** A run `clean` left alone, and why. */
export interface SkippedRun {
  readonly marker: string;
  readonly pid: number;
  /** The owner's command line, for the message. */
  readonly command: string;
}

export interface CleanOptions {
  /** Remove runs whose owner is alive too. */
  readonly force?: boolean;
}

/**
 * Removes what runs left: of one run (marker) or of every twinnet run on this machine,
 * except runs whose owning process is alive (owner.ts), unless `force`. A run with no
 * owner record (left by a twinnet before records, or by hand) counts as ownerless.
 */
export async function clean(marker?: string, opts: CleanOptions = {}): Promise<CleanReport> {
  const folderRe = new RegExp(`^${RUN_DIR_PREFIX}(${marker ?? `[a-z0-9]{${MARKER_LEN}}`})-`);
  const tmpFolders = readdirSync(tmpdir()).flatMap((f) => {
    const m = folderRe.exec(f)?.[1];
    return m === undefined ? [] : [{ marker: m, path: join(tmpdir(), f) }];
  });
  const all = ownedNamespaces(marker);
  const markers = new Set(
    [...all.map(markerOf), ...recordedMarkers(), ...tmpFolders.map((f) => f.marker)].filter(
      (m): m is string => m !== undefined && (marker === undefined || m === marker),
    ),
  );
  const skipped: SkippedRun[] = [];
  const gone = new Set<string>();
  for (const m of markers) {
    const owner = ownerOf(m);
    if (owner !== undefined && opts.force !== true && ownerAlive(owner))
      skipped.push({ marker: m, pid: owner.pid, command: commandLine(owner.pid) });
    else gone.add(m);
  }
  const namespaces = all.filter((n) => gone.has(markerOf(n) as string));
  const pids = processesIn(namespaces);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (namespaces.length > 0)
    await run(['ip', '-force', '-batch', '-'], {
      stdin: namespaces.map((n) => `netns del ${n}\n`).join(''),
      okCodes: [0, 1],
    });
  const recorded = [...gone].flatMap((m) => ownerOf(m)?.folder ?? []);
  const folders = [
    ...new Set([...tmpFolders.filter((f) => gone.has(f.marker)).map((f) => f.path), ...recorded]),
  ].filter((f) => existsSync(f));
  for (const f of folders) rmSync(f, { recursive: true, force: true });
  for (const m of gone) releaseMarker(m);
  return { namespaces, pids, folders, skipped };
}
