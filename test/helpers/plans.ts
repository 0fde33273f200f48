/**
 * Small plans written by hand, for the emulator's tests of one feature at a time (the
 * scenario compiler is not needed to build two namespaces and a cable). They follow the
 * compiler's shapes: a loopback first, kernel routes for every address, IPv6 off.
 */
import type { HelperPlan, InterfacePlan, NamespacePlan, Plan, RoutePlan, ServicePlan, SysctlPlan, TimelineEntryPlan } from '../../core/plan/types.js';
import { PLAN_FORMAT } from '../../core/plan/types.js';
import { formatCidr, parseIfAddr, subnetOf } from '../../core/addr.js';

export const LOOPBACK: InterfacePlan = { name: 'lo', kind: 'loopback', mtu: 65536, up: true, addresses: ['127.0.0.1/8'], why: 'loopback' };

const IPV6_OFF: SysctlPlan[] = [
  { key: 'net.ipv6.conf.all.disable_ipv6', value: '1', why: 'IPv4 only' },
  { key: 'net.ipv6.conf.default.disable_ipv6', value: '1', why: 'IPv4 only' },
];

/** A namespace with the given devices (after lo); the rest empty unless given. */
export function namespace(id: string, role: NamespacePlan['role'], interfaces: readonly InterfacePlan[], more: Partial<NamespacePlan> = {}): NamespacePlan {
  return {
    id, role, description: id, interfaces: [LOOPBACK, ...interfaces], routes: kernelRoutes(interfaces), sysctls: IPV6_OFF,
    neighbours: [], fdb: [], netfilter: '', qdiscs: [], services: [], helpers: [], ...more,
  };
}

/** The routes Linux adds for each address (`proto kernel scope link`). */
export function kernelRoutes(interfaces: readonly InterfacePlan[]): RoutePlan[] {
  return interfaces.flatMap((i) => i.addresses.map((a) => {
    const ia = parseIfAddr(a);
    if (ia === undefined) throw new Error(`not an interface address: ${a}`);
    return { dst: formatCidr(subnetOf(ia)), dev: i.name, proto: 'kernel', scope: 'link', src: a.split('/')[0] as string, metric: 0 } as const;
  }));
}

/** One end of a veth pair. */
export function veth(name: string, mac: string, addresses: readonly string[], peer: { ns: string; name: string }, master?: string): InterfacePlan {
  return {
    name, kind: 'veth', mac, mtu: 1500, up: true, addresses, peer, why: 'test cable',
    ...(master !== undefined && { master, port: { hairpin: false, learning: true, flood: true } }),
  };
}

export function bridge(name: string, mac: string, addresses: readonly string[]): InterfacePlan {
  return { name, kind: 'bridge', mac, mtu: 1500, mtuAuto: true, up: true, addresses, bridge: { stp: false, ageingTimeCs: 30000, mcastSnooping: true }, why: 'test bridge' };
}

export function defaultRoute(via: string, dev: string): RoutePlan {
  return { dst: 'default', via, dev, proto: 'static', scope: 'global', metric: 0 };
}

export function plan(name: string, namespaces: readonly NamespacePlan[], timeline: readonly TimelineEntryPlan[] = []): Plan {
  return { format: PLAN_FORMAT, scenario: { name, description: name, seed: 1 }, notes: [], namespaces, timeline, capture: [] };
}

/**
 * Docker's publishing lab (docker-semantics.md 6(c)) without the firewall rules: a Docker
 * host with docker0 172.17.0.1/16 and eth0 203.0.113.2/24, a container `web` at
 * 172.17.0.4 serving tcp/80 and udp/9999, and `ext` at 203.0.113.1 beside the host.
 */
export function publishLab(helpers: readonly HelperPlan[], services: readonly ServicePlan[], timeline: readonly TimelineEntryPlan[] = []): Plan {
  const host = namespace('dockerhost', 'docker-host', [
    veth('eth0', '02:00:cb:00:71:02', ['203.0.113.2/24'], { ns: 'ext', name: 'eth0' }),
    bridge('docker0', '02:42:00:00:00:01', ['172.17.0.1/16']),
    veth('vethweb', '02:00:00:00:00:04', [], { ns: 'web', name: 'eth0' }, 'docker0'),
  ], { helpers });
  const web = namespace('web', 'container', [veth('eth0', '02:42:ac:11:00:04', ['172.17.0.4/16'], { ns: 'dockerhost', name: 'vethweb' })], { services });
  const ext = namespace('ext', 'host', [veth('eth0', '02:00:cb:00:71:01', ['203.0.113.1/24'], { ns: 'dockerhost', name: 'eth0' })]);
  return plan('publish-lab', [
    host,
    { ...web, routes: [...web.routes, defaultRoute('172.17.0.1', 'eth0')] },
    ext,
  ], timeline);
}
