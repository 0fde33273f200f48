/**
 * Faults of the timeline on real namespaces: a link goes down or up (`ip link set` on
 * the far end of the cable, so the near end loses carrier), an impairment changes
 * (impair.ts decides how), a container is connected to or disconnected from a network
 * (the veth pair, addresses and routes the plan's state change lists).
 */
import { configureLink, createLink, routeArgs, type Arg } from '../core/plan/commands.js';
import type { ActionPlan, NamespacePlan, StateChange } from '../core/plan/types.js';
import { run } from './exec.js';
import type { RunNames } from './names.js';

/** Sets the far ends of the cables down or up. */
export async function setLinks(names: RunNames, a: Extract<ActionPlan, { kind: 'link-down' | 'link-up' }>): Promise<void> {
  const byNs = groupBy(a.ends, (e) => e.ns);
  await Promise.all([...byNs].map(([ns, ends]) => batch(names, ns, ends.map((e) => ['link', 'set', 'dev', e.dev, a.kind === 'link-down' ? 'down' : 'up']))));
}

/** Applies a connect or disconnect: remove, create, configure, route, in that order. */
export async function applyChange(names: RunNames, change: StateChange): Promise<void> {
  for (const [ns, devs] of groupBy(change.removeInterfaces, (d) => d.ns)) await batch(names, ns, devs.map((d) => ['link', 'del', 'dev', d.dev]));
  const added = groupBy(change.addInterfaces, (a) => a.ns);
  const creators = new Set<string>();
  const creatorNs = change.addInterfaces[0]?.ns;
  for (const a of change.addInterfaces) if (a.ns === creatorNs) creators.add(`${a.ns}/${a.iface.name}`);
  for (const [ns, items] of added) {
    const fake = { id: ns, interfaces: items.map((i) => i.iface) } as unknown as NamespacePlan;
    const lines: Arg[][] = [
      ...items.flatMap((i) => createLink(fake, i.iface, creators)),
      ...items.flatMap((i) => [...configureLink(i.iface), ['link', 'set', 'dev', i.iface.name, 'alias', names.alias]]),
      ...items.flatMap((i) => i.iface.addresses.map((addr) => ['address', 'add', addr, 'dev', i.iface.name])),
    ];
    await batch(names, ns, lines);
  }
  for (const [ns, rs] of groupBy(change.removeRoutes, (r) => r.ns)) await batch(names, ns, rs.map((r) => ['route', 'del', ...routeArgs(r.route).slice(2)]), true);
  for (const [ns, rs] of groupBy(change.addRoutes.filter((r) => r.route.proto !== 'kernel'), (r) => r.ns)) await batch(names, ns, rs.map((r) => routeArgs(r.route)));
}

async function batch(names: RunNames, ns: string, lines: readonly (readonly Arg[])[], force = false): Promise<void> {
  if (lines.length === 0) return;
  const text = lines.map((l) => `${l.map((x) => (typeof x === 'string' ? x : names.ns(x.ns))).join(' ')}\n`).join('');
  await run(['ip', ...(force ? ['-force'] : []), '-n', names.ns(ns), '-batch', '-'], { stdin: text, ...(force && { okCodes: [0, 1] }) });
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
