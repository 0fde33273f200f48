/**
 * Docker's bridge networks and containers, as a Docker engine builds them: per network
 * a Linux bridge holding the gateway address, per endpoint a veth pair with the host end
 * on the bridge (hairpin on when the userland proxy is off) and the container end named
 * ethN with Docker's MAC, and in each container the default route Docker picks.
 * Measured facts: docker-semantics.md 4.1-4.2. Overlay namespaces are built by
 * `overlay.ts`; a container's overlay legs are built here, their peers there.
 */
import { formatCidr, formatIpv4 } from '../../addr.js';
import { derivedMac } from '../../hash.js';
import { overlayNsId } from '../../naming.js';
import type { ContainerModel, EndpointModel, HostModel, NetworkModel } from '../../scenario/model.js';
import type { InterfacePlan, RoutePlan } from '../types.js';
import { bridgeAutoMtu, LINUX_BRIDGE_DEFAULTS } from './bridge-defaults.js';
import { IPV6_OFF, NamespaceBuilder } from './namespace-builder.js';

/** Adds the host's bridge networks (default bridge first, then in file order). */
export function addDockerBridges(
  b: NamespaceBuilder,
  h: HostModel,
  networks: readonly NetworkModel[],
  containers: readonly ContainerModel[],
): void {
  for (const n of networks.filter((x) => x.driver === 'bridge' && x.hosts[0] === h.name)) {
    const eps = containers.flatMap((c) => c.endpoints.filter((e) => e.network === n.key));
    b.addInterface({
      name: n.bridgeName,
      kind: 'bridge',
      mac: derivedMac(`docker/${h.name}/${n.key}`),
      mtu: bridgeAutoMtu(eps.map(() => n.mtu)),
      mtuAuto: true,
      up: true,
      addresses: [`${formatIpv4(n.gateway)}/${n.subnet.len}`],
      bridge: LINUX_BRIDGE_DEFAULTS,
      why: n.isDefault
        ? "Docker's default bridge network"
        : n.gwBridge === true
          ? "docker_gwbridge: overlay containers' outside traffic (icc off)"
          : `Docker network ${n.name}${n.internal ? ' (internal)' : ''}`,
    });
  }
  for (const c of containers.filter((x) => x.host === h.name)) {
    for (const e of c.endpoints) {
      const n = networks.find((x) => x.key === e.network);
      if (n !== undefined && n.driver === 'bridge') b.addInterface(hostVeth(h, c.name, e, n));
    }
  }
}

/** The host end of an endpoint's veth pair, a port of the network's bridge. */
export function hostVeth(h: HostModel, container: string, e: EndpointModel, n: NetworkModel): InterfacePlan {
  return {
    name: e.hostVeth,
    kind: 'veth',
    mac: derivedMac(`veth/${h.name}/${e.hostVeth}`),
    mtu: n.mtu,
    up: true,
    addresses: [],
    master: n.bridgeName,
    peer: { ns: container, name: e.ifname },
    // docker-semantics.md 4.2: "hairpin on when --userland-proxy=false".
    port: { hairpin: h.docker?.userlandProxy === false, learning: true, flood: true },
    why: `container ${container}'s ${e.ifname} on ${n.name}`,
  };
}

/** The container's end of an endpoint. */
export function containerEth(host: string, e: EndpointModel, n: NetworkModel): InterfacePlan {
  return {
    name: e.ifname,
    kind: 'veth',
    mac: e.mac,
    mtu: n.mtu,
    up: true,
    addresses: [formatCidr(e.address)],
    peer: { ns: host, name: e.hostVeth },
    why: `network ${n.name}`,
  };
}

/** Builds a container's own namespace (bridge and none modes). */
export function buildContainer(c: ContainerModel, networks: readonly NetworkModel[]): NamespaceBuilder {
  const b = new NamespaceBuilder(
    c.name,
    'container',
    c.mode === 'none' ? 'container (network-mode none)' : 'container',
    c.host,
  );
  IPV6_OFF.forEach((x) =>
    b.sysctl(x.key, x.value, 'Docker disables IPv6 in containers unless asked (docker-semantics.md 4.2)'),
  );
  b.sysctl('net.ipv4.ip_forward', '0', 'containers do not forward (docker-semantics.md 4.2)');
  for (const e of c.endpoints) {
    const n = networks.find((x) => x.key === e.network);
    if (n !== undefined) b.addInterface(containerEth(peerNsOf(n, c.host), e, n));
  }
  const gw = defaultRoute(c.endpoints, networks);
  if (gw !== undefined) b.routes.push(gw);
  c.listen.forEach((l) => b.services.push({ proto: l.proto, port: l.port, owner: c.name }));
  return b;
}

/** The namespace holding the other end of an endpoint's veth: the Docker host's, or the overlay's on that host. */
export function peerNsOf(n: NetworkModel, host: string): string {
  return n.driver === 'overlay' ? overlayNsId(n.name, host) : host;
}

/**
 * The endpoint that carries the default route: the first, in libnetwork's order, whose
 * driver gives a gateway (sandbox.go getGatewayEndpoint; overlays give none, bridge
 * networks and docker_gwbridge do). The order (endpoint.Less): higher gw-priority
 * first, the docker_gwbridge leg last, internal networks last, then by network name.
 * Measured: connecting netA to a container on netMTU moved its default route to netA
 * (docker-semantics.md 4.2); an overlay container's default route is on its gwbridge leg (6h).
 */
export function gatewayEndpoint(
  eps: readonly EndpointModel[],
  networks: readonly NetworkModel[],
): EndpointModel | undefined {
  const net = (e: EndpointModel) => networks.find((n) => n.key === e.network);
  return [...eps]
    .filter((e) => net(e)?.driver === 'bridge')
    .sort((a, b) => {
      const na = net(a);
      const nb = net(b);
      return (
        b.gwPriority - a.gwPriority ||
        Number(na?.gwBridge === true) - Number(nb?.gwBridge === true) ||
        Number(na?.internal) - Number(nb?.internal) ||
        byteOrder(na?.name ?? '', nb?.name ?? '')
      );
    })[0];
}

/** Go's string comparison (byte order), which libnetwork's ordering uses; not locale order. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The container's default route, via the gateway endpoint's network gateway. */
export function defaultRoute(eps: readonly EndpointModel[], networks: readonly NetworkModel[]): RoutePlan | undefined {
  const e = gatewayEndpoint(eps, networks);
  const n = e === undefined ? undefined : networks.find((x) => x.key === e.network);
  if (e === undefined || n === undefined) return undefined;
  return { dst: 'default', via: formatIpv4(n.gateway), dev: e.ifname, proto: 'static', scope: 'global', metric: 0 };
}
