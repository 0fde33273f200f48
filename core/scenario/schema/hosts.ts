/**
 * Hosts of a scenario: Docker hosts (with their engine's daemon options), plain Linux
 * hosts and routers, their interfaces, bridges, routes, sysctls and firewall rules.
 *
 * Daemon options use `daemon.json`'s keys (dockerd(8)), so a Docker user recognises
 * them; interfaces, routes and sysctls use iproute2's and sysctl(8)'s words.
 */
import { z } from 'zod';
import { cidr, ifaddr, ifname, impairmentFields, ipv4, listenSpec, mac, mtu, name, pattern, port } from './common.js';

/** Engine behaviour versions twinnet knows the firewall layout of. */
export const DOCKER_VERSIONS = ['20.10', '28', '29'] as const;

const dockerVersion = z.union([z.enum(DOCKER_VERSIONS), z.literal(28), z.literal(29)], {
  error:
    'expected "20.10", "28" or "29" (quote 20.10: unquoted, YAML reads it as the number 20.1)',
});

const addressPool = z.strictObject({
  base: cidr.describe('the range to carve networks from'),
  size: z.int().min(1).max(32).describe('prefix length of each network carved from base'),
});

export const dockerDaemon = z
  .strictObject({
    version: dockerVersion.optional().describe('engine behaviour version; default "28"'),
    'userland-proxy': z.boolean().optional().describe('publish ports through docker-proxy; default true'),
    icc: z.boolean().optional().describe('inter-container communication on the default bridge; default true'),
    'ip-masq': z.boolean().optional().describe('masquerade traffic leaving the default bridge; default true'),
    iptables: z.boolean().optional().describe('let the engine write firewall rules; default true'),
    bridge: z
      .literal('none', {
        error: 'expected "none" (no default bridge); attaching the default network to a bridge of your own is not modelled',
      })
      .optional()
      .describe('"none": no default bridge network, no docker0 (daemon.json "bridge"); default: docker0'),
    mtu: mtu.optional().describe('MTU of the default bridge and its containers; default 1500'),
    bip: ifaddr.optional().describe('address and prefix of docker0; default the first address of the first prefix of the pools clear of the host\'s on-link routes (172.17.0.1/16 on most hosts)'),
    'default-address-pools': z
      .array(addressPool)
      .min(1)
      .optional()
      .describe("pools docker0 (without bip) and user-defined networks are carved from; default Docker's (172.17-31/16, then 192.168/16 in /20s)"),
    'advertise-addr': ipv4
      .optional()
      .describe('the address this engine advertises to the swarm (docker swarm init/join --advertise-addr), where overlay peers send VXLAN packets; default the host\'s only address'),
  })
  .describe('daemon options, with the keys of daemon.json');

const route = z.strictObject({
  to: z.union([z.literal('default'), cidr], { error: 'expected "default" or a prefix such as 10.0.0.0/8' }),
  via: ipv4.optional().describe('gateway address'),
  dev: ifname.optional().describe('output interface'),
  metric: z.int().min(0).max(0xffffffff).optional().describe('route metric (lower wins); default 0'),
});

const hostInterface = z
  .strictObject({
    segment: name.optional().describe('underlay segment this interface is plugged into'),
    address: ifaddr.optional().describe('address with prefix length, as ip addr add takes it'),
    addresses: z.array(ifaddr).optional().describe('several addresses; the first is primary'),
    mtu: mtu.optional().describe('interface MTU; default the segment MTU, else 1500'),
    mac: mac.optional().describe('MAC address; default derived from the names'),
    ...impairmentFields,
  })
  .describe('an interface; on a segment, or an endpoint of one of the links');

const hostBridge = z.strictObject({
  interfaces: z.array(ifname).describe('member interfaces (bridge ports)'),
  address: ifaddr.optional(),
  mtu: mtu.optional(),
  mac: mac.optional(),
  'mcast-snooping': z.boolean().optional().describe('IGMP snooping (ip-link(8) mcast_snooping); default true (Linux). While on, the bridge itself joins the all-snoopers group and sends IGMP reports through its ports'),
});

/**
 * A VXLAN device in learning mode (ip-link(8) `type vxlan`): no control plane; unknown
 * and broadcast frames go to every remote (an all-zeros FDB entry each), and remote MACs
 * are learned from what arrives. Enslave it by listing it in a bridge's `interfaces`.
 */
const hostVxlan = z.strictObject({
  vni: z.int().min(0).max(16777215).describe('VXLAN network identifier (ip link ... id)'),
  remotes: z.array(ipv4).optional().describe('tunnel endpoints to flood unknown and broadcast frames to'),
  local: ipv4.optional().describe('outer source address, one of this host\'s; default the route\'s choice'),
  dstport: port.optional().describe('UDP port; default 4789 (IANA, RFC 7348; Linux alone would use 8472)'),
  learning: z.boolean().optional().describe('learn remote MACs from received packets; default true (Linux)'),
  mtu: mtu.optional().describe('default 1500 (Linux, for a VXLAN device without a lower device)'),
  address: ifaddr.optional().describe('address with prefix length, when the device is not a bridge port'),
  mac: mac.optional().describe('MAC address; default derived from the names'),
});

const sysctlValue = z.union([z.int(), z.string()]);

export const host = z.strictObject({
  kind: z
    .enum(['docker', 'linux', 'router'])
    .optional()
    .describe('docker: runs a Docker engine; linux: a plain host; router: a Linux host that forwards. Default linux'),
  description: z.string().optional(),
  docker: dockerDaemon.optional(),
  interfaces: z.record(ifname, hostInterface).optional(),
  bridges: z.record(ifname, hostBridge).optional().describe('Linux bridges on a plain host or router'),
  vxlans: z.record(ifname, hostVxlan).optional().describe('VXLAN devices in learning mode on a plain host or router'),
  routes: z.array(route).optional(),
  sysctls: z
    .record(pattern(/^net[./]/, 'expected a sysctl key under net., such as net.ipv4.ip_forward (twinnet sets network sysctls only)'), sysctlValue)
    .optional()
    .describe('sysctl(8) keys under net. ("." or "/" between parts) and their values; set after twinnet\'s own'),
  iptables: z
    .array(z.string())
    .optional()
    .describe('firewall rules as iptables(8) commands (-A, -I, -D, -N, -P), applied after the engine\'s own, such as "-I DOCKER-USER -s 198.51.100.0/24 -j DROP"'),
  listen: z.array(listenSpec).optional().describe('services answering on this host, such as tcp/8000'),
});

export const segment = z.strictObject({
  description: z.string().optional(),
  subnet: cidr.optional().describe('the segment prefix; addresses of its members must lie inside'),
  mtu: mtu.optional().describe('MTU of the segment; default 1500'),
  ...impairmentFields,
});

export const link = z.strictObject({
  name: name.optional().describe('a name for faults to refer to; default "A.if-B.if" (r1:eth1 and r2:eth1 give r1.eth1-r2.eth1)'),
  endpoints: z
    .tuple([z.string(), z.string()], { error: 'expected two endpoints such as ["r1:eth1", "r2:eth1"]' })
    .describe('the two interfaces the link joins, as HOST:IFNAME'),
  mtu: mtu.optional(),
  ...impairmentFields,
});
