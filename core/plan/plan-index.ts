/**
 * Lookups over a plan that path traces (path-mtu.ts) make over and over: namespaces by
 * id, a namespace's interfaces by name and by the addresses they hold, a bridge's ports
 * in their order, routes with their prefixes parsed, and the VXLAN devices whose socket
 * lives in an underlay namespace. Built once per plan (plans are not changed once
 * compiled) and kept beside it, so that a trace costs the length of its path rather than
 * the size of the plan: `twinnet plan` traces every pair of containers on a network.
 *
 * It indexes what the plan says and decides nothing.
 */
import { parseCidr, parseIfAddr, type Cidr } from '../addr.js';
import type { InterfacePlan, NamespacePlan, Plan, RoutePlan } from './types.js';
import { forwardsIpv4 } from './sysctl.js';

/** One namespace's interfaces, indexed. */
export interface NamespaceIndex {
  readonly plan: NamespacePlan;
  readonly byName: ReadonlyMap<string, InterfacePlan>;
  /** Which interface holds each address (the first, in plan order). */
  readonly holders: ReadonlyMap<number, InterfacePlan>;
  /** Each bridge's ports, in plan order. */
  readonly ports: ReadonlyMap<string, readonly InterfacePlan[]>;
  /** Routes with their destination parsed (undefined: not a prefix twinnet can read). */
  readonly routes: readonly { readonly r: RoutePlan; readonly dst: Cidr | undefined }[];
  readonly forwards: boolean;
  /** Each VXLAN device's remote endpoints from the FDB, distinct, in FDB order. */
  readonly remotes: ReadonlyMap<string, readonly string[]>;
}

export interface PlanIndex {
  readonly namespaces: ReadonlyMap<string, NamespaceIndex>;
  /** VXLAN devices by the namespace their socket lives in. */
  readonly vxlansByUnderlay: ReadonlyMap<string, readonly { readonly ns: string; readonly iface: InterfacePlan }[]>;
  /** The interfaces that hold each address, in any namespace, in plan order. */
  readonly holders: ReadonlyMap<number, readonly { readonly ns: string; readonly iface: InterfacePlan }[]>;
}

const cache = new WeakMap<Plan, PlanIndex>();
const addressCache = new WeakMap<InterfacePlan, readonly number[]>();

/** The addresses an interface holds, parsed once. */
export function addressesOf(i: InterfacePlan): readonly number[] {
  let list = addressCache.get(i);
  if (list === undefined) {
    list = i.addresses.flatMap((a) => {
      const x = parseIfAddr(a);
      return x === undefined ? [] : [x.addr];
    });
    addressCache.set(i, list);
  }
  return list;
}

/** The index of `plan`, built on first use. */
export function planIndex(plan: Plan): PlanIndex {
  let ix = cache.get(plan);
  if (ix === undefined) {
    ix = buildIndex(plan);
    cache.set(plan, ix);
  }
  return ix;
}

function buildIndex(plan: Plan): PlanIndex {
  const namespaces = new Map<string, NamespaceIndex>();
  const vxlansByUnderlay = new Map<string, { ns: string; iface: InterfacePlan }[]>();
  const holders = new Map<number, { ns: string; iface: InterfacePlan }[]>();
  for (const n of plan.namespaces) {
    // Ids are unique (validate/namespaces.ts); were they not, the last would win, as in a Map built from the list.
    namespaces.set(n.id, indexNamespace(n));
    for (const i of n.interfaces) {
      for (const a of addressesOf(i)) push(holders, a, { ns: n.id, iface: i });
      if (i.vxlan !== undefined) push(vxlansByUnderlay, i.vxlan.underlayNs, { ns: n.id, iface: i });
    }
  }
  return { namespaces, vxlansByUnderlay, holders };
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

function indexNamespace(n: NamespacePlan): NamespaceIndex {
  const byName = new Map<string, InterfacePlan>();
  const holders = new Map<number, InterfacePlan>();
  const ports = new Map<string, InterfacePlan[]>();
  for (const i of n.interfaces) {
    if (!byName.has(i.name)) byName.set(i.name, i);
    for (const addr of addressesOf(i)) if (!holders.has(addr)) holders.set(addr, i);
    if (i.master !== undefined) push(ports, i.master, i);
  }
  const routes = n.routes.map((r) => ({ r, dst: r.dst === 'default' ? { addr: 0, len: 0 } : parseCidr(r.dst) }));
  const forwards = forwardsIpv4(n.sysctls);
  const remotes = new Map<string, Set<string>>();
  for (const f of n.fdb) {
    if (f.dst === undefined) continue;
    const set = remotes.get(f.dev) ?? new Set<string>();
    set.add(f.dst);
    remotes.set(f.dev, set);
  }
  return {
    plan: n,
    byName,
    holders,
    ports,
    routes,
    forwards,
    remotes: new Map([...remotes].map(([d, set]) => [d, [...set]])),
  };
}
