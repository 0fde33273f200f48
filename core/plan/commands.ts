/**
 * The plan's commands, one device, address, route or entry at a time: the `ip`, `tc` and
 * `bridge` arguments that steps.ts orders into the build program that both
 * `twinnet plan --format sh` prints and the emulator runs (architecture, firm decision 7:
 * the emulator batches them per namespace). Commands are argv arrays, never shell strings.
 *
 * A VXLAN device whose underlay is another namespace (a Docker overlay's `vxlan0`) is
 * made the way Docker makes it: in the underlay namespace, under a temporary name unique
 * there, then moved into its own namespace and renamed (`vxlanCreateLines`,
 * `vxlanAdoptLines`): its UDP socket and outer routing stay in the underlay namespace.
 *
 * Left to the emulator: how delay, jitter and loss are realised where the kernel has no
 * netem (the plan states the shape; `qdiscArgs` renders the netem form).
 */
import { formatDuration, formatPercent, formatRate } from '../units.js';
import type { FdbPlan, InterfacePlan, NamespacePlan, NeighbourPlan, Plan, QdiscPlan, RoutePlan } from './types.js';
import { vxlanTempName } from '../naming.js';

/** An argument: a literal, or a reference to a plan namespace (renamed by whoever runs it). */
export type Arg = string | { readonly ns: string };

// The grouped view of the step list, kept here for the callers that read it from this module.
export { planCommands, type CommandGroup } from './steps.js';

/** For each veth pair, the end whose namespace comes first in the plan creates both. */
export function vethCreators(plan: Plan): Set<string> {
  const order = new Map(plan.namespaces.map((n, i) => [n.id, i]));
  const creators = new Set<string>();
  for (const ns of plan.namespaces) {
    for (const i of ns.interfaces) {
      if (i.kind !== 'veth' || i.peer === undefined) continue;
      const mine = order.get(ns.id) ?? 0;
      const theirs = order.get(i.peer.ns) ?? 0;
      if (mine < theirs || (mine === theirs && i.name < i.peer.name)) creators.add(`${ns.id}/${i.name}`);
    }
  }
  return creators;
}

export function createLink(ns: NamespacePlan, i: InterfacePlan, creators: Set<string>): Arg[][] {
  if (i.kind === 'bridge') {
    const b = i.bridge;
    return [
      [
        'link',
        'add',
        i.name,
        ...(i.mac ? ['address', i.mac] : []),
        ...(i.mtuAuto ? [] : ['mtu', String(i.mtu)]),
        'type',
        'bridge',
        'stp_state',
        '0',
        'ageing_time',
        String(b?.ageingTimeCs ?? 30000),
        'mcast_snooping',
        b?.mcastSnooping === false ? '0' : '1',
      ],
    ];
  }
  if (i.kind === 'vxlan' && i.vxlan !== undefined)
    return i.vxlan.underlayNs === ns.id ? [vxlanAddArgs(i, i.name)] : vxlanAdoptLines(i);
  if (i.kind !== 'veth' || i.peer === undefined || !creators.has(`${ns.id}/${i.name}`)) return [];
  return [
    [
      'link',
      'add',
      i.name,
      ...(i.mac ? ['address', i.mac] : []),
      'mtu',
      String(i.mtu),
      'type',
      'veth',
      'peer',
      'name',
      i.peer.name,
      'netns',
      { ns: i.peer.ns },
    ],
  ];
}

/** Settings of a device once both ends exist: the peer's MAC and MTU, master, port flags, up. */
export function configureLink(i: InterfacePlan): string[][] {
  if (i.kind === 'loopback') return [['link', 'set', 'lo', 'up']];
  const out: string[][] = [];
  if (i.kind === 'veth')
    out.push(['link', 'set', 'dev', i.name, ...(i.mac ? ['address', i.mac] : []), 'mtu', String(i.mtu)]);
  if (i.master !== undefined) out.push(['link', 'set', 'dev', i.name, 'master', i.master]);
  if (i.port !== undefined) {
    const on = (b: boolean) => (b ? 'on' : 'off');
    out.push([
      'link',
      'set',
      'dev',
      i.name,
      'type',
      'bridge_slave',
      'hairpin',
      on(i.port.hairpin),
      'learning',
      on(i.port.learning),
      'flood',
      on(i.port.flood),
    ]);
  }
  if (i.up) out.push(['link', 'set', 'dev', i.name, 'up']);
  return out;
}

/** A VXLAN device that is made in another namespace (its underlay) and moved into `ns`. */
export interface VxlanMove {
  readonly ns: string;
  readonly iface: InterfacePlan;
}

/**
 * Per underlay namespace, the VXLAN devices it makes for other namespaces, in plan
 * order. The owner namespace's commands (`vxlanAdoptLines`) must run after the underlay
 * namespace's (`vxlanCreateLines`).
 */
export function vxlanMoves(plan: Plan): Map<string, VxlanMove[]> {
  const out = new Map<string, VxlanMove[]>();
  for (const ns of plan.namespaces) {
    for (const i of ns.interfaces) {
      const u = i.kind === 'vxlan' ? i.vxlan?.underlayNs : undefined;
      if (u === undefined || u === ns.id) continue;
      out.set(u, [...(out.get(u) ?? []), { ns: ns.id, iface: i }]);
    }
  }
  return out;
}

/** The name a moved VXLAN device has in its underlay namespace before the move (validation checks it too). */
export { vxlanTempName };

/**
 * `link add NAME address MAC mtu MTU type vxlan id VNI dstport PORT [srcport A B] [local IP]
 * [nolearning] [proxy] [l2miss] [l3miss] ageing S [no]udpcsum [ttl N]`, as ip-link(8) takes it.
 */
export function vxlanAddArgs(i: InterfacePlan, name: string): string[] {
  const v = i.vxlan;
  if (v === undefined) throw new Error(`internal: ${i.name} has no VXLAN parameters`);
  const flag = (on: boolean, word: string) => (on ? [word] : []);
  return [
    'link',
    'add',
    name,
    ...(i.mac ? ['address', i.mac] : []),
    'mtu',
    String(i.mtu),
    'type',
    'vxlan',
    'id',
    String(v.vni),
    'dstport',
    String(v.dstPort),
    ...(v.srcPortRange[0] === 0 && v.srcPortRange[1] === 0
      ? []
      : ['srcport', String(v.srcPortRange[0]), String(v.srcPortRange[1])]),
    ...(v.local === undefined ? [] : ['local', v.local]),
    ...flag(!v.learning, 'nolearning'),
    ...flag(v.proxy, 'proxy'),
    ...flag(v.l2miss, 'l2miss'),
    ...flag(v.l3miss, 'l3miss'),
    'ageing',
    String(v.ageingS),
    v.udpCsum ? 'udpcsum' : 'noudpcsum',
    ...(v.ttl === undefined ? [] : ['ttl', String(v.ttl)]),
  ];
}

/**
 * In the underlay namespace: make the device under its temporary name and move it to `ns` (`ip link
 * set NAME netns NS`).
 */
export function vxlanCreateLines(ns: string, i: InterfacePlan): Arg[][] {
  const tmp = vxlanTempName(i.vxlan?.vni ?? 0);
  return [vxlanAddArgs(i, tmp), ['link', 'set', tmp, 'netns', { ns }]];
}

/** In the owner namespace, once the device arrived: give it its name (`ip link set vx4097 name vxlan0`). */
export function vxlanAdoptLines(i: InterfacePlan): string[][] {
  return [['link', 'set', vxlanTempName(i.vxlan?.vni ?? 0), 'name', i.name]];
}

/**
 * `fdb append MAC dev DEV [dst IP] self permanent` (bridge(8)); on a VXLAN device, `dst` is the
 * remote tunnel endpoint.
 */
export function fdbArgs(f: FdbPlan): string[] {
  return ['fdb', 'append', f.mac, 'dev', f.dev, ...(f.dst === undefined ? [] : ['dst', f.dst]), 'self', 'permanent'];
}

/** `neigh replace IP lladdr MAC dev DEV nud permanent` (ip-neighbour(8)). */
export function neighbourArgs(n: NeighbourPlan): string[] {
  return ['neigh', 'replace', n.address, 'lladdr', n.lladdr, 'dev', n.dev, 'nud', 'permanent'];
}

export function routeArgs(r: RoutePlan): string[] {
  return [
    'route',
    'add',
    r.dst,
    ...(r.via === undefined ? [] : ['via', r.via]),
    'dev',
    r.dev,
    ...(r.metric === 0 ? [] : ['metric', String(r.metric)]),
  ];
}

/** `netem delay 10ms 1ms loss 0.1% rate 100mbit limit 1000`, as tc-netem(8) takes it. */
export function qdiscArgs(q: QdiscPlan): string[] {
  const s = q.shape;
  const out = ['netem'];
  if (s.delayNs > 0 || s.jitterNs > 0)
    out.push('delay', formatDuration(s.delayNs), ...(s.jitterNs > 0 ? [formatDuration(s.jitterNs)] : []));
  if (s.lossPpm > 0) out.push('loss', formatPercent(s.lossPpm));
  if (s.rateBps > 0) out.push('rate', formatRate(s.rateBps));
  if (s.limit > 0) out.push('limit', String(s.limit));
  return out;
}
