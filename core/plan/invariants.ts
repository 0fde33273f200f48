/**
 * Internal consistency of a plan: what any compiled plan must satisfy for an engine to
 * build it. A violation is a bug in the compile step, never a user error (user errors
 * are caught by validation first); tests assert there are none for every scenario and
 * for generated ones.
 */
import { cidrContains, parseCidr, parseIfAddr, parseIpv4, subnetOf } from '../addr.js';
import { IFNAME_MAX } from '../scenario/schema/common.js';
import type { NamespacePlan, Plan } from './types.js';

/** Every violation found, as sentences; empty when the plan is consistent. */
export function planViolations(plan: Plan): string[] {
  const out: string[] = [];
  const byId = new Map<string, NamespacePlan>();
  for (const ns of plan.namespaces) {
    if (byId.has(ns.id)) out.push(`namespace ${ns.id} appears twice`);
    byId.set(ns.id, ns);
  }
  for (const ns of plan.namespaces) out.push(...namespaceViolations(ns, byId));
  const has = (ref: { ns: string; dev: string }) => byId.get(ref.ns)?.interfaces.some((i) => i.name === ref.dev) === true;
  for (const t of plan.timeline) {
    const a = t.action;
    if ('ns' in a && !byId.has(a.ns)) out.push(`timeline ${t.name}: no namespace ${a.ns}`);
    if (a.kind === 'link-down' || a.kind === 'link-up') a.ends.filter((e) => !has(e)).forEach((e) => out.push(`timeline ${t.name}: no device ${e.ns}:${e.dev}`));
  }
  plan.capture.filter((c) => !has(c)).forEach((c) => out.push(`capture: no device ${c.ns}:${c.dev}`));
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
    if (i.name.length > IFNAME_MAX && i.kind !== 'loopback') out.push(`${where} is longer than ${IFNAME_MAX} characters`);
    if (i.mac !== undefined && macs.has(i.mac)) out.push(`${where} repeats MAC ${i.mac} in its namespace`);
    if (i.mac !== undefined) macs.add(i.mac);
    if (i.master !== undefined && ns.interfaces.find((b) => b.name === i.master)?.kind !== 'bridge') out.push(`${where}: master ${i.master} is not a bridge here`);
    if (i.kind === 'veth') {
      const peer = i.peer === undefined ? undefined : byId.get(i.peer.ns)?.interfaces.find((p) => p.name === i.peer?.name);
      if (peer === undefined) out.push(`${where}: veth peer ${i.peer?.ns}:${i.peer?.name} does not exist`);
      else if (peer.peer?.ns !== ns.id || peer.peer.name !== i.name) out.push(`${where}: veth peer does not point back`);
    }
    for (const a of i.addresses) if (parseIfAddr(a) === undefined) out.push(`${where}: bad address ${a}`);
  }
  const connected = ns.interfaces.flatMap((i) => i.addresses.map((a) => ({ dev: i.name, subnet: subnetOf(parseIfAddr(a) ?? { addr: 0, len: 32 }) })));
  for (const r of ns.routes) {
    if (!names.has(r.dev)) out.push(`${ns.id}: route ${r.dst} uses missing device ${r.dev}`);
    if (r.dst !== 'default' && parseCidr(r.dst) === undefined) out.push(`${ns.id}: route destination ${r.dst} is not a prefix`);
    const via = r.via === undefined ? undefined : parseIpv4(r.via);
    if (via !== undefined && !connected.some((c) => c.dev === r.dev && cidrContains(c.subnet, via))) out.push(`${ns.id}: gateway ${r.via} is not on ${r.dev}'s subnets`);
  }
  return out;
}
