/**
 * Defaults of Linux (and the IANA numbers Docker and Linux use) that more than one layer
 * needs: the scenario compiler, the wire formats, the simulator and the emulator all read
 * them from here, each with its source, so that the two engines cannot disagree about a
 * default. Docker's own defaults (address pools, overlay MTU) stay in
 * core/scenario/defaults.ts; this file holds only what a plain kernel does.
 */

/**
 * The TTL of packets a host originates: sysctl net.ipv4.ip_default_ttl, 64 by default
 * (Documentation/networking/ip-sysctl.rst), which ping(8) uses unless -t is given and a
 * VXLAN device uses for its outer header with `ttl auto` (ip-link(8)).
 */
export const LINUX_DEFAULT_TTL = 64;

/**
 * The ephemeral ports: sysctl net.ipv4.ip_local_port_range, "32768 60999" by default
 * (ip-sysctl.rst), both ends included. Sockets bound to port 0 get one from here, and
 * Docker hands out host ports for `-p CONTAINERPORT` from its low end (measured 32768,
 * then 32769).
 */
export const EPHEMERAL_PORT_FIRST = 32768;
export const EPHEMERAL_PORT_LAST = 60999;

/**
 * VXLAN's UDP port: 4789, assigned by IANA (RFC 7348 section 5); Docker's overlays use
 * it. Linux alone, without `dstport`, uses 8472, the number it used before IANA assigned
 * one (ip-link(8)).
 */
export const VXLAN_PORT = 4789;
