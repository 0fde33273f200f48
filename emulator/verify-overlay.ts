/**
 * Reading overlays back: the parameters of every VXLAN device as the kernel holds them
 * (`ip -d -j link`: `linkinfo.info_data` and `link_netnsid`), the static FDB entries
 * (`bridge -j fdb show`) and the permanent neighbours (`ip -j neigh show nud permanent`),
 * each compared with the plan. Every difference names the object and both values;
 * verify.ts adds the namespace.
 *
 * What counts as the plan's: on a VXLAN device, every `self permanent` FDB entry is one
 * the run added (the kernel adds none of its own there; what the device learns is not
 * permanent), so an entry the plan lacks is reported as well as one the kernel lacks. On
 * other devices the kernel keeps entries of its own (a bridge's multicast addresses, a
 * port's MAC), so only the plan's entries are looked for. The kernel makes no permanent
 * neighbours, so those are compared both ways.
 */
import type { NamespacePlan, VxlanParams } from '../core/plan/types.js';
import { run } from './exec.js';
import { fdbText, neighText } from './static-entries.js';

/**
 * `linkinfo.info_data` of a vxlan device as `ip -d -j` prints it (iproute2 6.1; a flag that is off
 * may be left out).
 */
export interface VxlanInfoJson {
  id?: number;
  port?: number;
  port_range?: { low: number; high: number };
  local?: string;
  learning?: boolean;
  proxy?: boolean;
  l2miss?: boolean;
  l3miss?: boolean;
  ageing?: number;
  udp_csum?: boolean;
  /** 0: `ttl auto`. */
  ttl?: number;
}

/** One entry of `bridge -j fdb show`. */
export interface FdbJson {
  mac: string;
  ifname?: string;
  dst?: string;
  master?: string;
  flags?: string[];
  state?: string;
}

/** One entry of `ip -j neigh show`. */
export interface NeighJson {
  dst: string;
  dev: string;
  lladdr?: string;
  state?: string[];
}

/**
 * The differences between a vxlan device's parameters and the plan's. `underlay` is the
 * plan id of the namespace that holds its socket, as read from its `link_netnsid`
 * (undefined when it is a namespace outside the run).
 */
export function compareVxlan(
  want: VxlanParams,
  got: VxlanInfoJson | undefined,
  underlay: string | undefined,
): string[] {
  if (got === undefined) return ["no vxlan parameters in the kernel's answer"];
  const out: string[] = [];
  const diff = (what: string, have: unknown, plan: unknown) => {
    if (have !== plan) out.push(`vxlan ${what} ${show(have)}, the plan says ${show(plan)}`);
  };
  diff('id', got.id, want.vni);
  diff('dstport', got.port, want.dstPort);
  diff(
    'srcport',
    `${got.port_range?.low ?? '?'} ${got.port_range?.high ?? '?'}`,
    `${want.srcPortRange[0]} ${want.srcPortRange[1]}`,
  );
  diff('local', got.local, want.local);
  // ip prints proxy, l2miss and l3miss only when they are on.
  diff('learning', got.learning ?? false, want.learning);
  diff('proxy', got.proxy ?? false, want.proxy);
  diff('l2miss', got.l2miss ?? false, want.l2miss);
  diff('l3miss', got.l3miss ?? false, want.l3miss);
  diff('ageing', got.ageing, want.ageingS);
  diff('udpcsum', got.udp_csum ?? false, want.udpCsum);
  diff('ttl', got.ttl === 0 ? 'auto' : got.ttl, want.ttl ?? 'auto');
  diff('underlay namespace', underlay ?? 'one outside this run', want.underlayNs);
  return out;
}

function show(v: unknown): string {
  if (v === undefined) return 'none';
  if (typeof v === 'boolean') return v ? 'on' : 'off';
  return String(v);
}

/** Reads every FDB entry of a namespace. */
export async function readFdb(nsName: string): Promise<FdbJson[]> {
  const r = await run(['bridge', '-n', nsName, '-j', 'fdb', 'show']);
  return JSON.parse(r.stdout.trim() === '' ? '[]' : r.stdout) as FdbJson[];
}

/** The plan's static FDB entries against the kernel's (`vxlanDevs`: the namespace's vxlan devices). */
export function compareFdb(ns: NamespacePlan, kernel: readonly FdbJson[], vxlanDevs: ReadonlySet<string>): string[] {
  const key = (mac: string, dev: string, dst: string | undefined) => `${mac.toLowerCase()} ${dev} ${dst ?? ''}`;
  const mine = kernel.filter(
    (e) => e.ifname !== undefined && (e.flags ?? []).includes('self') && e.state === 'permanent',
  );
  const have = new Set(mine.map((e) => key(e.mac, e.ifname as string, e.dst)));
  const want = new Set(ns.fdb.map((f) => key(f.mac, f.dev, f.dst)));
  const out: string[] = [];
  const missing = ns.fdb.filter((f) => !have.has(key(f.mac, f.dev, f.dst)));
  const extra = mine.filter(
    (e) => vxlanDevs.has(e.ifname as string) && !want.has(key(e.mac, e.ifname as string, e.dst)),
  );
  for (const f of missing) {
    // One destination each side for the same MAC and device: a changed destination.
    const sameMac = (e: FdbJson) => e.mac.toLowerCase() === f.mac.toLowerCase() && e.ifname === f.dev;
    const other = extra.filter(sameMac);
    const planned = missing.filter((m) => m.mac.toLowerCase() === f.mac.toLowerCase() && m.dev === f.dev);
    if (other.length === 1 && planned.length === 1) {
      out.push(`fdb ${f.mac} dev ${f.dev}: dst ${other[0]?.dst ?? 'none'}, the plan says ${f.dst ?? 'none'}`);
      extra.splice(extra.indexOf(other[0] as FdbJson), 1);
    } else {
      out.push(`${fdbText(f)} is missing`);
    }
  }
  for (const e of extra)
    out.push(
      `the kernel has ${fdbText({ mac: e.mac, dev: e.ifname as string, dst: e.dst })}, which is not in the plan`,
    );
  return out;
}

/** The plan's neighbours against the kernel's permanent ones. */
export function compareNeighbours(ns: NamespacePlan, kernel: readonly NeighJson[]): string[] {
  const key = (address: string, dev: string) => `${address} dev ${dev}`;
  const have = new Map(kernel.filter((n) => (n.state ?? []).includes('PERMANENT')).map((n) => [key(n.dst, n.dev), n]));
  const out: string[] = [];
  for (const n of ns.neighbours) {
    const k = have.get(key(n.address, n.dev));
    have.delete(key(n.address, n.dev));
    if (k === undefined) out.push(`${neighText(n)} is missing`);
    else if (k.lladdr?.toLowerCase() !== n.lladdr.toLowerCase())
      out.push(`neighbour ${n.address} dev ${n.dev}: lladdr ${k.lladdr ?? 'none'}, the plan says ${n.lladdr}`);
  }
  for (const k of have.values())
    out.push(
      `the kernel has ${neighText({ address: k.dst, dev: k.dev, lladdr: k.lladdr ?? 'none' })}, which is not in the plan`,
    );
  return out;
}
