/**
 * Defaults that mirror Docker, Linux and the tools twinnet's probes imitate, each with
 * its source. A scenario that leaves a field out gets these values.
 */
import type { DockerVersion } from './model.js';
import { NS_PER_MS, NS_PER_S } from '../units.js';

/** The kernel's defaults (the TTL, the ephemeral ports, VXLAN's port), kept in one place for every layer. */
export { EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST, LINUX_DEFAULT_TTL, VXLAN_PORT } from '../linux-defaults.js';

/**
 * The engine layout assumed when a Docker host names no version (the newest measured with goldens
 * that keep the isolation chains).
 */
export const DEFAULT_DOCKER_VERSION: DockerVersion = '28';

/**
 * libnetwork's local-scope default address pools (ipamutils): 172.17.0.0/16 to
 * 172.31.0.0/16 as /16s, then 192.168.0.0/16 carved into /20s. Without `bip` docker0
 * takes the first one clear of the host's on-link routes, so 172.17.0.1/16 on most hosts
 * (docker-semantics.md 4.1), and each user network the next free one (4.2: 172.18,
 * 172.19, ...).
 */
export const DOCKER_DEFAULT_POOLS: readonly { base: string; size: number }[] = [
  ...Array.from({ length: 15 }, (_, i) => ({ base: `172.${17 + i}.0.0/16`, size: 16 })),
  { base: '192.168.0.0/16', size: 20 },
];

/** libnetwork's global-scope pool for overlays: 10.0.0.0/8 in /24s (docker-semantics.md 6h). */
export const DOCKER_OVERLAY_POOL = { base: '10.0.0.0/8', size: 24 } as const;
/** Swarm's ingress network takes the first overlay /24 (measured: ingress 10.0.0.0/24, ov1 10.0.1.0/24). */
export const DOCKER_INGRESS_SUBNET = '10.0.0.0/24';
/** The first VNI of a user overlay: ingress has 4096, the next network 4097 (docker-semantics.md 6h). */
export const DOCKER_FIRST_OVERLAY_VNI = 4097;

/** Learned VXLAN FDB entries age out after 300 s (ip-link(8) `ageing`; Docker's vxlan0 shows `ageing 300`). */
export const VXLAN_AGEING_S = 300;
/** Docker's network for overlay containers' outside traffic (libnetwork default_gateway.go, libnGWNetwork). */
export const DOCKER_GWBRIDGE = 'docker_gwbridge';

/** Ethernet's MTU, the default of every Linux device twinnet creates (ip-link(8)). */
export const ETHERNET_MTU = 1500;
/** VXLAN over IPv4 adds 50 bytes: outer Ethernet 14, IPv4 20, UDP 8, VXLAN 8 (RFC 7348). */
export const VXLAN_OVERHEAD = 50;
/** Docker's overlay MTU: 1500 - 50 (measured: br0, vxlan0 and veths at 1450). */
export const DOCKER_OVERLAY_MTU = ETHERNET_MTU - VXLAN_OVERHEAD;

/** ping(8) defaults: 56 bytes of payload, one second between requests. */
export const PING_DEFAULT_SIZE = 56;
export const PING_DEFAULT_INTERVAL_NS = NS_PER_S;
/** ping runs forever by default; a scenario probe sends one request unless told. */
export const PING_DEFAULT_COUNT = 1;
/** How long a probe waits for its last answer; ping's own -W default (10 s) would slow every run. */
export const PING_DEFAULT_TIMEOUT_NS = 2 * NS_PER_S;
/** TCP connect timeout: three SYNs at Linux's 1 s initial RTO (RFC 6298 2.1) fit in 3 s with room. */
export const TCP_DEFAULT_TIMEOUT_NS = 3 * NS_PER_S + 500 * NS_PER_MS;
export const UDP_DEFAULT_TIMEOUT_NS = 2 * NS_PER_S;
/** What a TCP or UDP probe sends when the file says nothing. */
export const PROBE_DEFAULT_REQUEST = 'twinnet\n';

/** The seed of a run's random stream when the file names none. */
export const DEFAULT_SEED = 1;

/** A Linux bridge snoops IGMP unless told not to (ip-link(8) mcast_snooping, default 1; net/bridge/br_multicast.c). */
export const LINUX_BRIDGE_MCAST_SNOOPING = true;
