/**
 * Small plans written by hand, for the emulator's tests of one feature at a time (the
 * scenario compiler is not needed to build two namespaces and a cable). They follow the
 * compiler's shapes: a loopback first, kernel routes for every address, IPv6 off.
 */
import type {
  FdbPlan,
  HelperPlan,
  InterfacePlan,
  NamespacePlan,
  NeighbourPlan,
  Plan,
  RoutePlan,
  ServicePlan,
  SysctlPlan,
  TimelineEntryPlan,
  VxlanParams,
} from '../../core/plan/types.js';
import { PLAN_FORMAT } from '../../core/plan/types.js';
import { formatCidr, parseIfAddr, subnetOf } from '../../core/addr.js';
import { derivedMac } from '../../core/hash.js';

export const LOOPBACK: InterfacePlan = {
  name: 'lo',
  kind: 'loopback',
  mtu: 65536,
  up: true,
  addresses: ['127.0.0.1/8'],
  why: 'loopback',
};

const IPV6_OFF: SysctlPlan[] = [
  { key: 'net.ipv6.conf.all.disable_ipv6', value: '1', why: 'IPv4 only' },
  { key: 'net.ipv6.conf.default.disable_ipv6', value: '1', why: 'IPv4 only' },
];

/** A namespace with the given devices (after lo); the rest empty unless given. */
export function namespace(
  id: string,
  role: NamespacePlan['role'],
  interfaces: readonly InterfacePlan[],
  more: Partial<NamespacePlan> = {},
): NamespacePlan {
  return {
    id,
    role,
    description: id,
    interfaces: [LOOPBACK, ...interfaces],
    routes: kernelRoutes(interfaces),
    sysctls: IPV6_OFF,
    neighbours: [],
    fdb: [],
    netfilter: '',
    qdiscs: [],
    services: [],
    helpers: [],
    ...more,
  };
}

/** The routes Linux adds for each address (`proto kernel scope link`). */
export function kernelRoutes(interfaces: readonly InterfacePlan[]): RoutePlan[] {
  return interfaces.flatMap((i) =>
    i.addresses.map((a) => {
      const ia = parseIfAddr(a);
      if (ia === undefined) throw new Error(`not an interface address: ${a}`);
      return {
        dst: formatCidr(subnetOf(ia)),
        dev: i.name,
        proto: 'kernel',
        scope: 'link',
        src: a.split('/')[0] as string,
        metric: 0,
      } as const;
    }),
  );
}

/** One end of a veth pair. */
export function veth(
  name: string,
  mac: string,
  addresses: readonly string[],
  peer: { ns: string; name: string },
  master?: string,
): InterfacePlan {
  return {
    name,
    kind: 'veth',
    mac,
    mtu: 1500,
    up: true,
    addresses,
    peer,
    why: 'test cable',
    ...(master !== undefined && { master, port: { hairpin: false, learning: true, flood: true } }),
  };
}

export function bridge(name: string, mac: string, addresses: readonly string[]): InterfacePlan {
  return {
    name,
    kind: 'bridge',
    mac,
    mtu: 1500,
    mtuAuto: true,
    up: true,
    addresses,
    bridge: { stp: false, ageingTimeCs: 30000, mcastSnooping: true },
    why: 'test bridge',
  };
}

export function defaultRoute(via: string, dev: string): RoutePlan {
  return { dst: 'default', via, dev, proto: 'static', scope: 'global', metric: 0 };
}

export function plan(
  name: string,
  namespaces: readonly NamespacePlan[],
  timeline: readonly TimelineEntryPlan[] = [],
): Plan {
  return {
    format: PLAN_FORMAT,
    scenario: { name, description: name, seed: 1 },
    notes: [],
    namespaces,
    timeline,
    capture: [],
  };
}

/**
 * Docker's publishing lab (docker-semantics.md 6(c)) without the firewall rules: a Docker
 * host with docker0 172.17.0.1/16 and eth0 203.0.113.2/24, a container `web` at
 * 172.17.0.4 serving tcp/80 and udp/9999, and `ext` at 203.0.113.1 beside the host.
 */
export function publishLab(
  helpers: readonly HelperPlan[],
  services: readonly ServicePlan[],
  timeline: readonly TimelineEntryPlan[] = [],
): Plan {
  const host = namespace(
    'dockerhost',
    'docker-host',
    [
      veth('eth0', '02:00:cb:00:71:02', ['203.0.113.2/24'], { ns: 'ext', name: 'eth0' }),
      bridge('docker0', '02:42:00:00:00:01', ['172.17.0.1/16']),
      veth('vethweb', '02:00:00:00:00:04', [], { ns: 'web', name: 'eth0' }, 'docker0'),
    ],
    { helpers },
  );
  const web = namespace(
    'web',
    'container',
    [veth('eth0', '02:42:ac:11:00:04', ['172.17.0.4/16'], { ns: 'dockerhost', name: 'vethweb' })],
    { services },
  );
  const ext = namespace('ext', 'host', [
    veth('eth0', '02:00:cb:00:71:01', ['203.0.113.1/24'], { ns: 'dockerhost', name: 'eth0' }),
  ]);
  return plan(
    'publish-lab',
    [host, { ...web, routes: [...web.routes, defaultRoute('172.17.0.1', 'eth0')] }, ext],
    timeline,
  );
}

/** Docker's vxlan0 (docker-semantics.md 6(h)) for VNI `vni`, its socket in `underlayNs`, a port of br0. */
export function vxlan(name: string, vni: number, underlayNs: string, more: Partial<VxlanParams> = {}): InterfacePlan {
  return {
    name,
    kind: 'vxlan',
    mac: derivedMac(`vxlan/${underlayNs}/${vni}`),
    mtu: 1450,
    up: true,
    addresses: [],
    master: 'br0',
    port: { hairpin: false, learning: true, flood: true },
    vxlan: {
      vni,
      dstPort: 4789,
      srcPortRange: [0, 0],
      underlayNs,
      learning: true,
      proxy: true,
      l2miss: true,
      l3miss: true,
      ageingS: 300,
      udpCsum: true,
      ...more,
    },
    why: 'test overlay tunnel',
  };
}

/** One Docker host's side of an overlay: its namespace, and the container on it. */
export interface OverlaySide {
  readonly host: string;
  /** The host's underlay address (on 192.0.2.0/24). */
  readonly underlay: string;
  readonly overlayNs: string;
  readonly container: string;
  /** The container's overlay address (on 10.0.1.0/24) and MAC. */
  readonly ip: string;
  readonly mac: string;
}

/**
 * Two Docker hosts on one segment (192.0.2.0/24), and an overlay (10.0.1.0/24, VNI
 * `vni`) across them, built as Docker builds it (docker-semantics.md 6(h)): per host an
 * overlay namespace holding br0 (the gateway address, MTU 1450), vxlan0 (its socket in
 * the host's namespace) and one veth port per container. `mode` static: Docker's
 * control plane, each side holding the other container's FDB entry and neighbour (proxy
 * ARP, no flooding); learning: no static MACs, one all-zeros flooding entry toward the
 * other host, no proxy, the tunnel learns the remote MAC.
 */
export function overlayLab(
  name: string,
  mode: 'static' | 'learning',
  vni: number,
  sides: readonly [OverlaySide, OverlaySide],
  timeline: readonly TimelineEntryPlan[] = [],
): Plan {
  const seg = namespace('seg-underlay', 'segment', [
    { ...bridge('sw0', derivedMac('seg-underlay/sw0'), []), why: 'the underlay segment' },
    ...sides.map((s, i) => veth(`p${i + 1}`, derivedMac(`seg/p${i + 1}`), [], { ns: s.host, name: 'eth0' }, 'sw0')),
  ]);
  const hosts = sides.map((s, i) =>
    namespace(s.host, 'docker-host', [
      veth('eth0', derivedMac(`${s.host}/eth0`), [`${s.underlay}/24`], { ns: 'seg-underlay', name: `p${i + 1}` }),
    ]),
  );
  const overlays = sides.flatMap((s, i) => {
    const other = sides[1 - i] as OverlaySide;
    const ov = namespace(
      s.overlayNs,
      'overlay',
      [
        { ...bridge('br0', derivedMac(`${s.overlayNs}/br0`), ['10.0.1.1/24']), mtu: 1450, mtuAuto: false },
        vxlan('vxlan0', vni, s.host, mode === 'learning' ? { proxy: false, l2miss: false, l3miss: false } : {}),
        {
          ...veth(
            `veth${i + 1}`,
            derivedMac(`${s.overlayNs}/veth${i + 1}`),
            [],
            { ns: s.container, name: 'eth0' },
            'br0',
          ),
          mtu: 1450,
        },
      ],
      mode === 'static'
        ? { fdb: [overlayFdb(other)], neighbours: [overlayNeighbour(other)] }
        : { fdb: [{ dev: 'vxlan0', mac: '00:00:00:00:00:00', dst: other.underlay }] },
    );
    const c = namespace(s.container, 'container', [
      { ...veth('eth0', s.mac, [`${s.ip}/24`], { ns: s.overlayNs, name: `veth${i + 1}` }), mtu: 1450 },
    ]);
    return [ov, c];
  });
  return { ...plan(name, [...hosts, seg, ...overlays], timeline), capture: [{ ns: sides[0].host, dev: 'eth0' }] };
}

/** The static FDB entry that sends a side's container's MAC through the tunnel to its host. */
export function overlayFdb(s: OverlaySide): FdbPlan {
  return { dev: 'vxlan0', mac: s.mac, dst: s.underlay };
}

/** The permanent neighbour that lets vxlan0 answer ARP for a side's container (proxy). */
export function overlayNeighbour(s: OverlaySide): NeighbourPlan {
  return { dev: 'vxlan0', address: s.ip, lladdr: s.mac };
}
