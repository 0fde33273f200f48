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
  readonly bip: IfAddr;
  readonly pools: readonly { base: Cidr; size: number }[];
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
  readonly path: Path;
}

export interface EndpointModel {
  readonly network: string;
  readonly ifname: string;
  readonly address: IfAddr;
  readonly mac: string;
  readonly gwPriority: number;
  readonly static: boolean;
  readonly hostVeth: string;
  readonly path: Path;
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

export interface ExpectModel {
  readonly outcome?: Outcome;
  readonly reachable?: boolean;
  readonly seenSource?: { address: Ipv4; port?: number };
  readonly ttl?: number;
  readonly rttMinNs?: Nanos;
  readonly rttMaxNs?: Nanos;
  readonly pathMtu?: number;
  readonly received?: number;
}

interface ProbeBase {
  readonly from: string;
  readonly to: TargetModel;
}

export type ProbeModel =
  | (ProbeBase & { kind: 'ping'; count: number; intervalNs: Nanos; size: number; df: boolean; ttl: number; timeoutNs: Nanos })
  | (ProbeBase & { kind: 'tcp'; port: number; request: string; timeoutNs: Nanos })
  | (ProbeBase & { kind: 'udp'; port: number; request: string; timeoutNs: Nanos })
  | (ProbeBase & { kind: 'pmtu' });

export type FaultModel =
  | { kind: 'link-down' | 'link-up'; target: CableRef }
  | { kind: 'impair'; target: CableRef; shape: Partial<Shape> }
  | { kind: 'disconnect'; container: string; network: string }
  | { kind: 'connect'; container: string; endpoint: EndpointModel };

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
  readonly timeline: readonly EventModel[];
  readonly capture: readonly { owner: string; ifname: string }[];
}
