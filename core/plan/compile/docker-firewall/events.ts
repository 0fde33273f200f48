/**
 * The life of a Docker engine as its firewall code sees it, in the order the scenario
 * implies: the daemon starts; its bridge networks are created (the default bridge
 * first, then the file's networks in file order); then each container starts, in file
 * order, and joins its networks in connect order.
 *
 * When a container joins a network, the bridge driver first creates the endpoint
 * (CreateEndpoint: 28/29 add its raw rule), then the sandbox joins it; if the endpoint
 * becomes the container's gateway and its network is not internal, the driver programs
 * external connectivity: the container's published ports (endpoint.go sbJoin, 20.10
 * and 28). A gateway an earlier network held is revoked then, its rules deleted; since
 * the gateway only ever moves to the endpoint that just joined, the endpoint that is the
 * gateway at the end was the gateway when it joined, and the rules left are exactly
 * those programmed at that moment. So the ports are published once, right after the
 * final gateway endpoint is created.
 *
 * A swarm node's docker_gwbridge is one of its bridge networks, created last, and an
 * overlay container's leg on it is an endpoint like any other (it carries the published
 * ports when it is the gateway). Overlay endpoints themselves write no rules: unencrypted
 * overlays have none (docker-semantics.md 6h).
 *
 * Left out: timeline connect and disconnect (the plan's rules are the state before the
 * timeline starts), restarts, and encrypted overlays' rules.
 */
import type { Ipv4 } from '../../../addr.js';
import type { ContainerModel, HostModel, NetworkModel } from '../../../scenario/model.js';
import { gatewayEndpoint } from '../docker.js';
import type { DockerEngine, FirewallBinding } from './engine.js';

export type FirewallEvent =
  | { readonly kind: 'start' }
  | { readonly kind: 'network'; readonly network: NetworkModel; readonly first: boolean }
  | { readonly kind: 'endpoint'; readonly network: NetworkModel; readonly container: string; readonly address: Ipv4 }
  | {
      readonly kind: 'ports';
      readonly network: NetworkModel;
      readonly container: string;
      readonly bindings: readonly FirewallBinding[];
    };

/** The bridge networks of a Docker host, in creation order. */
export function bridgeNetworks(h: HostModel, networks: readonly NetworkModel[]): NetworkModel[] {
  // Resolve lists every host's default bridge first, then the file's networks in order.
  return networks.filter((n) => n.driver === 'bridge' && n.hosts[0] === h.name);
}

/** Every moment the engine of `h` writes rules, in order. */
export function engineEvents(
  engine: DockerEngine,
  h: HostModel,
  networks: readonly NetworkModel[],
  containers: readonly ContainerModel[],
): FirewallEvent[] {
  const nets = bridgeNetworks(h, networks);
  const events: FirewallEvent[] = [{ kind: 'start' }];
  nets.forEach((network, i) => events.push({ kind: 'network', network, first: i === 0 }));
  for (const c of containers.filter((x) => x.host === h.name && x.mode === 'bridge'))
    events.push(...containerEvents(engine, c, nets, networks));
  return events;
}

function containerEvents(
  engine: DockerEngine,
  c: ContainerModel,
  nets: readonly NetworkModel[],
  networks: readonly NetworkModel[],
): FirewallEvent[] {
  const gw = gatewayEndpoint(c.endpoints, networks);
  return c.endpoints.flatMap((e): FirewallEvent[] => {
    const network = nets.find((n) => n.key === e.network);
    if (network === undefined) return [];
    const endpoint: FirewallEvent = { kind: 'endpoint', network, container: c.name, address: e.address.addr };
    if (e !== gw || network.internal || c.ports.length === 0) return [endpoint];
    return [
      endpoint,
      { kind: 'ports', network, container: c.name, bindings: engine.bindings(c.ports, e.address.addr, network) },
    ];
  });
}
