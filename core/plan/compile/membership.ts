/**
 * What `docker network connect` and `disconnect` change at the Linux level, and what the
 * overlay control plane changes when it programs or withdraws an endpoint's entries.
 *
 * A connect adds the endpoint's veth pair (the far end in the Docker host's namespace on
 * a bridge network, in the overlay's namespace on an overlay), the kernel route of its
 * address, and, on an overlay, the node's load balancer if this is its first endpoint
 * there and the endpoint's FDB and neighbour entries on the other nodes the timeline
 * entry selects. A disconnect removes the pair (removing one end removes both) and
 * withdraws the entries. Either may add or drop the container's docker_gwbridge leg,
 * and Docker re-picks the endpoint that carries the default route.
 */
import type {
  ContainerModel,
  EndpointModel,
  GatewayLegChange,
  HostModel,
  LoadBalancerModel,
  NetworkModel,
  PeerEntryModel,
  ScenarioModel,
} from '../../scenario/model.js';
import type { DeviceRef, InterfacePlan, RoutePlan, StateChange } from '../types.js';
import { containerEth, defaultRoute, hostVeth, peerNsOf } from './docker.js';
import { kernelRoute } from './namespace-builder.js';
import { lbNsId, overlayNsId } from '../../naming.js';
import { lbEth, lbPort, overlayPort, peerFdb, peerNeighbour } from './overlay.js';

/** The state a membership change starts from: the scenario and each container's current endpoints. */
export interface MembershipContext {
  readonly m: ScenarioModel;
  readonly endpoints: Map<string, EndpointModel[]>;
}

type Added = { ns: string; iface: InterfacePlan };
type Routed = { ns: string; route: RoutePlan };

function networkOf(m: ScenarioModel, key: string): NetworkModel {
  return m.networks.find((n) => n.key === key) as NetworkModel;
}

/** Both ends of an endpoint's veth pair, and the kernel route of its address. */
function endpointPair(m: ScenarioModel, c: ContainerModel, e: EndpointModel): { adds: Added[]; routes: Routed[] } {
  const n = networkOf(m, e.network);
  const h = m.hosts.find((x) => x.name === c.host) as HostModel;
  const far =
    n.driver === 'overlay'
      ? {
          ns: overlayNsId(n.name, c.host),
          iface: overlayPort(
            n,
            c.host,
            e.hostVeth,
            { ns: c.name, name: e.ifname },
            `container ${c.name}'s ${e.ifname}`,
          ),
        }
      : { ns: c.host, iface: hostVeth(h, c.name, e, n) };
  const eth = containerEth(peerNsOf(n, c.host), e, n);
  return {
    adds: [far, { ns: c.name, iface: eth }],
    routes: eth.addresses.map((a) => ({ ns: c.name, route: kernelRoute(a, eth.name) })),
  };
}

/** The far end of an endpoint's pair, whose removal removes the pair. */
function farEnd(m: ScenarioModel, c: ContainerModel, e: EndpointModel): DeviceRef {
  return { ns: peerNsOf(networkOf(m, e.network), c.host), dev: e.hostVeth };
}

/** A load balancer's pair, new with a connect. */
function loadBalancerPair(m: ScenarioModel, lb: LoadBalancerModel): { adds: Added[]; routes: Routed[] } {
  const n = networkOf(m, lb.network);
  const eth = lbEth(n, lb);
  const ns = lbNsId(n.name, lb.host);
  return {
    adds: [
      { ns: overlayNsId(n.name, lb.host), iface: lbPort(n, lb) },
      { ns, iface: eth },
    ],
    routes: eth.addresses.map((a) => ({ ns, route: kernelRoute(a, eth.name) })),
  };
}

/** What a docker_gwbridge leg change adds and removes. */
function legChange(
  m: ScenarioModel,
  c: ContainerModel,
  g: GatewayLegChange,
): { adds: Added[]; routes: Routed[]; removes: DeviceRef[] } {
  const pair = g.add === undefined ? { adds: [], routes: [] } : endpointPair(m, c, g.add);
  return { ...pair, removes: g.remove === undefined ? [] : [farEnd(m, c, g.remove)] };
}

/** Entries as plan FDB and neighbour changes, in each node's overlay namespace. */
function entryChanges(m: ScenarioModel, entries: readonly PeerEntryModel[]) {
  const ns = (e: PeerEntryModel) => overlayNsId(networkOf(m, e.peer.network).name, e.on);
  return {
    fdb: entries.map((e) => ({ ns: ns(e), fdb: peerFdb(e) })),
    neighbours: entries.map((e) => ({ ns: ns(e), neighbour: peerNeighbour(e) })),
  };
}

/** docker network connect: the endpoint, its node's new load balancer, the gwbridge leg, the entries on other nodes. */
export function connectChange(
  ctx: MembershipContext,
  container: string,
  ep: EndpointModel,
  gateway: GatewayLegChange,
  lb: LoadBalancerModel | undefined,
  program: readonly PeerEntryModel[],
): StateChange {
  const c = ctx.m.containers.find((x) => x.name === container) as ContainerModel;
  const before = ctx.endpoints.get(container) ?? [];
  const after = [
    ...before.filter((e) => e !== gateway.remove),
    ep,
    ...(gateway.add === undefined ? [] : [gateway.add]),
  ];
  ctx.endpoints.set(container, after);
  const own = endpointPair(ctx.m, c, ep);
  const lbs = lb === undefined ? { adds: [], routes: [] } : loadBalancerPair(ctx.m, lb);
  const leg = legChange(ctx.m, c, gateway);
  const swap = routeSwap(ctx.m.networks, container, before, after);
  const entries = entryChanges(ctx.m, program);
  return {
    addInterfaces: [...own.adds, ...lbs.adds, ...leg.adds],
    removeInterfaces: leg.removes,
    addRoutes: [...own.routes, ...lbs.routes, ...leg.routes, ...swap.addRoutes],
    removeRoutes: swap.removeRoutes,
    ...(program.length > 0 && { addFdb: entries.fdb, addNeighbours: entries.neighbours }),
  };
}

/**
 * docker network disconnect: the endpoint goes, the gwbridge leg may come or go, the other nodes
 * withdraw its entries.
 */
export function disconnectChange(
  ctx: MembershipContext,
  container: string,
  network: string,
  gateway: GatewayLegChange,
  unprogram: readonly PeerEntryModel[],
): StateChange {
  const c = ctx.m.containers.find((x) => x.name === container) as ContainerModel;
  const before = ctx.endpoints.get(container) ?? [];
  const ep = before.find((x) => x.network === network) as EndpointModel;
  const after = [
    ...before.filter((x) => x !== ep && x !== gateway.remove),
    ...(gateway.add === undefined ? [] : [gateway.add]),
  ];
  ctx.endpoints.set(container, after);
  const leg = legChange(ctx.m, c, gateway);
  const swap = routeSwap(ctx.m.networks, container, before, after);
  const entries = entryChanges(ctx.m, unprogram);
  return {
    addInterfaces: leg.adds,
    removeInterfaces: [farEnd(ctx.m, c, ep), ...leg.removes],
    addRoutes: [...leg.routes, ...swap.addRoutes],
    removeRoutes: swap.removeRoutes,
    ...(unprogram.length > 0 && { removeFdb: entries.fdb, removeNeighbours: entries.neighbours }),
  };
}

/** The control plane programming (or withdrawing) entries on one node: FDB and neighbour changes only. */
export function programChange(
  m: ScenarioModel,
  kind: 'program' | 'unprogram',
  entries: readonly PeerEntryModel[],
): StateChange {
  const x = entryChanges(m, entries);
  const base = { addInterfaces: [], removeInterfaces: [], addRoutes: [], removeRoutes: [] };
  return kind === 'program'
    ? { ...base, addFdb: x.fdb, addNeighbours: x.neighbours }
    : { ...base, removeFdb: x.fdb, removeNeighbours: x.neighbours };
}

/** Docker re-picks the gateway endpoint when the endpoints change. */
function routeSwap(
  networks: readonly NetworkModel[],
  ns: string,
  before: readonly EndpointModel[],
  after: readonly EndpointModel[],
): Pick<StateChange, 'addRoutes' | 'removeRoutes'> {
  const old = defaultRoute(before, networks);
  const now = defaultRoute(after, networks);
  if (old?.dev === now?.dev && old?.via === now?.via) return { addRoutes: [], removeRoutes: [] };
  return {
    addRoutes: now === undefined ? [] : [{ ns, route: now }],
    removeRoutes: old === undefined ? [] : [{ ns, route: old }],
  };
}
