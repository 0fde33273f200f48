/**
 * Docker networks and containers.
 *
 * Network options are the `docker network create` options and `com.docker.network.*`
 * driver options under short kebab-case names (the mapping is in docs/scenario-format.md);
 * container fields follow `docker run` and Compose (`networks`, `ports`, `network-mode`).
 */
import { z } from 'zod';
import { cidr, ifname, ipv4, listenSpec, mtu, name } from './common.js';

export const GATEWAY_MODES = ['nat', 'nat-unprotected', 'routed'] as const;

export const network = z.strictObject({
  driver: z.enum(['bridge', 'overlay']).optional().describe('default bridge'),
  description: z.string().optional(),
  host: name.optional().describe('bridge: the Docker host it lives on; default the only Docker host'),
  hosts: z.array(name).optional().describe('overlay: the Docker hosts it spans; default the hosts of its containers'),
  subnet: cidr.optional().describe('default: the next free prefix from the engine\'s pools'),
  gateway: ipv4.optional().describe('default: the first address of the subnet'),
  internal: z.boolean().optional().describe('no traffic in or out of the subnet (docker network create --internal)'),
  icc: z.boolean().optional().describe('com.docker.network.bridge.enable_icc; default true'),
  masquerade: z.boolean().optional().describe('com.docker.network.bridge.enable_ip_masquerade; default true'),
  mtu: mtu.optional().describe('com.docker.network.driver.mtu; default 1500 (overlay: 1450)'),
  'host-ipv4': ipv4.optional().describe('com.docker.network.host_ipv4: SNAT to this address instead of masquerade'),
  'gateway-mode': z.enum(GATEWAY_MODES).optional().describe('com.docker.network.bridge.gateway_mode_ipv4 (engines 28 and 29); default nat'),
  'bridge-name': ifname.optional().describe('com.docker.network.bridge.name; default br-NAME (or a hash)'),
  vni: z.int().min(1).max(16777215).optional().describe('overlay: VXLAN network identifier; default from 4097 up'),
});

const attachment = z.union(
  [
    name,
    z.strictObject({
      network: name,
      'ipv4-address': ipv4.optional().describe('static address (docker run --ip)'),
      'gw-priority': z.int().optional().describe('default-gateway priority (docker network connect --gw-priority; Docker 28 or newer)'),
    }),
  ],
  { error: 'expected a network name, or {network: NAME, ipv4-address: ADDRESS}' },
);

/** `[ip:]hostPort:containerPort[/proto]` or `containerPort[/proto]` (docker run -p). */
export const PUBLISH_PATTERN =
  '^((([0-9]{1,3}\\.){3}[0-9]{1,3}:)?[0-9]{0,5}:)?[0-9]{1,5}(/(tcp|udp))?$';

export const container = z.strictObject({
  description: z.string().optional(),
  host: name.optional().describe('the Docker host it runs on; default the only Docker host'),
  networks: z.array(attachment).optional().describe('networks in connect order; default [bridge]'),
  'network-mode': z
    .string()
    .regex(/^(bridge|host|none|container:[a-zA-Z0-9][a-zA-Z0-9_.-]*)$/, {
      error: 'expected bridge, host, none or container:NAME',
    })
    .optional()
    .describe('docker run --network host|none|container:NAME; default bridge (use networks)'),
  ports: z
    .array(z.string().regex(new RegExp(PUBLISH_PATTERN), { error: 'expected [IP:]HOSTPORT:CONTAINERPORT[/PROTO] or CONTAINERPORT[/PROTO], such as 8080:80 or 127.0.0.1:8082:80/tcp' }))
    .optional()
    .describe('published ports, as docker run -p writes them'),
  listen: z.array(listenSpec).optional().describe('services answering in the container, such as tcp/80'),
});

/** Used by the timeline to name an interface: `HOST:IFNAME` or `CONTAINER:IFNAME`. */
export const ifRef = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]*:[a-zA-Z][a-zA-Z0-9_.-]*$/, { error: 'expected NAME:IFNAME such as r1:eth1' });

export { ifname };
