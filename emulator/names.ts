/**
 * Names and ownership. Every run has a short marker (four characters of [a-z0-9]); the
 * real name of each plan namespace is `tn` + marker + `-` + its plan id, so a run owns
 * exactly the namespaces whose names start with its prefix, and `twinnet clean` finds
 * leftovers by that prefix alone (architecture, firm decision 6), leaving those of runs
 * whose owning process lives (owner.ts). Interfaces live only
 * inside those namespaces and keep the names the plan gives them (rules and routes
 * refer to them); each also carries the marker in its alias (`ip link set ... alias`).
 * Nothing is created in the root namespace but the namespaces themselves.
 */
import { randomInt } from 'node:crypto';

/** A run's temporary folder (captures) is `$TMPDIR/twinnet-run-MARKER-XXXXXX`. */
export const RUN_DIR_PREFIX = 'twinnet-run-';

/** Every twinnet namespace name starts with this. */
export const NS_PREFIX = 'tn';
const MARKER_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const MARKER_LEN = 4;
/** How a namespace name of any twinnet run looks. */
export const OWNED_NS_RE = new RegExp(`^${NS_PREFIX}([a-z0-9]{${MARKER_LEN}})-(.+)$`);

/** A fresh marker that no namespace on this machine uses yet. */
export function newMarker(taken: ReadonlySet<string>): string {
  for (;;) {
    const m = Array.from({ length: MARKER_LEN }, () => MARKER_CHARS[randomInt(MARKER_CHARS.length)]).join('');
    if (!taken.has(m)) return m;
  }
}

/** Names of one run. */
export class RunNames {
  constructor(readonly marker: string) {
    if (!new RegExp(`^[a-z0-9]{${MARKER_LEN}}$`).test(marker))
      throw new Error(`bad run marker ${JSON.stringify(marker)}`);
  }

  /** The real namespace name of a plan namespace id. */
  ns(id: string): string {
    return `${NS_PREFIX}${this.marker}-${id}`;
  }

  /** The alias every interface of this run carries. */
  get alias(): string {
    return `twinnet run ${this.marker}`;
  }

  /** The plan id of one of this run's namespace names (the inverse of `ns`). */
  id(nsName: string): string {
    if (!this.owns(nsName)) throw new Error(`internal: ${nsName} is not a namespace of run ${this.marker}`);
    return nsName.slice(`${NS_PREFIX}${this.marker}-`.length);
  }

  /** Whether a namespace name belongs to this run. */
  owns(nsName: string): boolean {
    return nsName.startsWith(`${NS_PREFIX}${this.marker}-`);
  }
}

/** The marker of a twinnet namespace name, or undefined when it is not one. */
export function markerOf(nsName: string): string | undefined {
  return OWNED_NS_RE.exec(nsName)?.[1];
}
