/**
 * The Linux-level plan: what the kernel of every network namespace holds, as iproute2,
 * bridge(8), sysctl(8), tc(8) and iptables-save(8) would describe it, plus the timeline
 * with every reference resolved to a namespace and an address.
 *
 * This is the one description both engines interpret (architecture, the one idea): the
 * simulator builds its model of each namespace from it, the emulator builds real
 * namespaces from it. Values are kept in the notation Linux tools print (addresses as
 * `a.b.c.d/n`, MACs as `xx:..`), times as integer nanoseconds. A plan is plain JSON.
 */

/** The plan format; bumped when a field changes meaning. */
export const PLAN_FORMAT = 'twinnet-plan/1';

export type NamespaceRole =
  'docker-host' | 'host' | 'router' | 'container' | 'segment' | 'link' | 'overlay' | 'overlay-lb';

/** Bridge device parameters (ip-link(8) `type bridge`). */
export interface BridgeParams {
  readonly stp: false;
  /** FDB ageing in centiseconds, as `ip link ... ageing_time` takes it (300 s = 30000). */
  readonly ageingTimeCs: number;
  readonly mcastSnooping: boolean;
}

/** Bridge port flags (bridge-link(8)). */
export interface PortFlags {
  readonly hairpin: boolean;
  readonly learning: boolean;
  readonly flood: boolean;
}

/**
 * A VXLAN device (ip-link(8) `type vxlan`, RFC 7348). Docker's overlay creates it in the
 * Docker host's namespace and moves it into the overlay's namespace (`link-netns`), so
 * its UDP socket, and the routing of its outer packets, stay in the host's namespace.
 */
export interface VxlanParams {
  readonly vni: number;
  /** UDP destination port (IANA's 4789, RFC 7348 section 5). */
  readonly dstPort: number;
  /**
   * Outer source ports: the flow hash is mapped into this range; [0, 0]: the kernel's default
   * (ip_local_port_range).
   */
  readonly srcPortRange: readonly [number, number];
  /** The namespace that holds the UDP socket and routes the outer packets. */
  readonly underlayNs: string;
  /** Outer source address; undefined: the route's choice (Docker sets none). */
  readonly local?: string;
  /** Learn remote MACs from received packets (ip-link `learning`). */
  readonly learning: boolean;
  /** Answer ARP requests from the device's neighbour table instead of sending them (`proxy`). */
  readonly proxy: boolean;
  readonly l2miss: boolean;
  readonly l3miss: boolean;
  /** FDB ageing of learned entries, in seconds. */
  readonly ageingS: number;
  /** Fill the outer UDP checksum (`udpcsum`). */
  readonly udpCsum: boolean;
  /** Outer TTL; undefined: `ttl auto` (the route's default, 64). */
  readonly ttl?: number;
}

export interface InterfacePlan {
  readonly name: string;
  readonly kind: 'loopback' | 'veth' | 'bridge' | 'vxlan';
  /** Undefined for loopback. */
  readonly mac?: string;
  readonly mtu: number;
  /**
   * Bridges: true when nothing sets the MTU and Linux derives it from the ports (the
   * smallest port MTU; net/bridge/br_if.c br_mtu_auto_adjust). `mtu` is then the
   * steady-state value, shown for reading.
   */
  readonly mtuAuto?: boolean;
  readonly up: boolean;
  readonly addresses: readonly string[];
  /** The bridge this device is a port of. */
  readonly master?: string;
  /** The other end of a veth pair. */
  readonly peer?: { readonly ns: string; readonly name: string };
  readonly bridge?: BridgeParams;
  readonly port?: PortFlags;
  readonly vxlan?: VxlanParams;
  /** Why this device exists, in words (for plans a person reads). */
  readonly why: string;
}

export interface RoutePlan {
  /** `default` or `a.b.c.d/n`. */
  readonly dst: string;
  readonly via?: string;
  readonly dev: string;
  /** kernel: created by Linux when the address was added; static: added by the plan. */
  readonly proto: 'kernel' | 'static';
  readonly scope: 'link' | 'global';
  readonly src?: string;
  readonly metric: number;
}

export interface SysctlPlan {
  readonly key: string;
  readonly value: string;
  readonly why: string;
}

export interface NeighbourPlan {
  readonly dev: string;
  readonly address: string;
  readonly lladdr: string;
}

/**
 * A static forwarding entry (bridge(8) `fdb add ... permanent`). On a VXLAN device
 * (`self`), `dst` is the remote tunnel endpoint; the all-zeros MAC with a `dst` is a
 * flooding destination (one per peer) for unknown and broadcast frames.
 */
export interface FdbPlan {
  readonly dev: string;
  readonly mac: string;
  /** VXLAN: the remote tunnel endpoint. */
  readonly dst?: string;
  readonly master?: string;
}

/** Link impairments on the egress of one device. */
export interface ShapePlan {
  readonly delayNs: number;
  readonly jitterNs: number;
  readonly lossPpm: number;
  readonly rateBps: number;
  readonly limit: number;
}

export interface QdiscPlan {
  readonly dev: string;
  readonly shape: ShapePlan;
  readonly why: string;
}

export interface ServicePlan {
  readonly proto: 'tcp' | 'udp';
  readonly port: number;
  /** Who declared it (a host, or the container whose process it is). */
  readonly owner: string;
}

/** A userland program a real machine would run (Docker's docker-proxy, for one). */
export interface HelperPlan {
  readonly kind: 'docker-proxy';
  readonly proto: 'tcp' | 'udp';
  readonly hostIp: string;
  readonly hostPort: number;
  readonly containerIp: string;
  readonly containerPort: number;
  /**
   * The Docker engine whose docker-proxy this is: its UDP relay differs by release
   * (20.10 lets routing pick the source of a reply and forgets a client 90 s after the
   * container's last answer; 28 answers from the address the client wrote to and keeps a
   * client that keeps writing). The TCP relay is the same in every release.
   */
  readonly version: '20.10' | '28' | '29';
}

export interface NamespacePlan {
  /** Unique in the plan: a host or container name, or `seg-NAME` for segments and links. */
  readonly id: string;
  readonly role: NamespaceRole;
  /** Containers: the Docker host they run on. */
  readonly dockerHost?: string;
  readonly description: string;
  readonly interfaces: readonly InterfacePlan[];
  readonly routes: readonly RoutePlan[];
  readonly sysctls: readonly SysctlPlan[];
  readonly neighbours: readonly NeighbourPlan[];
  readonly fdb: readonly FdbPlan[];
  /** The ruleset as iptables-save(8) text; empty when the namespace has no rules. */
  readonly netfilter: string;
  readonly qdiscs: readonly QdiscPlan[];
  readonly services: readonly ServicePlan[];
  readonly helpers: readonly HelperPlan[];
}

/** Where a cable end is: a device in a namespace. */
export interface DeviceRef {
  readonly ns: string;
  readonly dev: string;
}

/** How a probe may end (core/observations' Outcome, repeated so the plan stands alone). */
export type ExpectedOutcome = 'delivered' | 'refused' | 'unreachable' | 'dropped' | 'timed-out';

/** A bound on one percentile of a probe's round-trip times (nearest rank, core/expect.ts). */
export interface RttPercentilePlan {
  readonly percentile: 50 | 90 | 99;
  readonly minNs?: number;
  readonly maxNs?: number;
}

/**
 * What a probe must show. Fields absent are not checked. An `outcome` list marks the
 * probe as racy: the real kernel ends it in any of them (a published port with nothing
 * listening behind docker-proxy: a reset or an orderly close), so any one meets the
 * expectation and `compare` lets the engines differ within the list.
 */
export interface ExpectPlan {
  readonly outcome?: ExpectedOutcome | readonly ExpectedOutcome[];
  readonly reachable?: boolean;
  readonly seenSource?: string;
  readonly ttl?: number;
  /** Bounds on every round-trip time. */
  readonly rttMinNs?: number;
  readonly rttMaxNs?: number;
  readonly rttPercentiles?: readonly RttPercentilePlan[];
  readonly pathMtu?: number;
  /** Replies: exactly, or within bounds. */
  readonly received?: number;
  readonly receivedMin?: number;
  readonly receivedMax?: number;
  /** Bounds on the fraction of requests without a reply, in parts per million (units.ts PPM_PER_PERCENT). */
  readonly lossMinPpm?: number;
  readonly lossMaxPpm?: number;
}

/**
 * A change to namespaces at run time: docker network connect and disconnect, and the
 * overlay control plane programming or withdrawing a remote endpoint's static FDB and
 * neighbour entries.
 */
export interface StateChange {
  readonly addInterfaces: readonly { ns: string; iface: InterfacePlan }[];
  readonly removeInterfaces: readonly DeviceRef[];
  readonly addRoutes: readonly { ns: string; route: RoutePlan }[];
  readonly removeRoutes: readonly { ns: string; route: RoutePlan }[];
  readonly addFdb?: readonly { ns: string; fdb: FdbPlan }[];
  readonly removeFdb?: readonly { ns: string; fdb: FdbPlan }[];
  readonly addNeighbours?: readonly { ns: string; neighbour: NeighbourPlan }[];
  readonly removeNeighbours?: readonly { ns: string; neighbour: NeighbourPlan }[];
}

export type ActionPlan =
  | {
      kind: 'ping';
      ns: string;
      dst: string;
      count: number;
      intervalNs: number;
      size: number;
      df: boolean;
      ttl: number;
      timeoutNs: number;
    }
  | { kind: 'tcp' | 'udp'; ns: string; dst: string; port: number; request: string; timeoutNs: number }
  | { kind: 'pmtu'; ns: string; dst: string }
  /** Carrier change: `ends` are the far ends of the cables, set administratively down or up. */
  | { kind: 'link-down' | 'link-up'; target: string; ends: readonly DeviceRef[] }
  | { kind: 'impair'; target: string; qdiscs: readonly (QdiscPlan & { ns: string })[] }
  | { kind: 'disconnect' | 'connect'; container: string; network: string; change: StateChange }
  /** The overlay control plane (re)programs or withdraws one endpoint's entries on one host. */
  | { kind: 'program' | 'unprogram'; host: string; container: string; network: string; change: StateChange };

/**
 * The timeline's probes: actions that send traffic and end in an outcome
 * (core/observations.ts). The others change the network (faults, the control plane).
 * Engines tell them apart from the plan alone: probes run side by side, changes in order.
 */
export const PROBE_ACTION_KINDS = ['ping', 'tcp', 'udp', 'pmtu'] as const;
export type ProbeActionPlan = Extract<ActionPlan, { kind: (typeof PROBE_ACTION_KINDS)[number] }>;

/** Whether the action is a probe (PROBE_ACTION_KINDS). */
export function isProbeAction(a: ActionPlan): a is ProbeActionPlan {
  return (PROBE_ACTION_KINDS as readonly string[]).includes(a.kind);
}

export interface TimelineEntryPlan {
  readonly atNs: number;
  readonly name: string;
  /** The probe's source as the file names it, and the destination's label, for reports. */
  readonly from?: string;
  readonly toLabel?: string;
  readonly action: ActionPlan;
  readonly expect?: ExpectPlan;
}

export interface Plan {
  readonly format: typeof PLAN_FORMAT;
  readonly scenario: { readonly name: string; readonly description: string; readonly seed: number };
  /** Things a reader must know about this plan (what is not modelled yet, for one). */
  readonly notes: readonly string[];
  readonly namespaces: readonly NamespacePlan[];
  readonly timeline: readonly TimelineEntryPlan[];
  /** When the run ends, if the file says. */
  readonly durationNs?: number;
  readonly capture: readonly DeviceRef[];
}
