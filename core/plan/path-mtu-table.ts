/**
 * The path-MTU table `twinnet plan` prints: for each pair of containers that share a
 * network (a bridge network or an overlay; not docker_gwbridge, where ICC is off), the
 * largest packet that passes between them whole, as `path-mtu.ts` traces it in both
 * directions, and a note where the sender's largest packet would not pass. On an overlay
 * that is min(overlay MTU, smallest underlay MTU on the path between the tunnel
 * endpoints - 50), since the underlay's devices count with VXLAN's 50 bytes taken off.
 *
 * Only the containers' first endpoints count (the state before the timeline starts).
 */
import { formatIpv4 } from '../addr.js';
import { VXLAN_OVERHEAD } from '../scenario/defaults.js';
import type { ContainerModel, NetworkModel, ScenarioModel } from '../scenario/model.js';
import { pathMtuOf, tracePath, type Crossing, type PathMtu } from './path-mtu.js';
import type { Plan } from './types.js';

/** One pair of containers on one network. */
export interface PathMtuRow {
  readonly a: string;
  readonly b: string;
  readonly network: string;
  /** The smaller of the two directions' path MTUs; undefined when there is no path. */
  readonly mtu?: number;
  /** Empty when the sender's largest packet passes; else what happens to it, or why there is no path. */
  readonly note: string;
}

/** Every pair of containers that share a network, in file order. */
export function pathMtuTable(m: ScenarioModel, plan: Plan): PathMtuRow[] {
  const rows: PathMtuRow[] = [];
  for (const n of m.networks.filter((x) => x.gwBridge !== true)) {
    const members = m.containers.filter((c) => c.mode === 'bridge' && c.endpoints.some((e) => e.network === n.key));
    members.forEach((a, i) => members.slice(i + 1).forEach((b) => rows.push(pairRow(plan, n, a, b))));
  }
  return rows;
}

function pairRow(plan: Plan, n: NetworkModel, a: ContainerModel, b: ContainerModel): PathMtuRow {
  const ways = [direction(plan, n, a, b), direction(plan, n, b, a)];
  const failed = ways.find((w) => 'reason' in w);
  if (failed !== undefined && 'reason' in failed) return { a: a.name, b: b.name, network: n.name, note: `no path: ${failed.reason}` };
  const [ab, ba] = ways as { from: string; v: PathMtu }[];
  if (ab === undefined || ba === undefined) return { a: a.name, b: b.name, network: n.name, note: 'no path' };
  const worst = ba.v.mtu < ab.v.mtu || (ba.v.mtu === ab.v.mtu && ba.v.fate !== 'fits' && ab.v.fate === 'fits') ? ba : ab;
  return { a: a.name, b: b.name, network: n.name, mtu: worst.v.mtu, note: worst.v.fate === 'fits' ? '' : fateNote(worst.from, worst.v) };
}

function direction(plan: Plan, n: NetworkModel, from: ContainerModel, to: ContainerModel): { from: string; v: PathMtu } | { reason: string } {
  const e = to.endpoints.find((x) => x.network === n.key);
  if (e === undefined) return { reason: `${to.name} is not on ${n.name}` };
  const t = tracePath(plan, from.name, formatIpv4(e.address.addr));
  if (!t.ok) return { reason: t.reason };
  const v = pathMtuOf(t.crossings);
  return v === undefined ? { reason: `${to.name}'s address is ${from.name}'s own` } : { from: from.name, v };
}

/** What happens to the sender's largest packet, in words. */
export function fateNote(from: string, v: PathMtu): string {
  const at = where(v.limit);
  if (v.limit.tunnel !== undefined) {
    const outer = v.sent + VXLAN_OVERHEAD;
    const how = v.fate === 'dropped' ? 'which is dropped there' : 'which is fragmented there (VXLAN sets no DF on outer packets)';
    return `a ${v.sent}-byte packet from ${from} becomes a ${outer}-byte VXLAN packet, over the underlay's MTU ${v.limit.mtu + VXLAN_OVERHEAD} at ${at}, ${how}`;
  }
  if (v.fate === 'dropped') return `a ${v.sent}-byte packet from ${from} is dropped at ${at} (MTU ${v.limit.mtu}); nothing on the way fragments it or reports it`;
  return `a ${v.sent}-byte packet from ${from} is fragmented at ${at} (MTU ${v.limit.mtu}), or refused there with ICMP "fragmentation needed" if it has DF set`;
}

function where(c: Crossing): string {
  return `${c.ns}:${c.dev}`;
}
