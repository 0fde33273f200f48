/**
 * The resolved scenario: every default applied, every unit converted to integers, every
 * reference checked and every address allocated the way Docker's IPAM would. It is the
 * input of the compile step (`core/plan/compile`), and carries the source path of each
 * element so that later checks can still point at the file.
 *
 * Left out on purpose: anything Linux-level (interfaces of the host side, routes,
 * sysctls); deciding those is the compile step's job.
 */
import type { Cidr, IfAddr, Ipv4 } from '../addr.js';
import type { Command } from '../netfilter/parse-rule.js';
import type { Nanos } from '../units.js';
import type { Path } from './diagnostics.js';

export type DockerVersion = '20.10' | '28' | '29';
export type HostKind = 'docker' | 'linux' | 'router';
export type Proto = 'tcp' | 'udp';
export type Outcome = 'delivered' | 'refused' | 'unreachable' | 'dropped' | 'timed-out';
export type GatewayMode = 'nat' | 'nat-unprotected' | 'routed';

/** Impairments of one end of a cable, integers throughout. */
export interface Shape {
  readonly delayNs: Nanos;
  readonly jitterNs: Nanos;
  /** Loss in parts per million. */
  readonly lossPpm: number;
  /** Bits per second; 0 means unlimited. */
  readonly rateBps: number;
  /** Queue limit in packets; 0 means the device default. */
  readonly limit: number;
}

export interface DaemonModel {
  readonly version: DockerVersion;
  readonly userlandProxy: boolean;
  readonly icc: boolean;
  readonly ipMasq: boolean;
  readonly iptables: boolean;
  /** False with daemon.json's `"bridge": "none"`: no default bridge network (no docker0). */
  readonly defaultBridge: boolean;
  readonly mtu: number;
  /** docker0's address (`bip`); undefined when not given: docker0 then takes the first free prefix of the pools. */
  readonly bip?: IfAddr;
  readonly pools: readonly { base: Cidr; size: number }[];
  /**
   * The address the engine advertises to the swarm (`docker swarm init --advertise-addr`):
   * its overlay peers send VXLAN packets to it (the overlay driver's TunnelEndpointIP).
   * Undefined when the host has no single address to advertise and gives none.
   */
  readonly advertiseAddr?: Ipv4;
}

export interface HostInterfaceModel {
  readonly name: string;
  /** The segment namespace this interface is cabled to (a link is a two-member segment). */
  readonly segment: string;
  readonly addresses: readonly IfAddr[];
  readonly mtu: number;
  readonly mac?: string;
  readonly shape: Shape;
  readonly path: Path;
}

export interface HostBridgeModel {
  readonly name: string;
  readonly members: readonly string[];
  readonly addresses: readonly IfAddr[];
  readonly mtu?: number;
  readonly mac?: string;
  /** IGMP snooping (mcast_snooping); Linux's default is on. */
  readonly mcastSnooping: boolean;
  readonly path: Path;
}

/**
 * A VXLAN device on a plain host or router (ip-link(8) `type vxlan`, RFC 7348) in
 * learning mode: no control plane, remote MACs are learned from received packets, and
 * unknown or broadcast frames go to every peer in `remotes` (all-zeros FDB entries).
 */
export interface HostVxlanModel {
  readonly name: string;
  readonly vni: number;
  readonly dstPort: number;
  /** Outer source address; undefined: the route's choice. */
  readonly local?: Ipv4;
  readonly learning: boolean;
  /** Flooding destinations, one all-zeros FDB entry each. */
  readonly remotes: readonly Ipv4[];
  readonly mtu: number;
  readonly addresses: readonly IfAddr[];
  readonly mac?: string;
  readonly path: Path;
}

export interface RouteModel {
  readonly to: Cidr;
  readonly via?: Ipv4;
  readonly dev?: string;
  readonly metric: number;
  readonly path: Path;
}

export interface ListenModel {
  readonly proto: Proto;
  readonly port: number;
  readonly path: Path;
}

/** One of the user's `iptables:` lines, parsed (core/netfilter). */
export interface UserRuleModel {
  /** The line as written. */
  readonly line: string;
  readonly command: Command;
  readonly path: Path;
}

export interface HostModel {
  readonly name: string;
  readonly kind: HostKind;
  readonly docker?: DaemonModel;
  readonly interfaces: readonly HostInterfaceModel[];
  readonly bridges: readonly HostBridgeModel[];
  readonly vxlans: readonly HostVxlanModel[];
  readonly routes: readonly RouteModel[];
  readonly sysctls: Readonly<Record<string, string>>;
  readonly iptables: readonly UserRuleModel[];
  readonly listen: readonly ListenModel[];
  readonly path: Path;
}

/** A layer-2 segment of the underlay, or a point-to-point link (a segment of two). */
export interface SegmentModel {
  readonly name: string;
  readonly kind: 'segment' | 'link';
  readonly subnet?: Cidr;
  readonly mtu: number;
  /** Impairments of the switch-side end of each cable (toward its host). */
  readonly shape: Shape;
  readonly path: Path;
}

export interface NetworkModel {
  /** The name in the scenario (`bridge` for a host's default bridge). */
  readonly name: string;
  /** Unique key: the name, or `bridge@HOST` for default bridges. */
  readonly key: string;
  readonly driver: 'bridge' | 'overlay';
  readonly isDefault: boolean;
  /** Bridge networks: the Docker host; overlays: the hosts spanned. */
  readonly hosts: readonly string[];
  readonly subnet: Cidr;
  readonly gateway: Ipv4;
  readonly internal: boolean;
  readonly icc: boolean;
  readonly masquerade: boolean;
  readonly mtu: number;
  readonly hostIpv4?: Ipv4;
  readonly gatewayMode: GatewayMode;
  readonly bridgeName: string;
  readonly vni?: number;
  /** Whether the subnet was given in the file (Docker only allows static IPs then). */
  readonly userSubnet: boolean;
  /** True for a swarm node's `docker_gwbridge`, which Docker (not the file) creates for overlay containers. */
  readonly gwBridge?: boolean;
  readonly path: Path;
}

export interface EndpointModel {
  readonly network: string;
  readonly ifname: string;
  readonly address: IfAddr;
  readonly mac: string;
  readonly gwPriority: number;
  readonly static: boolean;
  /**
   * The other end of the endpoint's veth pair: on a bridge network a `vethXXXXXXX` in the
   * Docker host's namespace, on an overlay a `vethN` in the overlay's namespace (libnetwork's
   * osl renames the devices it moves into a namespace to PREFIX + a counter).
   */
  readonly hostVeth: string;
  readonly path: Path;
}

/**
 * The load-balancer endpoint Docker gives an overlay on each node that uses it (the
 * `lb_NETID` sandbox): it takes an address of the overlay right after the first endpoint on
 * that node (docker-semantics.md 6h). twinnet builds its namespace and interface only.
 */
export interface LoadBalancerModel {
  readonly network: string;
  readonly host: string;
  readonly address: IfAddr;
  readonly mac: string;
  /** Its port in the overlay's namespace (`vethN`). */
  readonly port: string;
}

/** An overlay endpoint as the control plane announces it to the other nodes. */
export interface PeerModel {
  readonly network: string;
  /** The container, or `lb@HOST` for a load-balancer endpoint. */
  readonly owner: string;
  /** The node the endpoint is on. */
  readonly host: string;
  readonly address: Ipv4;
  readonly mac: string;
  /** Its node's tunnel endpoint (advertise address). */
  readonly vtep: Ipv4;
}

/** A peer's static FDB and neighbour entries in the overlay namespace on node `on`. */
export interface PeerEntryModel {
  readonly on: string;
  readonly peer: PeerModel;
}

/** A container's `docker_gwbridge` leg appearing or going away with a connect or disconnect. */
export interface GatewayLegChange {
  readonly add?: EndpointModel;
  readonly remove?: EndpointModel;
}

export interface PortModel {
  /** Undefined: all host addresses (0.0.0.0). */
  readonly hostIp?: Ipv4;
  readonly hostPort: number;
  readonly containerPort: number;
  readonly proto: Proto;
  readonly ephemeral: boolean;
  readonly path: Path;
}

export type NetworkMode = 'bridge' | 'host' | 'none' | 'container';

export interface ContainerModel {
  readonly name: string;
  readonly host: string;
  readonly mode: NetworkMode;
  /** For `container:NAME`: the container whose namespace is shared (chains followed). */
  readonly sharesWith?: string;
  /**
   * The namespace its processes run in: its own (bridge, none), its host's (host), or
   * the one of the container it shares (which may itself be the host's).
   */
  readonly namespace: string;
  readonly endpoints: readonly EndpointModel[];
  readonly ports: readonly PortModel[];
  readonly listen: readonly ListenModel[];
  readonly path: Path;
}

/** A resolved probe destination. */
export interface TargetModel {
  readonly address: Ipv4;
  readonly port?: number;
  /** How the file named it, for reports. */
  readonly label: string;
}

/** A bound on one percentile of a probe's round-trip times (nearest rank). */
export interface RttPercentileModel {
  readonly percentile: 50 | 90 | 99;
  readonly minNs?: Nanos;
  readonly maxNs?: Nanos;
}

export interface ExpectModel {
  /** One outcome, or the set of outcomes a race in the real kernel may end in. */
  readonly outcome?: Outcome | readonly Outcome[];
  readonly reachable?: boolean;
  readonly seenSource?: { address: Ipv4; port?: number };
  readonly ttl?: number;
  readonly rttMinNs?: Nanos;
  readonly rttMaxNs?: Nanos;
  readonly rttPercentiles?: readonly RttPercentileModel[];
  readonly pathMtu?: number;
  readonly received?: number;
  readonly receivedMin?: number;
  readonly receivedMax?: number;
  /** Bounds on the fraction of unanswered requests, in parts per million. */
  readonly lossMinPpm?: number;
  readonly lossMaxPpm?: number;
}

interface ProbeBase {
  readonly from: string;
  readonly to: TargetModel;
}

export type ProbeModel =
  | (ProbeBase & {
      kind: 'ping';
      count: number;
      intervalNs: Nanos;
      size: number;
      df: boolean;
      ttl: number;
      timeoutNs: Nanos;
    })
  | (ProbeBase & { kind: 'tcp'; port: number; request: string; timeoutNs: Nanos })
  | (ProbeBase & { kind: 'udp'; port: number; request: string; timeoutNs: Nanos })
  | (ProbeBase & { kind: 'pmtu' });

export type FaultModel =
  | { kind: 'link-down' | 'link-up'; target: CableRef }
  | { kind: 'impair'; target: CableRef; shape: Partial<Shape> }
  | {
      kind: 'disconnect';
      container: string;
      network: string;
      gateway: GatewayLegChange;
      unprogram: readonly PeerEntryModel[];
    }
  | {
      kind: 'connect';
      container: string;
      endpoint: EndpointModel;
      gateway: GatewayLegChange;
      loadBalancer?: LoadBalancerModel;
      program: readonly PeerEntryModel[];
    }
  /** The overlay control plane delivering (program) or withdrawing (unprogram) a container's entries on one node. */
  | {
      kind: 'program' | 'unprogram';
      host: string;
      container: string;
      network: string;
      entries: readonly PeerEntryModel[];
    };

/** A cable: one host or container interface, or every cable of a link. */
export interface CableRef {
  readonly label: string;
  readonly ends: readonly { owner: string; ifname: string }[];
}

export interface EventModel {
  readonly atNs: Nanos;
  readonly name: string;
  readonly probe?: ProbeModel;
  readonly fault?: FaultModel;
  readonly expect?: ExpectModel;
  readonly path: Path;
}

export interface ScenarioModel {
  readonly name: string;
  readonly description: string;
  readonly seed: number;
  readonly durationNs?: Nanos;
  readonly hosts: readonly HostModel[];
  readonly segments: readonly SegmentModel[];
  readonly networks: readonly NetworkModel[];
  readonly containers: readonly ContainerModel[];
  /** Overlay load-balancer endpoints present from the start (later ones come with a timeline connect). */
  readonly loadBalancers: readonly LoadBalancerModel[];
  readonly timeline: readonly EventModel[];
  readonly capture: readonly { owner: string; ifname: string }[];
}
