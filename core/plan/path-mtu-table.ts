/**
 * The path-MTU table `twinnet plan` prints: for each pair of containers that share a
 * network (a bridge network or an overlay; not docker_gwbridge, where ICC is off), the
 * largest packet that passes between them whole, as `path-mtu.ts` traces it in both
 * directions, and a note where the sender's largest packet would not pass. On an overlay
 * that is min(overlay MTU, smallest underlay MTU on the path between the tunnel
 * endpoints - 50), since the underlay's devices count with VXLAN's 50 bytes taken off.
 *
 * Only the containers' first endpoints count (the state before the timeline starts).
 *
 * The table grows with the square of a network's containers (10,000 containers make
 * millions of pairs), so above PATH_MTU_LIST_MAX pairs `twinnet plan` prints a summary
 * (pathMtuSummary): the members of a network are grouped by how their end of a path is
 * built (the namespace on the far side of their veth, that is the Docker host or the
 * overlay's namespace on it; the MTUs of both ends of the veth; their routes), one pair
 * is traced per two groups, and the line says how many pairs it stands for. Two pairs
 * from the same two groups cross devices of the same MTUs: they differ only in their own
 * veth pairs, whose MTUs are part of the group.
 */
import { formatIpv4 } from '../addr.js';
import { VXLAN_OVERHEAD } from '../scenario/defaults.js';
import type { ContainerModel, NetworkModel, ScenarioModel } from '../scenario/model.js';
import { pathMtuOf, tracePath, type Crossing, type PathMtu } from './path-mtu.js';
import { planIndex } from './plan-index.js';
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

/**
 * Up to this many pairs `twinnet plan` lists every pair; above it, the summary
 * (`--path-mtu all` lists them all anyway). 1,000 lines is already more than a person
 * reads, and every bundled scenario stays well under it.
 */
export const PATH_MTU_LIST_MAX = 1000;

/** Every pair of containers that share a network, in file order. */
export function pathMtuTable(m: ScenarioModel, plan: Plan): PathMtuRow[] {
  const rows: PathMtuRow[] = [];
  for (const { n, members } of networkMembers(m)) {
    members.forEach((a, i) => members.slice(i + 1).forEach((b) => rows.push(pairRow(plan, n, a, b))));
  }
  return rows;
}

/** How many rows pathMtuTable would have, without tracing any. */
export function pathMtuPairCount(m: ScenarioModel): number {
  return networkMembers(m).reduce((sum, { members }) => sum + (members.length * (members.length - 1)) / 2, 0);
}

/** The containers on each network the table covers (not docker_gwbridge), in file order. */
function networkMembers(m: ScenarioModel): { n: NetworkModel; members: ContainerModel[] }[] {
  const byKey = new Map(
    m.networks.filter((x) => x.gwBridge !== true).map((n) => [n.key, { n, members: [] as ContainerModel[] }]),
  );
  for (const c of m.containers) {
    if (c.mode !== 'bridge') continue;
    // A container is a member once per network, however many endpoints name it.
    for (const key of new Set(c.endpoints.map((e) => e.network))) byKey.get(key)?.members.push(c);
  }
  return [...byKey.values()];
}

/** Pairs from two groups of a network's members (see the header): one traced pair stands for all. */
export interface PathMtuGroupRow {
  readonly network: string;
  /** Where the two groups' veths lead (the Docker host, or the overlay's namespace on it), in byte order. */
  readonly ends: readonly [string, string];
  readonly pairs: number;
  /** The pair traced, in file order. */
  readonly example: readonly [string, string];
  readonly mtu?: number;
  readonly note: string;
}

export interface PathMtuSummary {
  readonly pairs: number;
  readonly groups: readonly PathMtuGroupRow[];
}

/**
 * The table summarised: per network, per two groups of members, one traced pair and how
 * many pairs it stands for; rows that fit and share network, ends and MTU are merged.
 * Linear in the containers (one trace per two groups).
 */
export function pathMtuSummary(m: ScenarioModel, plan: Plan): PathMtuSummary {
  const out: PathMtuGroupRow[] = [];
  let pairs = 0;
  for (const { n, members } of networkMembers(m)) {
    const groups = groupMembers(plan, n, members);
    groups.forEach((g, i) => {
      for (const h of groups.slice(i)) {
        const count = g === h ? (g.members.length * (g.members.length - 1)) / 2 : g.members.length * h.members.length;
        if (count === 0) continue;
        pairs += count;
        const [a, b] = g === h ? [g.members[0], g.members[1]] : [g.members[0], h.members[0]];
        if (a === undefined || b === undefined) continue;
        const [x, y] = m.containers.indexOf(a) <= m.containers.indexOf(b) ? [a, b] : [b, a];
        const row = pairRow(plan, n, x, y);
        const ends: [string, string] = g.end <= h.end ? [g.end, h.end] : [h.end, g.end];
        merge(out, {
          network: n.name,
          ends,
          pairs: count,
          example: [x.name, y.name],
          ...(row.mtu !== undefined && { mtu: row.mtu }),
          note: row.note,
        });
      }
    });
  }
  return { pairs, groups: out };
}

function merge(rows: PathMtuGroupRow[], r: PathMtuGroupRow): void {
  const same =
    r.note === ''
      ? rows.find(
          (x) =>
            x.note === '' &&
            x.network === r.network &&
            x.mtu === r.mtu &&
            x.ends[0] === r.ends[0] &&
            x.ends[1] === r.ends[1],
        )
      : undefined;
  if (same === undefined) rows.push(r);
  else rows[rows.indexOf(same)] = { ...same, pairs: same.pairs + r.pairs };
}

interface Group {
  readonly end: string;
  readonly members: ContainerModel[];
}

/** A network's members grouped by how their end of a path is built, in order of first member. */
function groupMembers(plan: Plan, n: NetworkModel, members: readonly ContainerModel[]): Group[] {
  const ix = planIndex(plan);
  const groups = new Map<string, Group>();
  for (const c of members) {
    const e = c.endpoints.find((x) => x.network === n.key);
    const ns = ix.namespaces.get(c.namespace);
    const eth = e === undefined ? undefined : ns?.byName.get(e.ifname);
    const peer = eth?.peer === undefined ? undefined : ix.namespaces.get(eth.peer.ns)?.byName.get(eth.peer.name);
    const end = eth?.peer?.ns ?? c.host;
    const routes = (ns?.plan.routes ?? []).map((r) => `${r.dst} ${r.via ?? ''} ${r.dev} ${r.metric}`).join(';');
    const key = [end, eth?.name, eth?.mtu, peer?.name === undefined ? '' : 'peer', peer?.mtu, routes].join('|');
    const g = groups.get(key) ?? { end, members: [] };
    g.members.push(c);
    groups.set(key, g);
  }
  return [...groups.values()];
}

function pairRow(plan: Plan, n: NetworkModel, a: ContainerModel, b: ContainerModel): PathMtuRow {
  const ways = [direction(plan, n, a, b), direction(plan, n, b, a)];
  const failed = ways.find((w) => 'reason' in w);
  if (failed !== undefined && 'reason' in failed)
    return { a: a.name, b: b.name, network: n.name, note: `no path: ${failed.reason}` };
  const [ab, ba] = ways as { from: string; v: PathMtu }[];
  if (ab === undefined || ba === undefined) return { a: a.name, b: b.name, network: n.name, note: 'no path' };
  const worst =
    ba.v.mtu < ab.v.mtu || (ba.v.mtu === ab.v.mtu && ba.v.fate !== 'fits' && ab.v.fate === 'fits') ? ba : ab;
  return {
    a: a.name,
    b: b.name,
    network: n.name,
    mtu: worst.v.mtu,
    note: worst.v.fate === 'fits' ? '' : fateNote(worst.from, worst.v),
  };
}

function direction(
  plan: Plan,
  n: NetworkModel,
  from: ContainerModel,
  to: ContainerModel,
): { from: string; v: PathMtu } | { reason: string } {
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
    const how =
      v.fate === 'dropped' ? 'which is dropped there' : 'which is fragmented there (VXLAN sets no DF on outer packets)';
    return `a ${v.sent}-byte packet from ${from} becomes a ${outer}-byte VXLAN packet, over the underlay's MTU ${v.limit.mtu + VXLAN_OVERHEAD} at ${at}, ${how}`;
  }
  if (v.fate === 'dropped')
    return `a ${v.sent}-byte packet from ${from} is dropped at ${at} (MTU ${v.limit.mtu}); nothing on the way fragments it or reports it`;
  return `a ${v.sent}-byte packet from ${from} is fragmented at ${at} (MTU ${v.limit.mtu}), or refused there with ICMP "fragmentation needed" if it has DF set`;
}

function where(c: Crossing): string {
  return `${c.ns}:${c.dev}`;
}
