/**
 * Facts about Docker overlays that resolve and compile both need: which endpoints the
 * swarm control plane announces to the other nodes (every container endpoint and each
 * node's load-balancer endpoint, with its node's advertise address as tunnel endpoint:
 * the overlay driver's PeerRecord, libnetwork drivers/overlay/joinleave.go), and when a
 * container gets a leg on `docker_gwbridge` (libnetwork default_gateway.go needDefaultGW).
 *
 * Left out: the gossip itself (NetworkDB over port 7946) and its timing; a scenario says
 * when entries arrive or go with the timeline's program and unprogram.
 */
import type {
  ContainerModel,
  EndpointModel,
  HostModel,
  LoadBalancerModel,
  NetworkModel,
  PeerEntryModel,
  PeerModel,
} from './model.js';

/**
 * A node's tunnel endpoint: the address it advertises to the swarm (0 when it has none, an error
 * reported while resolving).
 */
export function vtepOf(hosts: readonly HostModel[] | ReadonlyMap<string, HostModel>, host: string): number {
  const h = 'get' in hosts ? hosts.get(host) : hosts.find((x) => x.name === host);
  return h?.docker?.advertiseAddr ?? 0;
}

/** A container's overlay endpoint as announced to the other nodes. */
export function endpointPeer(container: string, host: string, e: EndpointModel, vtep: number): PeerModel {
  return { network: e.network, owner: container, host, address: e.address.addr, mac: e.mac, vtep };
}

/** A node's load-balancer endpoint as announced to the other nodes. */
export function loadBalancerPeer(lb: LoadBalancerModel, vtep: number): PeerModel {
  return { network: lb.network, owner: `lb@${lb.host}`, host: lb.host, address: lb.address.addr, mac: lb.mac, vtep };
}

/** Entries for `peer` on every other node the overlay spans. */
export function entriesOnOthers(n: NetworkModel, peer: PeerModel): PeerEntryModel[] {
  return n.hosts.filter((h) => h !== peer.host).map((on) => ({ on, peer }));
}

/**
 * The entries every node holds when the run starts: for each overlay, every container
 * endpoint (containers in file order) and every load balancer, on each other node.
 */
export function initialPeerEntries(
  hosts: readonly HostModel[] | ReadonlyMap<string, HostModel>,
  networks: readonly NetworkModel[],
  containers: readonly ContainerModel[],
  loadBalancers: readonly LoadBalancerModel[],
): PeerEntryModel[] {
  const out: PeerEntryModel[] = [];
  for (const n of networks.filter((x) => x.driver === 'overlay')) {
    for (const c of containers) {
      for (const e of c.endpoints.filter((x) => x.network === n.key))
        out.push(...entriesOnOthers(n, endpointPeer(c.name, c.host, e, vtepOf(hosts, c.host))));
    }
    for (const lb of loadBalancers.filter((x) => x.network === n.key))
      out.push(...entriesOnOthers(n, loadBalancerPeer(lb, vtepOf(hosts, lb.host))));
  }
  return out;
}

/** Whether two peers would program the same entries (same address, MAC and tunnel endpoint). */
export function samePeer(a: PeerModel, b: PeerModel): boolean {
  return a.address === b.address && a.mac === b.mac && a.vtep === b.vtep;
}

/**
 * Whether a container with these endpoints needs a `docker_gwbridge` leg: some
 * non-internal endpoint has no gateway (an overlay's) and none has one (a bridge
 * network's, internal ones aside). libnetwork default_gateway.go needDefaultGW.
 */
export function needsGwBridge(
  eps: readonly EndpointModel[],
  networks: readonly NetworkModel[] | ReadonlyMap<string, NetworkModel>,
): boolean {
  let need = false;
  for (const e of eps) {
    const n = 'get' in networks ? networks.get(e.network) : networks.find((x) => x.key === e.network);
    if (n === undefined || n.gwBridge === true || n.internal) continue;
    if (n.driver === 'bridge') return false;
    need = true;
  }
  return need;
}
