/**
 * Resolve what Docker's overlay machinery adds around a container's endpoints: the
 * `vethN` names in each overlay namespace (libnetwork osl AddInterface: PREFIX + a
 * counter per namespace that only grows), each node's load-balancer endpoint (its address
 * right after the first endpoint on that node: docker-semantics.md 6h), the
 * `docker_gwbridge` leg (default_gateway.go setupDefaultGW and clearDefaultGW, run after
 * every join and leave), and the static entries each node holds for the other nodes'
 * endpoints, as the timeline's connects, disconnects, program and unprogram change them.
 *
 * Left out: the LB endpoint going away when a node's last container leaves (Docker then
 * removes the network from a worker); here it stays for the rest of the run.
 */
import { dockerMacFromIpv4, formatIpv4 } from '../../addr.js';
import type { Path } from '../diagnostics.js';
import type {
  EndpointModel,
  GatewayLegChange,
  HostModel,
  LoadBalancerModel,
  NetworkModel,
  PeerEntryModel,
  PeerModel,
} from '../model.js';
import { initialPeerEntries, needsGwBridge, samePeer } from '../overlay.js';
import type { ResolveContext } from './context.js';
import { attach, type IfIndexCounters } from './containers.js';
import { gwBridgeKey } from './networks.js';

/** The overlay state resolve keeps while it walks the containers and the timeline. */
export class OverlayState {
  private readonly ports = new Map<string, number>();
  readonly loadBalancers: LoadBalancerModel[] = [];
  /** Peers whose entries each node holds, by `network|node`. */
  private readonly held = new Map<string, PeerModel[]>();

  /** The next `vethN` in the overlay namespace of `network` on `host`. */
  nextPort(network: string, host: string): string {
    const key = `${network}|${host}`;
    const n = this.ports.get(key) ?? 0;
    this.ports.set(key, n + 1);
    return `veth${n}`;
  }

  /** The peers whose entries `on` holds for `network`. */
  holds(network: string, on: string): readonly PeerModel[] {
    return this.held.get(`${network}|${on}`) ?? [];
  }

  add(e: PeerEntryModel): void {
    const key = `${e.peer.network}|${e.on}`;
    this.held.set(key, [...this.holds(e.peer.network, e.on), e.peer]);
  }

  remove(e: PeerEntryModel): void {
    const key = `${e.peer.network}|${e.on}`;
    this.held.set(
      key,
      this.holds(e.peer.network, e.on).filter((p) => p !== e.peer),
    );
  }
}

/**
 * The node's load-balancer endpoint on `net`, created with the first endpoint there;
 * returns it only when this call created it.
 */
export function ensureLoadBalancer(
  ctx: ResolveContext,
  net: NetworkModel,
  host: string,
  path: Path,
): LoadBalancerModel | undefined {
  if (net.driver !== 'overlay' || ctx.overlay.loadBalancers.some((l) => l.network === net.key && l.host === host))
    return undefined;
  const a = ctx.addresses.get(net.key)?.next(`the load balancer on ${host}`);
  if (a === undefined)
    return void ctx.sink.error(
      path,
      `network ${net.name} has no free address left for ${host}'s load-balancer endpoint, which Docker adds with the first container on each node`,
    );
  const lb: LoadBalancerModel = {
    network: net.key,
    host,
    address: { addr: a, len: net.subnet.len },
    mac: dockerMacFromIpv4(a),
    port: ctx.overlay.nextPort(net.key, host),
  };
  ctx.overlay.loadBalancers.push(lb);
  return lb;
}

/**
 * Adds or drops the container's docker_gwbridge leg after its endpoints changed to `eps`
 * (libnetwork runs setupDefaultGW or clearDefaultGW after every join and leave); returns
 * the new endpoint list and what changed.
 */
export function settleGatewayLeg(
  ctx: ResolveContext,
  container: string,
  host: HostModel,
  eps: readonly EndpointModel[],
  counters: IfIndexCounters,
  path: Path,
): { eps: EndpointModel[]; change: GatewayLegChange } {
  const key = gwBridgeKey(host.name);
  const leg = eps.find((e) => e.network === key);
  const need = needsGwBridge(eps, ctx.networks);
  if (leg !== undefined && !need) {
    ctx.addresses.get(key)?.release(leg.address.addr);
    return { eps: eps.filter((e) => e !== leg), change: { remove: leg } };
  }
  if (leg !== undefined || !need || !ctx.networks.has(key)) return { eps: [...eps], change: {} };
  const add = attach(ctx, container, host, { network: key, ip: undefined, prio: 0, path, ipPath: path }, counters);
  return add === undefined ? { eps: [...eps], change: {} } : { eps: [...eps, add], change: { add } };
}

/** Seeds the entries every node holds at the start (see core/scenario/overlay.ts). */
export function seedPeers(ctx: ResolveContext): void {
  const entries = initialPeerEntries(
    ctx.hosts,
    [...ctx.networks.values()],
    [...ctx.containers.values()],
    ctx.overlay.loadBalancers,
  );
  entries.forEach((e) => ctx.overlay.add(e));
}

/** `all`, `none` or a list of nodes, as a timeline field gives it. */
export type NodeSelection = 'all' | 'none' | readonly string[];

/**
 * The nodes a connect or disconnect updates: every other node of the overlay (`all`),
 * none, or the listed ones, each of which must be another node the overlay spans.
 */
export function selectNodes(
  ctx: ResolveContext,
  sel: NodeSelection | undefined,
  net: NetworkModel,
  own: string,
  path: Path,
): string[] {
  const others = net.hosts.filter((h) => h !== own);
  if (sel === undefined || sel === 'all') return others;
  if (sel === 'none') return [];
  return sel.filter((h, i) => {
    if (h === own)
      ctx.sink.error([...path, i], `the endpoint is on ${own}; a node never holds entries for its own endpoints`, h);
    else if (!net.hosts.includes(h))
      ctx.sink.error(
        [...path, i],
        `overlay ${net.name} spans ${net.hosts.join(', ')}; expected one of the other nodes: ${others.join(', ') || '(none)'}`,
        h,
      );
    else return true;
    return false;
  });
}

/**
 * Programs `peers` on each node: entries a node already holds are left alone; an entry
 * for the same address with another MAC or node (a stale one) is an error, since the
 * neighbour entry would be replaced under the stale FDB entry.
 */
export function programPeers(
  ctx: ResolveContext,
  nodes: readonly string[],
  peers: readonly PeerModel[],
  path: Path,
): PeerEntryModel[] {
  const out: PeerEntryModel[] = [];
  for (const on of nodes) {
    for (const peer of peers) {
      const held = ctx.overlay.holds(peer.network, on);
      if (held.some((p) => samePeer(p, peer))) continue;
      const stale = held.find((p) => p.address === peer.address);
      if (stale !== undefined) {
        ctx.sink.error(
          path,
          `${on} still holds entries for ${formatIpv4(peer.address)} from ${stale.owner} (another MAC or node); withdraw them first with unprogram`,
        );
        continue;
      }
      const e = { on, peer };
      ctx.overlay.add(e);
      out.push(e);
    }
  }
  return out;
}

/** Withdraws the entries of peers matching `match` from each node; returns what was withdrawn. */
export function withdrawPeers(
  ctx: ResolveContext,
  network: string,
  nodes: readonly string[],
  match: (p: PeerModel) => boolean,
): PeerEntryModel[] {
  const out: PeerEntryModel[] = [];
  for (const on of nodes) {
    for (const peer of ctx.overlay.holds(network, on).filter(match)) {
      const e = { on, peer };
      ctx.overlay.remove(e);
      out.push(e);
    }
  }
  return out;
}
