/**
 * Reading the built state back and comparing it with the plan, as libnetwork's
 * setupVerifyAndReconcile does: devices (kind, MTU, MAC, up, master, bridge-port flags,
 * VXLAN parameters and underlay), addresses, routes, permanent neighbours, static FDB
 * entries, sysctls and netfilter rulesets of every namespace. One `ip -j -d -batch` per
 * namespace reads devices, addresses, routes, neighbours and the namespace ids it knows
 * (to name a vxlan's underlay) together; the agent reads the sysctls; one
 * `bridge -j fdb show` per namespace with FDB entries or vxlan devices reads those
 * (verify-overlay.ts compares them and the VXLAN parameters); one `iptables-save` per
 * namespace with rules reads them (verify-netfilter.ts compares them). Namespaces are
 * read in parallel. Any difference is an error naming the namespace, the object and
 * both values.
 */
import type { InterfacePlan, NamespacePlan, Plan, RoutePlan } from '../core/plan/types.js';
import { effectiveSysctls } from '../core/plan/sysctl.js';
import type { AgentClient } from './agent-client.js';
import { isDeviceSysctl } from './build.js';
import { EmulatorError } from './errors.js';
import { run, runAll } from './exec.js';
import type { RunNames } from './names.js';
import { compareRulesets, readRuleset } from './verify-netfilter.js';
import {
  compareFdb,
  compareNeighbours,
  compareVxlan,
  readFdb,
  type NeighJson,
  type VxlanInfoJson,
} from './verify-overlay.js';

interface LinkJson {
  ifname: string;
  flags: string[];
  mtu: number;
  address?: string;
  master?: string;
  /** The namespace (by its id in this one) of a device's other side: a vxlan's socket. */
  link_netnsid?: number;
  linkinfo?: {
    info_kind?: string;
    info_data?: VxlanInfoJson;
    info_slave_kind?: string;
    info_slave_data?: { hairpin?: boolean; learning?: boolean; flood?: boolean };
  };
  addr_info?: { family: string; local: string; prefixlen: number }[];
}

interface RouteJson {
  dst: string;
  gateway?: string;
  dev: string;
  metric?: number;
  prefsrc?: string;
}

/** Throws EmulatorError('verify-mismatch') listing every difference. */
export async function verifyPlan(plan: Plan, names: RunNames, agent: AgentClient): Promise<void> {
  const found = await runAll(plan.namespaces.map((ns) => () => verifyNamespace(ns, names, agent)));
  const all = found.flat();
  if (all.length > 0)
    throw new EmulatorError(
      'verify-mismatch',
      `the kernel's state differs from the plan:\n${all.map((d) => `  ${d}`).join('\n')}`,
    );
}

async function verifyNamespace(ns: NamespacePlan, names: RunNames, agent: AgentClient): Promise<string[]> {
  const nsName = names.ns(ns.id);
  const vxlans = new Set(ns.interfaces.filter((i) => i.kind === 'vxlan').map((i) => i.name));
  const [r, answer, ruleset, fdb] = await Promise.all([
    run(['ip', '-n', nsName, '-j', '-d', '-batch', '-'], {
      stdin: 'addr show\nroute show\nneigh show nud permanent\nnetns list-id\n',
    }),
    agent.request({ op: 'sysctl', ns: nsName, read: ns.sysctls.map((s) => s.key) }),
    ns.netfilter === '' ? undefined : readRuleset(nsName),
    ns.fdb.length > 0 || vxlans.size > 0 ? readFdb(nsName) : undefined,
  ]);
  const [linksText, routesText, neighText, nsidText] = r.stdout.trim().split('\n');
  const links = JSON.parse(linksText ?? '[]') as LinkJson[];
  const routes = JSON.parse(routesText ?? '[]') as RouteJson[];
  const neighbours = JSON.parse(neighText ?? '[]') as NeighJson[];
  const nsids = new Map(
    (JSON.parse(nsidText ?? '[]') as { nsid: number; name?: string }[]).map((n) => [n.nsid, n.name]),
  );
  // The plan id of the namespace a device's link_netnsid names; none: this namespace.
  const peerNs = (l: LinkJson): string | undefined => {
    if (l.link_netnsid === undefined) return ns.id;
    const name = nsids.get(l.link_netnsid);
    return name !== undefined && names.owns(name) ? names.id(name) : undefined;
  };
  const sysctls = answer.values as Record<string, string | null>;
  const out = [...compareLinks(ns, links, peerNs), ...compareRoutes(ns, routes), ...compareNeighbours(ns, neighbours)];
  if (fdb !== undefined) out.push(...compareFdb(ns, fdb, vxlans));
  // What each key reads back after build.ts's writes (namespace-wide first, then per device),
  // forwarding's alias included.
  const expected = effectiveSysctls([
    ...ns.sysctls.filter((s) => !isDeviceSysctl(s.key)),
    ...ns.sysctls.filter((s) => isDeviceSysctl(s.key)),
  ]);
  for (const [key, value] of expected)
    if (ns.sysctls.some((s) => s.key === key) && sysctls[key] !== value)
      out.push(`sysctl ${key} is ${sysctls[key] ?? 'missing'}, the plan says ${value}`);
  if (ruleset !== undefined) out.push(...compareRulesets(ns.netfilter, ruleset));
  return out.map((d) => `namespace ${ns.id}: ${d}`);
}

function compareLinks(
  ns: NamespacePlan,
  links: readonly LinkJson[],
  peerNs: (l: LinkJson) => string | undefined,
): string[] {
  const out: string[] = [];
  const byName = new Map(links.map((l) => [l.ifname, l]));
  for (const i of ns.interfaces) {
    const l = byName.get(i.name);
    if (l === undefined) out.push(`interface ${i.name} is missing`);
    else
      out.push(
        ...[
          ...compareLink(i, l),
          ...(i.vxlan === undefined ? [] : compareVxlan(i.vxlan, l.linkinfo?.info_data, peerNs(l))),
        ].map((d) => `interface ${i.name}: ${d}`),
      );
  }
  for (const l of links)
    if (!ns.interfaces.some((i) => i.name === l.ifname)) out.push(`interface ${l.ifname} is not in the plan`);
  return out;
}

function compareLink(i: InterfacePlan, l: LinkJson): string[] {
  const out: string[] = [];
  const kind = l.linkinfo?.info_kind ?? (l.ifname === 'lo' ? 'loopback' : 'unknown');
  if (kind !== i.kind) out.push(`kind ${kind}, the plan says ${i.kind}`);
  if (l.mtu !== i.mtu) out.push(`mtu ${l.mtu}, the plan says ${i.mtu}`);
  if (i.mac !== undefined && l.address?.toLowerCase() !== i.mac) out.push(`MAC ${l.address}, the plan says ${i.mac}`);
  if (i.up !== l.flags.includes('UP')) out.push(`${i.up ? 'down' : 'up'}, the plan says ${i.up ? 'up' : 'down'}`);
  if ((l.master ?? undefined) !== i.master)
    out.push(`master ${l.master ?? 'none'}, the plan says ${i.master ?? 'none'}`);
  const port = l.linkinfo?.info_slave_data;
  if (i.port !== undefined && port !== undefined) {
    for (const f of ['hairpin', 'learning', 'flood'] as const)
      if (port[f] !== i.port[f])
        out.push(`bridge port ${f} ${port[f] ? 'on' : 'off'}, the plan says ${i.port[f] ? 'on' : 'off'}`);
  }
  const addrs = (l.addr_info ?? [])
    .filter((a) => a.family === 'inet')
    .map((a) => `${a.local}/${a.prefixlen}`)
    .sort();
  const want = [...i.addresses].sort();
  if (addrs.join(' ') !== want.join(' '))
    out.push(`addresses ${addrs.join(' ') || 'none'}, the plan says ${want.join(' ') || 'none'}`);
  return out;
}

function routeKey(r: { dst: string; via?: string | undefined; dev: string; metric?: number | undefined }): string {
  return `${r.dst}${r.via === undefined ? '' : ` via ${r.via}`} dev ${r.dev}${(r.metric ?? 0) === 0 ? '' : ` metric ${r.metric}`}`;
}

function compareRoutes(ns: NamespacePlan, routes: readonly RouteJson[]): string[] {
  const have = new Set(routes.map((r) => routeKey({ dst: r.dst, via: r.gateway, dev: r.dev, metric: r.metric })));
  const want = new Set(ns.routes.map((r: RoutePlan) => routeKey(r)));
  return [
    ...[...want].filter((k) => !have.has(k)).map((k) => `route ${k} is missing`),
    ...[...have].filter((k) => !want.has(k)).map((k) => `route ${k} is not in the plan`),
  ];
}
