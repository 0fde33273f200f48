/**
 * Withdrawing static forwarding (FDB) and neighbour entries, as the overlay control
 * plane does at run time (Docker's peerdb: per remote endpoint,
 * `bridge fdb ... dev vxlan0 dst HOST self permanent` and
 * `ip neigh ... dev vxlan0 lladdr MAC PERMANENT`, docker-semantics.md 6(h)), and the
 * entries as messages print them. Adding them is the plan's (core/plan/commands.ts
 * `fdbArgs`, `neighbourArgs`: `fdb append`, `neigh replace`, both idempotent). Removing
 * names the exact entry, so that withdrawing one flooding destination of the all-zeros
 * MAC leaves the others.
 *
 * Every plan entry is a device's own (`self`) entry, as the plan renders them; the
 * plan's `master` field is not used.
 */
import type { FdbPlan, NeighbourPlan } from '../core/plan/types.js';

/** bridge(8) arguments that remove an FDB entry (with `dst`: only that destination of it). */
export function fdbDelArgs(f: FdbPlan): string[] {
  return ['fdb', 'del', f.mac, 'dev', f.dev, ...(f.dst === undefined ? [] : ['dst', f.dst]), 'self'];
}

/** ip-neighbour(8) arguments that remove an entry. */
export function neighDelArgs(n: NeighbourPlan): string[] {
  return ['neigh', 'del', n.address, 'dev', n.dev];
}

/** An FDB entry as bridge(8) prints it, for messages. */
export function fdbText(f: { mac: string; dev: string; dst?: string | undefined }): string {
  return `fdb ${f.mac} dev ${f.dev}${f.dst === undefined ? '' : ` dst ${f.dst}`} self permanent`;
}

/** A neighbour entry as ip-neighbour(8) prints it, for messages. */
export function neighText(n: { address: string; dev: string; lladdr: string }): string {
  return `neighbour ${n.address} dev ${n.dev} lladdr ${n.lladdr}`;
}
