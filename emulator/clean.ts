/**
 * Removing what killed runs left behind, by ownership marker only (architecture, firm
 * decision 6): namespaces whose names carry a twinnet marker (`tn` + four characters +
 * `-`), the processes still running inside them (found by the namespace's inode in
 * /proc/PID/ns/net, ended by pid), and the runs' temporary capture folders. Nothing
 * else is touched: not other namespaces, not the root namespace, not processes outside
 * twinnet's namespaces.
 */
import { readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './exec.js';
import { markerOf, RUN_DIR_PREFIX } from './names.js';

export interface CleanReport {
  readonly namespaces: string[];
  readonly pids: number[];
  readonly folders: string[];
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

/** The markers of every twinnet run with a namespace on this machine, so a new run takes another. */
export function markersInUse(): Set<string> {
  return new Set(ownedNamespaces().map(markerOf).filter((m): m is string => m !== undefined));
}

/** Pids of processes whose network namespace is one of `namespaces`. */
export function processesIn(namespaces: readonly string[]): number[] {
  const inodes = new Set(namespaces.map((n) => `net:[${statSync(join('/run/netns', n)).ino}]`));
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

/** Removes leftovers of one run (marker) or of every twinnet run. */
export async function clean(marker?: string): Promise<CleanReport> {
  const namespaces = ownedNamespaces(marker);
  const pids = namespaces.length === 0 ? [] : processesIn(namespaces);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (namespaces.length > 0) await run(['ip', '-force', '-batch', '-'], { stdin: namespaces.map((n) => `netns del ${n}\n`).join(''), okCodes: [0, 1] });
  const folders = readdirSync(tmpdir()).filter((f) => new RegExp(`^${RUN_DIR_PREFIX}${marker ?? '[a-z0-9]{4}'}-`).test(f)).map((f) => join(tmpdir(), f));
  for (const f of folders) rmSync(f, { recursive: true, force: true });
  return { namespaces, pids, folders };
}
