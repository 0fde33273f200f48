/**
 * What a Docker engine's firewall code is, for the replay: the four moments at which it
 * writes rules (daemon start, a bridge network's creation, an endpoint's creation, the
 * port bindings of a container's gateway endpoint) and its port mapper (which bindings a
 * published port becomes, in which order). Each engine generation implements it from
 * its own source: `v20-10.ts` (20.10's vendored libnetwork), `iptabler.ts` (28 and 29,
 * libnetwork's bridge/internal/iptabler).
 *
 * Left out: IPv6 (ip6tables), firewalld, the nftables backend of 29, legacy links
 * (`--link`), swarm's ingress and overlay networks, and anything a daemon restart or a
 * container restart would change (the replay is one daemon start, then every network,
 * then every container once, in the file's order).
 */
import type { Ipv4 } from '../../../addr.js';
import type { NetworkModel, PortModel, Proto } from '../../../scenario/model.js';
import type { IptablesCalls } from './iptables-calls.js';

/** Daemon options the firewall code reads. */
export interface EngineOptions {
  /** `!userland-proxy`: hairpin NAT in the kernel instead of docker-proxy. */
  readonly hairpin: boolean;
  /**
   * Whether dockerd sets `-P FORWARD DROP` when it turns IPv4 forwarding on: only when
   * it finds forwarding off and `iptables` is true (setup_ip_forwarding.go).
   */
  readonly forwardDrop: boolean;
}

/**
 * A port binding as the firewall code receives it (libnetwork types.PortBinding once
 * the port mapper has decided): container side, host side.
 */
export interface FirewallBinding {
  readonly proto: Proto;
  readonly containerIp: Ipv4;
  readonly containerPort: number;
  /** 0 (0.0.0.0) for every host address. */
  readonly hostIp: Ipv4;
  /** 0 when NAT is disabled (gateway mode routed): only the container port is opened. */
  readonly hostPort: number;
}

export interface DockerEngine {
  /** dockerd start: the bridge driver's chains and jumps, DOCKER-USER, maybe FORWARD DROP. */
  start(ipt: IptablesCalls, o: EngineOptions): void;
  /** A bridge network's creation; `first` is the engine's first bridge network. */
  network(ipt: IptablesCalls, n: NetworkModel, o: EngineOptions, first: boolean): void;
  /** An endpoint's creation on a bridge network (before the container joins). */
  endpoint(ipt: IptablesCalls, n: NetworkModel, address: Ipv4): void;
  /** The bindings of a gateway endpoint on a non-internal network, in the given order. */
  ports(ipt: IptablesCalls, n: NetworkModel, bindings: readonly FirewallBinding[], o: EngineOptions): void;
  /** The port mapper: a container's published ports as bindings, in the order the engine programs them. */
  bindings(ports: readonly PortModel[], containerIp: Ipv4, n: NetworkModel): FirewallBinding[];
}
