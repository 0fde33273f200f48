/**
 * Docker overlay networks as a swarm node builds them (docker-semantics.md 6h; libnetwork
 * drivers/overlay ov_network.go, joinleave.go, peerdb.go): per overlay and node a
 * namespace holding bridge `br0` with the gateway address and `vxlan0` (made in the
 * node's namespace, so its UDP socket and outer routing stay there, then moved in), one
 * `vethN` port per local endpoint, and a static FDB entry and permanent neighbour on
 * `vxlan0` for every endpoint on the other nodes (no ARP crosses the tunnel). Each node's
 * load-balancer endpoint gets a namespace with `eth0` on `br0`.
 *
 * Left out: the load balancer's IPVS service table (its namespace answers ARP and ping
 * but balances nothing), encrypted overlays (IPsec), swarm's ingress network and routing
 * mesh, and the learned `master br0` FDB entries Linux adds by itself.
 */
import { formatCidr, formatIpv4 } from '../../addr.js';
import { derivedMac } from '../../hash.js';
import { lbNsId, overlayNsId } from '../../naming.js';
import { VXLAN_AGEING_S, VXLAN_PORT } from '../../scenario/defaults.js';
import type { LoadBalancerModel, NetworkModel, PeerEntryModel, ScenarioModel } from '../../scenario/model.js';
import { initialPeerEntries } from '../../scenario/overlay.js';
import type { FdbPlan, InterfacePlan, NeighbourPlan, VxlanParams } from '../types.js';
import { DEFAULT_PORT_FLAGS, LINUX_BRIDGE_DEFAULTS } from './bridge-defaults.js';
import { IPV6_OFF, NamespaceBuilder } from './namespace-builder.js';

/** The overlay's bridge and VXLAN device in its namespace (libnetwork osl names: br0, vxlan0). */
export const OVERLAY_BRIDGE = 'br0';
export const OVERLAY_VXLAN = 'vxlan0';

/**
 * Docker's vxlan0 (ov_utils.go createVxlan; measured: `vxlan id 4097 srcport 0 0 dstport
 * 4789 proxy l2miss l3miss ttl auto ageing 300 udpcsum`, learning on, no local).
 */
export function dockerVxlan(vni: number, underlayNs: string): VxlanParams {
  return {
    vni,
    dstPort: VXLAN_PORT,
    srcPortRange: [0, 0],
    underlayNs,
    learning: true,
    proxy: true,
    l2miss: true,
    l3miss: true,
    ageingS: VXLAN_AGEING_S,
    udpCsum: true,
  };
}

/** Every load balancer of the run: those at the start, then those timeline connects create. */
export function allLoadBalancers(m: ScenarioModel): LoadBalancerModel[] {
  const later = m.timeline.flatMap((t) =>
    t.fault?.kind === 'connect' && t.fault.loadBalancer !== undefined ? [t.fault.loadBalancer] : [],
  );
  return [...m.loadBalancers, ...later];
}

/** Builds the overlay namespaces (per overlay and node) and the load-balancer namespaces. */
export function buildOverlays(m: ScenarioModel): NamespaceBuilder[] {
  const entries = initialPeerEntries(m.hosts, m.networks, m.containers, m.loadBalancers);
  const overlays = m.networks.filter((n) => n.driver === 'overlay');
  const nodes = overlays.flatMap((n) => n.hosts.map((h) => overlayNamespace(m, n, h, entries)));
  const lbs = allLoadBalancers(m).map((lb) =>
    lbNamespace(overlays.find((n) => n.key === lb.network) as NetworkModel, lb, m.loadBalancers.includes(lb)),
  );
  return [...nodes, ...lbs];
}

function overlayNamespace(
  m: ScenarioModel,
  n: NetworkModel,
  host: string,
  entries: readonly PeerEntryModel[],
): NamespaceBuilder {
  const b = new NamespaceBuilder(overlayNsId(n.name, host), 'overlay', `overlay ${n.name} (VNI ${n.vni})`, host);
  IPV6_OFF.forEach((x) => b.sysctl(x.key, x.value, x.why));
  b.addInterface({
    name: OVERLAY_BRIDGE,
    kind: 'bridge',
    mac: derivedMac(`overlay/${n.key}/${host}`),
    mtu: n.mtu,
    mtuAuto: true,
    up: true,
    addresses: [`${formatIpv4(n.gateway)}/${n.subnet.len}`],
    bridge: LINUX_BRIDGE_DEFAULTS,
    why: `overlay ${n.name}'s bridge, with its gateway address`,
  });
  b.addInterface(vxlanDevice(n, host));
  const ports: InterfacePlan[] = [];
  for (const c of m.containers.filter((x) => x.host === host)) {
    for (const e of c.endpoints.filter((x) => x.network === n.key))
      ports.push(overlayPort(n, host, e.hostVeth, { ns: c.name, name: e.ifname }, `container ${c.name}'s ${e.ifname}`));
  }
  for (const lb of m.loadBalancers.filter((x) => x.network === n.key && x.host === host)) ports.push(lbPort(n, lb));
  ports.sort((x, y) => portIndex(x.name) - portIndex(y.name)).forEach((p) => b.addInterface(p));
  for (const e of entries.filter((x) => x.on === host && x.peer.network === n.key)) {
    b.fdb.push(peerFdb(e));
    b.neighbours.push(peerNeighbour(e));
  }
  return b;
}

function portIndex(name: string): number {
  return Number(name.replace(/^veth/, ''));
}

function vxlanDevice(n: NetworkModel, host: string): InterfacePlan {
  return {
    name: OVERLAY_VXLAN,
    kind: 'vxlan',
    mac: derivedMac(`vxlan/${n.key}/${host}`),
    mtu: n.mtu,
    up: true,
    addresses: [],
    master: OVERLAY_BRIDGE,
    port: DEFAULT_PORT_FLAGS,
    vxlan: dockerVxlan(n.vni ?? 0, host),
    why: `overlay ${n.name}'s tunnel, made in ${host}'s namespace and moved here`,
  };
}

/** A port of the overlay's bridge: the overlay-side end of an endpoint's veth pair. */
export function overlayPort(
  n: NetworkModel,
  host: string,
  name: string,
  peer: { ns: string; name: string },
  owner: string,
): InterfacePlan {
  return {
    name,
    kind: 'veth',
    mac: derivedMac(`overlay/${n.key}/${host}/${name}`),
    mtu: n.mtu,
    up: true,
    addresses: [],
    master: OVERLAY_BRIDGE,
    peer,
    port: DEFAULT_PORT_FLAGS,
    why: `${owner} on ${n.name}`,
  };
}

/** The overlay-side end of a load balancer's veth pair. */
export function lbPort(n: NetworkModel, lb: LoadBalancerModel): InterfacePlan {
  return overlayPort(n, lb.host, lb.port, { ns: lbNsId(n.name, lb.host), name: 'eth0' }, 'the load balancer');
}

/** The load balancer's own end: eth0 with its address on the overlay. */
export function lbEth(n: NetworkModel, lb: LoadBalancerModel): InterfacePlan {
  return {
    name: 'eth0',
    kind: 'veth',
    mac: lb.mac,
    mtu: n.mtu,
    up: true,
    addresses: [formatCidr(lb.address)],
    peer: { ns: overlayNsId(n.name, lb.host), name: lb.port },
    why: `load-balancer endpoint on ${n.name} (no IPVS: it balances nothing)`,
  };
}

/** The load balancer's namespace; one a timeline connect creates starts with only lo (the connect adds eth0). */
function lbNamespace(n: NetworkModel, lb: LoadBalancerModel, initial: boolean): NamespaceBuilder {
  const b = new NamespaceBuilder(lbNsId(n.name, lb.host), 'overlay-lb', `load balancer of overlay ${n.name}`, lb.host);
  IPV6_OFF.forEach((x) => b.sysctl(x.key, x.value, x.why));
  if (initial) b.addInterface(lbEth(n, lb));
  return b;
}

/** A peer's static FDB entry on vxlan0 (`bridge fdb append MAC dev vxlan0 dst VTEP self permanent`). */
export function peerFdb(e: PeerEntryModel): FdbPlan {
  return { dev: OVERLAY_VXLAN, mac: e.peer.mac, dst: formatIpv4(e.peer.vtep) };
}

/** A peer's permanent neighbour on vxlan0 (`ip neigh replace IP lladdr MAC dev vxlan0 nud permanent`). */
export function peerNeighbour(e: PeerEntryModel): NeighbourPlan {
  return { dev: OVERLAY_VXLAN, address: formatIpv4(e.peer.address), lladdr: e.peer.mac };
}
