/**
 * Faults and changes of the timeline on real namespaces: a link goes down or up
 * (`ip link set` on the far end of the cable, so the near end loses carrier), an
 * impairment changes (impair.ts decides how), a container is connected to or
 * disconnected from a network (the veth pair, addresses and routes the plan's state
 * change lists), and the overlay control plane programs or withdraws a remote
 * endpoint's static FDB and neighbour entries (`program`, `unprogram`). Every change is
 * batched per namespace and tool; namespaces are changed in parallel within a step.
 */
import { configureLink, createLink, fdbArgs, neighbourArgs, routeArgs } from '../core/plan/commands.js';
import type { ActionPlan, NamespacePlan, StateChange } from '../core/plan/types.js';
import { runBatch } from './batch.js';
import type { RunNames } from './names.js';
import { fdbDelArgs, neighDelArgs } from './static-entries.js';
import { creatorLines, movesByCreator } from './vxlan.js';

/** Sets the far ends of the cables down or up. */
export async function setLinks(
  names: RunNames,
  a: Extract<ActionPlan, { kind: 'link-down' | 'link-up' }>,
): Promise<void> {
  const byNs = groupBy(a.ends, (e) => e.ns);
  await Promise.all(
    [...byNs].map(([ns, ends]) =>
      runBatch(
        'ip',
        names,
        ns,
        ends.map((e) => ['link', 'set', 'dev', e.dev, a.kind === 'link-down' ? 'down' : 'up']),
      ),
    ),
  );
}

/**
 * Applies a state change, in an order that never needs what is not there yet: the
 * entries it withdraws (before their devices may go), the devices it removes, the
 * devices it adds (vxlans first, by their underlay namespaces), the routes, and last the
 * FDB and neighbour entries it adds (which need their devices).
 */
export async function applyChange(names: RunNames, change: StateChange): Promise<void> {
  await Promise.all([
    perNamespace(change.removeNeighbours ?? [], (ns, xs) =>
      runBatch(
        'ip',
        names,
        ns,
        xs.map((x) => neighDelArgs(x.neighbour)),
      ),
    ),
    perNamespace(change.removeFdb ?? [], (ns, xs) =>
      runBatch(
        'bridge',
        names,
        ns,
        xs.map((x) => fdbDelArgs(x.fdb)),
      ),
    ),
  ]);
  for (const [ns, devs] of groupBy(change.removeInterfaces, (d) => d.ns))
    await runBatch(
      'ip',
      names,
      ns,
      devs.map((d) => ['link', 'del', 'dev', d.dev]),
    );
  await addInterfaces(names, change.addInterfaces);
  for (const [ns, rs] of groupBy(change.removeRoutes, (r) => r.ns))
    await runBatch(
      'ip',
      names,
      ns,
      rs.map((r) => ['route', 'del', ...routeArgs(r.route).slice(2)]),
      { force: true },
    );
  for (const [ns, rs] of groupBy(
    change.addRoutes.filter((r) => r.route.proto !== 'kernel'),
    (r) => r.ns,
  ))
    await runBatch(
      'ip',
      names,
      ns,
      rs.map((r) => routeArgs(r.route)),
    );
  await Promise.all([
    perNamespace(change.addFdb ?? [], (ns, xs) =>
      runBatch(
        'bridge',
        names,
        ns,
        xs.map((x) => fdbArgs(x.fdb)),
      ),
    ),
    perNamespace(change.addNeighbours ?? [], (ns, xs) =>
      runBatch(
        'ip',
        names,
        ns,
        xs.map((x) => neighbourArgs(x.neighbour)),
      ),
    ),
  ]);
}

/**
 * Creates and configures added devices: vxlans first, made by their underlay namespaces
 * and moved; then every new device, each veth pair made once, by the end listed first
 * (a connect adds a container's overlay leg and its docker_gwbridge leg, whose ends lie
 * in different pairs of namespaces); only then, when both ends of every pair exist, the
 * settings and addresses.
 */
async function addInterfaces(names: RunNames, items: StateChange['addInterfaces']): Promise<void> {
  await Promise.all(
    [...movesByCreator(items)].map(([maker, moves]) => runBatch('ip', names, maker, creatorLines(moves))),
  );
  const creators = pairCreators(items);
  const byNs = [...groupBy(items, (a) => a.ns)].map(([ns, added]) => ({
    ns,
    added,
    fake: { id: ns, interfaces: added.map((i) => i.iface) } as unknown as NamespacePlan,
  }));
  await Promise.all(
    byNs.map(({ ns, added, fake }) =>
      runBatch(
        'ip',
        names,
        ns,
        added.flatMap((i) => createLink(fake, i.iface, creators)),
      ),
    ),
  );
  await Promise.all(
    byNs.map(({ ns, added }) =>
      runBatch('ip', names, ns, [
        ...added.flatMap((i) => [
          ...configureLink(i.iface),
          ['link', 'set', 'dev', i.iface.name, 'alias', names.alias],
        ]),
        ...added.flatMap((i) => i.iface.addresses.map((addr) => ['address', 'add', addr, 'dev', i.iface.name])),
      ]),
    ),
  );
}

/** The veth ends that create their pairs: of two added ends, the one listed first; an end whose peer is not added. */
export function pairCreators(items: StateChange['addInterfaces']): Set<string> {
  const key = (ns: string, name: string) => `${ns}/${name}`;
  const order = new Map(items.map((a, k) => [key(a.ns, a.iface.name), k]));
  const creators = new Set<string>();
  items.forEach((a, k) => {
    const peer = a.iface.kind === 'veth' ? a.iface.peer : undefined;
    if (peer === undefined) return;
    const theirs = order.get(key(peer.ns, peer.name));
    if (theirs === undefined || k < theirs) creators.add(key(a.ns, a.iface.name));
  });
  return creators;
}

/** Runs `job` for each namespace's share of `xs`, all namespaces at once. */
async function perNamespace<T extends { ns: string }>(
  xs: readonly T[],
  job: (ns: string, mine: T[]) => Promise<unknown>,
): Promise<void> {
  await Promise.all([...groupBy(xs, (x) => x.ns)].map(([ns, mine]) => job(ns, mine)));
}

function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}
