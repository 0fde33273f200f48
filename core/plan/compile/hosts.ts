/**
 * A host's own namespace: loopback, the host end of each underlay cable, bridges and
 * learning-mode VXLAN devices of a plain host (one all-zeros FDB entry per remote, the
 * flooding list of ip-link(8)'s `remote`), routes, sysctls, services, and its firewall (`firewall.ts`: Docker's rules
 * and the user's, with the docker-proxy processes and sysctls that go with them).
 * Docker networks on the host are added by `docker.ts`.
 */
import { cidrContains, formatCidr, formatIpv4, parseIpv4, subnetOf } from '../../addr.js';
import { derivedMac } from '../../hash.js';
import { VXLAN_AGEING_S } from '../../scenario/defaults.js';
import type { HostModel, HostVxlanModel, RouteModel } from '../../scenario/model.js';
import { canonicalSysctlKey } from '../sysctl.js';
import type { InterfacePlan, RoutePlan } from '../types.js';
import { bridgeAutoMtu, DEFAULT_PORT_FLAGS, LINUX_BRIDGE_DEFAULTS } from './bridge-defaults.js';
import { IPV6_OFF, NamespaceBuilder } from './namespace-builder.js';
import { impaired } from '../../scenario/shape.js';
import { segmentNs } from '../../naming.js';
import { qdisc } from './underlay.js';
import type { HostFirewall } from './firewall.js';

const ROLE = { docker: 'docker-host', linux: 'host', router: 'router' } as const;

/**
 * Builds a host's namespace; `ports` maps `host:if` to the switch port its cable ends
 * in, `fw` is the host's firewall.
 */
export function buildHost(h: HostModel, ports: Map<string, string>, fw: HostFirewall): NamespaceBuilder {
  const what =
    h.kind === 'docker' ? `Docker host (engine ${h.docker?.version})` : h.kind === 'router' ? 'router' : 'Linux host';
  const b = new NamespaceBuilder(h.name, ROLE[h.kind], what);
  IPV6_OFF.forEach((x) => b.sysctl(x.key, x.value, x.why));
  const forward = fw.forwarding ?? { on: h.kind === 'router', why: forwardWhy(h) };
  b.sysctl('net.ipv4.ip_forward', forward.on ? '1' : '0', forward.why);
  if (h.kind === 'docker' && h.docker?.iptables !== false) {
    b.sysctl(
      'net.bridge.bridge-nf-call-iptables',
      '1',
      'dockerd: bridged container traffic traverses iptables (br_netfilter)',
    );
    b.sysctl('net.bridge.bridge-nf-call-ip6tables', '1', 'dockerd sets it with the IPv4 one');
  }
  fw.sysctls.forEach((x) => b.sysctl(x.key, x.value, x.why));
  const master = new Map(h.bridges.flatMap((br) => br.members.map((m) => [m, br.name] as const)));
  for (const i of h.interfaces) {
    const far = ports.get(`${h.name}:${i.name}`) ?? '';
    const br = master.get(i.name);
    b.addInterface({
      name: i.name,
      kind: 'veth',
      mac: i.mac ?? derivedMac(`host/${h.name}/${i.name}`),
      mtu: i.mtu,
      up: true,
      addresses: i.addresses.map(formatCidr),
      peer: { ns: segmentNs(i.segment), name: far },
      ...(br !== undefined && { master: br, port: DEFAULT_PORT_FLAGS }),
      why: `cable to ${i.segment}`,
    });
    if (impaired(i.shape)) b.qdiscs.push(qdisc(i.name, i.shape, `impairment of ${h.name}:${i.name}'s cable`));
  }
  for (const x of h.vxlans) {
    const br = master.get(x.name);
    b.addInterface(learningVxlan(h, x, br));
    x.remotes.forEach((r) => b.fdb.push({ dev: x.name, mac: FLOOD_MAC, dst: formatIpv4(r) }));
  }
  for (const br of h.bridges) {
    const portMtus = [...h.interfaces, ...h.vxlans].filter((i) => br.members.includes(i.name)).map((i) => i.mtu);
    b.addInterface({
      name: br.name,
      kind: 'bridge',
      mac: br.mac ?? derivedMac(`bridge/${h.name}/${br.name}`),
      mtu: br.mtu ?? bridgeAutoMtu(portMtus),
      ...(br.mtu === undefined && { mtuAuto: true }),
      up: true,
      addresses: br.addresses.map(formatCidr),
      bridge: { ...LINUX_BRIDGE_DEFAULTS, mcastSnooping: br.mcastSnooping },
      why: `bridge of ${br.members.join(', ') || 'no ports'}`,
    });
  }
  for (const [k, v] of Object.entries(h.sysctls)) b.sysctl(canonicalSysctlKey(k), v, 'set in the scenario');
  h.routes.forEach((r) => b.routes.push(staticRoute(h, r)));
  b.netfilter = fw.netfilter;
  b.helpers.push(...fw.helpers);
  h.listen.forEach((l) => b.services.push({ proto: l.proto, port: l.port, owner: h.name }));
  return b;
}

/** The all-zeros MAC: a VXLAN FDB entry with it names a flooding destination (bridge(8) fdb, vxlan). */
export const FLOOD_MAC = '00:00:00:00:00:00';

/** A learning-mode VXLAN device; its underlay is the host's own namespace. */
function learningVxlan(h: HostModel, x: HostVxlanModel, master: string | undefined): InterfacePlan {
  return {
    name: x.name,
    kind: 'vxlan',
    mac: x.mac ?? derivedMac(`vxlan/${h.name}/${x.name}`),
    mtu: x.mtu,
    up: true,
    addresses: x.addresses.map(formatCidr),
    ...(master !== undefined && { master, port: DEFAULT_PORT_FLAGS }),
    vxlan: {
      vni: x.vni,
      dstPort: x.dstPort,
      srcPortRange: [0, 0],
      underlayNs: h.name,
      ...(x.local !== undefined && { local: formatIpv4(x.local) }),
      // udpcsum: what Linux does when ip-link is not told (no IFLA_VXLAN_UDP_CSUM); Docker's vxlan0 shows it too (6h).
      learning: x.learning,
      proxy: false,
      l2miss: false,
      l3miss: false,
      ageingS: VXLAN_AGEING_S,
      udpCsum: true,
    },
    why: `VXLAN ${x.vni} in learning mode, flooding to ${x.remotes.map(formatIpv4).join(', ') || 'no one'}`,
  };
}

function forwardWhy(h: HostModel): string {
  return h.kind === 'router' ? 'a router forwards' : 'a plain host does not forward (Linux default)';
}

/** A user route; the output device, when not given, is the one whose subnet holds the gateway. */
function staticRoute(h: HostModel, r: RouteModel): RoutePlan {
  const devs = [...h.interfaces, ...h.vxlans, ...h.bridges];
  const dev =
    r.dev ??
    devs.find((d) => r.via !== undefined && d.addresses.some((a) => cidrContains(subnetOf(a), r.via as number)))
      ?.name ??
    '';
  return {
    dst: r.to.len === 0 ? 'default' : formatCidr(r.to),
    ...(r.via !== undefined && { via: formatIpv4(r.via) }),
    dev,
    proto: 'static',
    scope: r.via === undefined ? 'link' : 'global',
    metric: r.metric,
  };
}

/** Parses a plan route's gateway back (helper for tests and renderers). */
export function viaOf(r: RoutePlan): number | undefined {
  return r.via === undefined ? undefined : parseIpv4(r.via);
}
