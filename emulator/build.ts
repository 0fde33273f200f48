/**
 * Building a plan from real namespaces, batched (architecture, firm decision 7): one
 * `ip -batch` adds every namespace; the namespace agent writes every sysctl; each
 * namespace then gets one `ip -n NS -batch -` with its devices (the veth pairs it
 * creates, its bridges, the VXLAN devices whose socket it holds, which it moves into
 * their own namespaces, and the names of those moved into it: vxlan.ts), their
 * settings, addresses, routes and neighbours,
 * run in waves so that a namespace is configured only after the namespaces that create
 * its devices, several at a time, many namespaces' batches through one process
 * (batch.ts runBatches); then one `bridge -n NS -batch -` per namespace with
 * static FDB entries, one `iptables-restore` per namespace with rules, and the
 * impairments (impair.ts). Every device gets the run's marker as its alias.
 */
import { configureLink, createLink, fdbArgs, neighbourArgs, routeArgs, vethCreators, vxlanMoves, type Arg, type VxlanMove } from '../core/plan/commands.js';
import type { NamespacePlan, Plan } from '../core/plan/types.js';
import type { AgentClient } from './agent-client.js';
import { runBatches } from './batch.js';
import { run, runAll } from './exec.js';
import type { RunNames } from './names.js';
import { creatorLines, vxlanCreator } from './vxlan.js';

/** What the build reports as it goes. */
export type BuildProgress = (done: number, total: number, what: string) => void;

/** Creates every namespace of the plan (one ip process). */
export async function addNamespaces(plan: Plan, names: RunNames): Promise<void> {
  await run(['ip', '-batch', '-'], { stdin: plan.namespaces.map((n) => `netns add ${names.ns(n.id)}\n`).join('') });
}

/** A per-device sysctl (`net.ipv4.conf.DEV.x` for a device, not `all` or `default`), which needs its device to exist. */
export function isDeviceSysctl(key: string): boolean {
  const m = /^net\.ipv[46]\.(?:conf|neigh)\.([^.]+)\./.exec(key);
  return m !== null && m[1] !== 'all' && m[1] !== 'default';
}

/**
 * Writes the plan's namespace-wide sysctls in every namespace before any device exists
 * (so `default.*` applies to the devices made later), or (`devices`) the per-device
 * ones once the devices exist.
 */
export async function writeSysctls(plan: Plan, names: RunNames, agent: AgentClient, devices = false): Promise<void> {
  const jobs = plan.namespaces.map((n) => ({ n, set: n.sysctls.filter((s) => isDeviceSysctl(s.key) === devices) })).filter((j) => j.set.length > 0);
  await Promise.all(jobs.map(({ n, set }) => agent.request({ op: 'sysctl', ns: names.ns(n.id), set: Object.fromEntries(set.map((s) => [s.key, s.value])) })));
}

/** Creates and configures every device, address, route, neighbour and FDB entry, namespace by namespace. */
export async function buildLinks(plan: Plan, names: RunNames, progress?: BuildProgress): Promise<void> {
  const creators = vethCreators(plan);
  const moves = vxlanMoves(plan);
  const waves = buildWaves(plan, creators);
  let done = 0;
  for (const wave of waves) {
    const jobs = wave.map((ns) => ({ nsId: ns.id, lines: namespaceLines(ns, creators, names, moves.get(ns.id)) }));
    await runBatches('ip', names, jobs, (k) => progress?.((done += k), plan.namespaces.length, 'devices, addresses and routes'));
  }
  const fdb = plan.namespaces.filter((n) => n.fdb.length > 0);
  await runBatches('bridge', names, fdb.map((ns) => ({ nsId: ns.id, lines: ns.fdb.map(fdbArgs) })));
}

/**
 * The ip commands of one namespace: what it creates (its veth pairs and bridges, the
 * VXLAN devices it makes for other namespaces and moves there, `moves`, and the name of
 * each vxlan moved into it), then the settings of its own devices, addresses, routes and
 * neighbours.
 */
export function namespaceLines(ns: NamespacePlan, creators: Set<string>, names: RunNames, moves: readonly VxlanMove[] = []): Arg[][] {
  const creates = [...creatorLines(moves), ...ns.interfaces.flatMap((i) => createLink(ns, i, creators))];
  const config = ns.interfaces.flatMap((i) => [...configureLink(i), ...(i.kind === 'loopback' ? [] : [['link', 'set', 'dev', i.name, 'alias', names.alias]])]);
  const addrs = ns.interfaces.flatMap((i) => (i.kind === 'loopback' ? [] : i.addresses.map((a) => ['address', 'add', a, 'dev', i.name])));
  const routes = ns.routes.filter((r) => r.proto !== 'kernel').map(routeArgs);
  const neigh = ns.neighbours.map(neighbourArgs);
  return [...creates, ...config, ...addrs, ...routes, ...neigh];
}

/**
 * Orders namespaces so that each comes after every namespace that creates one of its
 * devices: the creator of a veth pair is the end that comes first in the plan, the
 * creator of a VXLAN device its underlay namespace. Namespaces within a wave are
 * independent.
 */
export function buildWaves(plan: Plan, creators: Set<string>): NamespacePlan[][] {
  const needs = new Map(plan.namespaces.map((n) => [n.id, new Set<string>()]));
  for (const ns of plan.namespaces) {
    for (const i of ns.interfaces) {
      if (i.kind === 'veth' && i.peer !== undefined && creators.has(`${ns.id}/${i.name}`)) needs.get(i.peer.ns)?.add(ns.id);
      const maker = vxlanCreator(ns.id, i);
      if (maker !== undefined) needs.get(ns.id)?.add(maker);
    }
  }
  const waves: NamespacePlan[][] = [];
  const placed = new Set<string>();
  while (placed.size < plan.namespaces.length) {
    const wave = plan.namespaces.filter((n) => !placed.has(n.id) && [...(needs.get(n.id) ?? [])].every((d) => placed.has(d)));
    if (wave.length === 0) {
      const stuck = plan.namespaces.filter((n) => !placed.has(n.id)).map((n) => `${n.id} (after ${[...(needs.get(n.id) ?? [])].filter((d) => !placed.has(d)).join(', ')})`);
      throw new Error(`internal: the namespaces that create each other's devices form a cycle, so no build order exists: ${stuck.join('; ')}. A veth pair is created by its end that comes first in the plan, a vxlan by its underlay namespace`);
    }
    wave.forEach((n) => placed.add(n.id));
    waves.push(wave);
  }
  return waves;
}

/** Loads each namespace's ruleset (one iptables-restore per namespace with rules). */
export async function loadRulesets(plan: Plan, names: RunNames): Promise<void> {
  const withRules = plan.namespaces.filter((n) => n.netfilter !== '');
  await runAll(withRules.map((ns) => () => run(['ip', 'netns', 'exec', names.ns(ns.id), 'iptables-restore'], { stdin: ns.netfilter })));
}
