/**
 * Internal consistency of a plan: what any compiled plan must satisfy for an engine to
 * build it. A violation is a bug in the compile step, never a user error (user errors
 * are caught by validation first); tests assert there are none for every scenario and
 * for generated ones.
 */
import { cidrContains, parseCidr, parseIfAddr, parseIpv4, parseMac, subnetOf } from '../addr.js';
import { DOCKER_GWBRIDGE } from '../scenario/defaults.js';
import { IFNAME_MAX, IFNAMSIZ_MAX } from '../scenario/schema/common.js';
import type { DeviceRef, NamespacePlan, Plan, StateChange, VxlanParams } from './types.js';

/**
 * Names Docker fixes that are longer than twinnet's own limit (which keeps room for a run
 * marker) but within Linux's: the emulator keeps device names as the plan gives them and
 * marks devices by alias (emulator/names.ts), so they fit.
 */
const DOCKER_FIXED_NAMES: ReadonlySet<string> = new Set([DOCKER_GWBRIDGE]);

/** Every violation found, as sentences; empty when the plan is consistent. */
export function planViolations(plan: Plan): string[] {
  const out: string[] = [];
  const byId = new Map<string, NamespacePlan>();
  for (const ns of plan.namespaces) {
    if (byId.has(ns.id)) out.push(`namespace ${ns.id} appears twice`);
    byId.set(ns.id, ns);
  }
  for (const ns of plan.namespaces) out.push(...namespaceViolations(ns, byId));
  out.push(...vxlanClashes(plan));
  const has = (ref: DeviceRef) => byId.get(ref.ns)?.interfaces.some((i) => i.name === ref.dev) === true;
  // Devices the timeline has added so far count as existing for later entries.
  const known = new Set(plan.namespaces.flatMap((n) => n.interfaces.map((i) => `${n.id}/${i.name}`)));
  for (const t of plan.timeline) {
    const a = t.action;
    if ('ns' in a && !byId.has(a.ns)) out.push(`timeline ${t.name}: no namespace ${a.ns}`);
    if (a.kind === 'link-down' || a.kind === 'link-up')
      a.ends
        .filter((e) => !known.has(`${e.ns}/${e.dev}`))
        .forEach((e) => out.push(`timeline ${t.name}: no device ${e.ns}:${e.dev}`));
    if ('change' in a) out.push(...changeViolations(t.name, a.change, byId, known));
  }
  plan.capture
    .filter((c) => !has(c) && !known.has(`${c.ns}/${c.dev}`))
    .forEach((c) => out.push(`capture: no device ${c.ns}:${c.dev}`));
  return out;
}

function namespaceViolations(ns: NamespacePlan, byId: Map<string, NamespacePlan>): string[] {
  const out: string[] = [];
  const names = new Set<string>();
  const macs = new Set<string>();
  for (const i of ns.interfaces) {
    const where = `${ns.id}:${i.name}`;
    if (names.has(i.name)) out.push(`${where} appears twice`);
    names.add(i.name);
    const limit = DOCKER_FIXED_NAMES.has(i.name) ? IFNAMSIZ_MAX : IFNAME_MAX;
    if (i.name.length > limit && i.kind !== 'loopback') out.push(`${where} is longer than ${limit} characters`);
    if (i.mac !== undefined && macs.has(i.mac)) out.push(`${where} repeats MAC ${i.mac} in its namespace`);
    if (i.mac !== undefined) macs.add(i.mac);
    if (i.master !== undefined && ns.interfaces.find((b) => b.name === i.master)?.kind !== 'bridge')
      out.push(`${where}: master ${i.master} is not a bridge here`);
    if (i.kind === 'veth') {
      const peer =
        i.peer === undefined ? undefined : byId.get(i.peer.ns)?.interfaces.find((p) => p.name === i.peer?.name);
      if (peer === undefined) out.push(`${where}: veth peer ${i.peer?.ns}:${i.peer?.name} does not exist`);
      else if (peer.peer?.ns !== ns.id || peer.peer.name !== i.name)
        out.push(`${where}: veth peer does not point back`);
    }
    if (i.kind === 'vxlan') out.push(...vxlanViolations(where, i.vxlan, byId));
    for (const a of i.addresses) if (parseIfAddr(a) === undefined) out.push(`${where}: bad address ${a}`);
  }
  const connected = ns.interfaces.flatMap((i) =>
    i.addresses.map((a) => ({ dev: i.name, subnet: subnetOf(parseIfAddr(a) ?? { addr: 0, len: 32 }) })),
  );
  for (const r of ns.routes) {
    if (!names.has(r.dev)) out.push(`${ns.id}: route ${r.dst} uses missing device ${r.dev}`);
    if (r.dst !== 'default' && parseCidr(r.dst) === undefined)
      out.push(`${ns.id}: route destination ${r.dst} is not a prefix`);
    const via = r.via === undefined ? undefined : parseIpv4(r.via);
    if (via !== undefined && !connected.some((c) => c.dev === r.dev && cidrContains(c.subnet, via)))
      out.push(`${ns.id}: gateway ${r.via} is not on ${r.dev}'s subnets`);
  }
  const kinds = new Map(ns.interfaces.map((i) => [i.name, i.kind]));
  ns.fdb.forEach((f) => out.push(...fdbViolations(ns.id, f, kinds.get(f.dev))));
  ns.neighbours.forEach((n) => out.push(...neighbourViolations(ns.id, n, kinds.has(n.dev))));
  return out;
}

function vxlanViolations(where: string, v: VxlanParams | undefined, byId: Map<string, NamespacePlan>): string[] {
  if (v === undefined) return [`${where}: a vxlan device without VXLAN parameters`];
  const out: string[] = [];
  if (!byId.has(v.underlayNs)) out.push(`${where}: underlay namespace ${v.underlayNs} does not exist`);
  if (!(v.vni >= 0 && v.vni <= 0xffffff)) out.push(`${where}: VNI ${v.vni} is outside 0-16777215`);
  if (!(v.dstPort >= 1 && v.dstPort <= 65535)) out.push(`${where}: bad UDP port ${v.dstPort}`);
  if (v.local !== undefined && parseIpv4(v.local) === undefined) out.push(`${where}: bad local address ${v.local}`);
  return out;
}

/**
 * Two VXLAN devices with one underlay, VNI, port and local address: the kernel refuses the second
 * (vxlan_vni_in_use).
 */
function vxlanClashes(plan: Plan): string[] {
  const seen = new Map<string, string>();
  const out: string[] = [];
  for (const ns of plan.namespaces) {
    for (const i of ns.interfaces) {
      const v = i.vxlan;
      if (i.kind !== 'vxlan' || v === undefined) continue;
      const key = `${v.underlayNs}/${v.vni}/${v.dstPort}/${v.local ?? ''}`;
      const prev = seen.get(key);
      if (prev !== undefined) out.push(`${ns.id}:${i.name} has the VNI, port and underlay of ${prev}`);
      seen.set(key, `${ns.id}:${i.name}`);
    }
  }
  return out;
}

function fdbViolations(ns: string, f: NamespacePlan['fdb'][number], kind: string | undefined): string[] {
  const out: string[] = [];
  if (kind === undefined) out.push(`${ns}: fdb entry ${f.mac} on missing device ${f.dev}`);
  if (parseMac(f.mac) === undefined) out.push(`${ns}: fdb entry has a bad MAC ${f.mac}`);
  if (kind === 'vxlan' && (f.dst === undefined || parseIpv4(f.dst) === undefined))
    out.push(`${ns}: fdb entry ${f.mac} on ${f.dev} needs a remote address (dst)`);
  if (kind !== undefined && kind !== 'vxlan' && f.dst !== undefined)
    out.push(`${ns}: fdb entry ${f.mac} has a dst, but ${f.dev} is no VXLAN device`);
  return out;
}

function neighbourViolations(ns: string, n: NamespacePlan['neighbours'][number], devExists: boolean): string[] {
  const out: string[] = [];
  if (!devExists) out.push(`${ns}: neighbour ${n.address} on missing device ${n.dev}`);
  if (parseIpv4(n.address) === undefined) out.push(`${ns}: neighbour has a bad address ${n.address}`);
  if (parseMac(n.lladdr) === undefined) out.push(`${ns}: neighbour ${n.address} has a bad MAC ${n.lladdr}`);
  return out;
}

/**
 * A run-time change may only touch namespaces of the plan, and FDB and neighbour entries of devices
 * that exist there (or that it adds).
 */
function changeViolations(
  name: string,
  c: StateChange,
  byId: Map<string, NamespacePlan>,
  known: Set<string>,
): string[] {
  const out: string[] = [];
  c.addInterfaces.forEach((a) => known.add(`${a.ns}/${a.iface.name}`));
  const exists = (ns: string, dev: string) => known.has(`${ns}/${dev}`);
  for (const a of c.addInterfaces)
    if (!byId.has(a.ns)) out.push(`timeline ${name}: adds ${a.iface.name} to missing namespace ${a.ns}`);
  const refs = [
    ...c.removeInterfaces.map((r) => ({ ...r, what: 'removes' })),
    ...[...(c.addFdb ?? []), ...(c.removeFdb ?? [])].map((f) => ({
      ns: f.ns,
      dev: f.fdb.dev,
      what: 'changes an fdb entry of',
    })),
    ...[...(c.addNeighbours ?? []), ...(c.removeNeighbours ?? [])].map((n) => ({
      ns: n.ns,
      dev: n.neighbour.dev,
      what: 'changes a neighbour of',
    })),
  ];
  for (const r of refs)
    if (!exists(r.ns, r.dev)) out.push(`timeline ${name}: ${r.what} missing device ${r.ns}:${r.dev}`);
  return out;
}
