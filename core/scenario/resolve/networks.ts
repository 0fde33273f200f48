/**
 * Resolve Docker networks: each Docker host's default `bridge` (docker0, from `bip`),
 * then user-defined bridges and overlays in file order, with subnets carved from the
 * engine's pools the way Docker's IPAM does (creation order, next free prefix) and
 * bridge device names within the interface-name limit; last, on every swarm node (a
 * Docker host an overlay spans), the `docker_gwbridge` Docker creates for it.
 */
import {
  cidrContains,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  parseCidr,
  subnetOf,
  type Cidr,
  type IfAddr,
} from '../../addr.js';
import { hexDigest } from '../../hash.js';
import type { Path } from '../diagnostics.js';
import {
  DOCKER_FIRST_OVERLAY_VNI,
  DOCKER_GWBRIDGE,
  DOCKER_INGRESS_SUBNET,
  DOCKER_OVERLAY_MTU,
  DOCKER_OVERLAY_POOL,
  ETHERNET_MTU,
} from '../defaults.js';
import { AddressAllocator, enginePoolOrder, PoolAllocator } from '../ipam.js';
import type { DaemonModel, HostModel } from '../model.js';
import { onLinkPrefixes } from '../on-link.js';
import type { RawNetwork } from '../schema/index.js';
import { IFNAME_MAX } from '../schema/common.js';
import { dockerHosts, ipv4, pickDockerHost, type ResolveContext } from './context.js';

/** Network names Docker keeps for itself (`docker network create host` fails). */
const RESERVED = new Set(['bridge', 'host', 'none']);
/** Swarm's ingress network has VNI 4096 (docker-semantics.md 6h). */
const INGRESS_VNI = DOCKER_FIRST_OVERLAY_VNI - 1;
const OVERLAY_ONLY_ON_BRIDGE = ['icc', 'masquerade', 'host-ipv4', 'gateway-mode', 'bridge-name'] as const;

/** Key of a host's default bridge network. */
export function defaultBridgeKey(host: string): string {
  return `bridge@${host}`;
}

/** Resolves every network into the context. */
export function resolveNetworks(ctx: ResolveContext): void {
  for (const h of dockerHosts(ctx)) addDefaultBridge(ctx, h);
  const overlayPool = new PoolAllocator([
    { base: parseCidr(DOCKER_OVERLAY_POOL.base) as Cidr, size: DOCKER_OVERLAY_POOL.size },
  ]);
  overlayPool.reserve(parseCidr(DOCKER_INGRESS_SUBNET) as Cidr, 'ingress');
  ctx.pools.set('', overlayPool);
  const vnis = new Set(Object.values(ctx.raw.networks ?? {}).flatMap((n) => (n.vni === undefined ? [] : [n.vni])));
  let nextVni = DOCKER_FIRST_OVERLAY_VNI;
  for (const [name, n] of Object.entries(ctx.raw.networks ?? {})) {
    const path = ['networks', name];
    if (RESERVED.has(name)) {
      ctx.sink.error(
        path,
        `"${name}" is a network Docker predefines and cannot be created; the default bridge is set up by the daemon options (bip, icc, ip-masq, mtu)`,
        name,
      );
      continue;
    }
    if (name === DOCKER_GWBRIDGE) {
      ctx.sink.error(
        path,
        `"${name}" is the network Docker creates on every swarm node for overlay containers' outside traffic; twinnet creates it (icc off, masquerade, the next free /16), and declaring it is not modelled`,
        name,
      );
      continue;
    }
    if ((n.driver ?? 'bridge') === 'bridge') addBridge(ctx, name, n, path);
    else {
      while (n.vni === undefined && vnis.has(nextVni)) nextVni++;
      addOverlay(ctx, name, n, path, n.vni ?? nextVni++);
    }
  }
  checkVnis(ctx);
  checkAdvertised(ctx);
  for (const h of dockerHosts(ctx)) if (swarmNode(ctx, h.name)) addGwBridge(ctx, h);
}

/** Key of a swarm node's docker_gwbridge network. */
export function gwBridgeKey(host: string): string {
  return `${DOCKER_GWBRIDGE}@${host}`;
}

/** Whether an overlay spans the host, which then is a swarm node. */
function swarmNode(ctx: ResolveContext, host: string): boolean {
  return [...ctx.networks.values()].some((n) => n.driver === 'overlay' && n.hosts.includes(host));
}

/** Two overlays cannot share a VNI, nor take swarm ingress's (the overlay driver's vxlan id allocation refuses). */
function checkVnis(ctx: ResolveContext): void {
  const owner = new Map<number, string>([[INGRESS_VNI, "swarm's ingress network"]]);
  for (const n of ctx.networks.values()) {
    if (n.vni === undefined) continue;
    const prev = owner.get(n.vni);
    if (prev !== undefined)
      ctx.sink.error(
        [...n.path, 'vni'],
        `VNI ${n.vni} is already used by ${prev}; expected a VNI no other overlay has`,
        n.vni,
      );
    else owner.set(n.vni, `overlay ${n.name}`);
  }
}

/** Every swarm node needs one address to advertise, or docker swarm init/join refuses. */
function checkAdvertised(ctx: ResolveContext): void {
  for (const h of dockerHosts(ctx)) {
    if (!swarmNode(ctx, h.name) || h.docker?.advertiseAddr !== undefined) continue;
    const own = h.interfaces.flatMap((i) => i.addresses.map((a) => `${formatIpv4(a.addr)} on ${i.name}`));
    const why =
      own.length === 0
        ? 'has no address to advertise to the swarm ("could not find the system\'s IP address")'
        : `has several addresses (${own.join(', ')}) and Docker will not choose one to advertise ("could not choose an IP address to advertise since this system has multiple addresses"); set docker.advertise-addr`;
    ctx.sink.error([...h.path, 'docker'], `an overlay spans host ${h.name}, which ${why}`);
  }
}

/**
 * The bridge network libnetwork creates when a swarm node first needs it
 * (default_gateway.go createGWNetwork): bridge `docker_gwbridge`, ICC off, masquerade on,
 * the next free prefix of the engine's pools (docker-semantics.md 6h: 172.18/16 on a
 * node with only docker0, 172.23/16 after five user networks). Created here after the
 * file's networks, so the engine's firewall writes its rules last. Its first address
 * after the gateway goes to swarm's ingress sandbox (`ingress_sbox` eth1, 172.23.0.2 in
 * 6h), which twinnet does not build (no routing mesh): containers start at .3.
 */
function addGwBridge(ctx: ResolveContext, h: HostModel): void {
  const pools = ctx.pools.get(h.name);
  const subnet = pools?.next(DOCKER_GWBRIDGE);
  if (subnet === undefined) {
    ctx.sink.error(
      [...h.path, 'docker'],
      `no free subnet left in the address pools of host ${h.name} for docker_gwbridge, which overlays need; add default-address-pools`,
    );
    return;
  }
  const key = gwBridgeKey(h.name);
  const gateway = subnet.addr + 1;
  ctx.networks.set(key, {
    name: DOCKER_GWBRIDGE,
    key,
    driver: 'bridge',
    isDefault: false,
    hosts: [h.name],
    subnet,
    gateway,
    internal: false,
    icc: false,
    masquerade: true,
    mtu: ETHERNET_MTU,
    gatewayMode: 'nat',
    bridgeName: DOCKER_GWBRIDGE,
    userSubnet: false,
    gwBridge: true,
    path: [...h.path, 'docker'],
  });
  const alloc = new AddressAllocator(subnet, gateway);
  if (subnet.len < 30) alloc.next("swarm's ingress sandbox (not built)");
  ctx.addresses.set(key, alloc);
}

/**
 * The engine's address pools, and its default bridge unless `bridge: none` disables it
 * (then docker0 does not exist and its subnet stays free for user networks). Without
 * `bip`, docker0 takes the first prefix of the pools clear of the host's on-link routes,
 * with its first address as gateway (20.10: netutils ElectInterfaceAddresses ->
 * FindAvailableNetwork over the local-scope pools; 28 and 29: the IPAM's dynamic pool
 * with the on-link routes excluded): 172.17.0.1/16 with the default pools, the first
 * pool of `default-address-pools` otherwise, and the next /16 when the host is on-link
 * in 172.17.0.0/16.
 */
function addDefaultBridge(ctx: ResolveContext, h: HostModel): void {
  const d = h.docker;
  if (d === undefined) return;
  const pools = new PoolAllocator(enginePoolOrder(d.pools, d.version));
  // Dynamic subnets stay clear of the host's on-link routes, not of routes via a
  // gateway, and not of the default route (on-link.ts).
  for (const c of onLinkPrefixes(h)) pools.avoid(c);
  ctx.pools.set(h.name, pools);
  if (!d.defaultBridge) return;
  const bip = defaultBridgeAddress(ctx, h, d, pools);
  if (bip === undefined) return;
  const subnet = subnetOf(bip);
  const key = defaultBridgeKey(h.name);
  ctx.networks.set(key, {
    name: 'bridge',
    key,
    driver: 'bridge',
    isDefault: true,
    hosts: [h.name],
    subnet,
    gateway: bip.addr,
    internal: false,
    icc: d.icc,
    masquerade: d.ipMasq,
    mtu: d.mtu,
    gatewayMode: 'nat',
    bridgeName: 'docker0',
    userSubnet: false,
    path: [...h.path, 'docker'],
  });
  ctx.addresses.set(key, new AddressAllocator(subnet, bip.addr));
}

/** docker0's address: `bip` as given, else the first address of the first free pool prefix. */
function defaultBridgeAddress(
  ctx: ResolveContext,
  h: HostModel,
  d: DaemonModel,
  pools: PoolAllocator,
): IfAddr | undefined {
  if (d.bip !== undefined) {
    pools.reserve(subnetOf(d.bip), 'the default bridge (bip)');
    return d.bip;
  }
  const subnet = pools.next('the default bridge (docker0)');
  if (subnet === undefined) {
    // dockerd does not start: "PredefinedLocalScopeDefaultNetworks List: ...: no available network" (20.10).
    ctx.sink.error(
      [...h.path, 'docker'],
      `every prefix of host ${h.name}'s address pools overlaps one of its on-link routes, so dockerd finds no subnet for docker0 and does not start ("no available network"); set bip or add default-address-pools`,
    );
    return undefined;
  }
  return { addr: subnet.addr + 1, len: subnet.len };
}

function addBridge(ctx: ResolveContext, name: string, n: RawNetwork, path: Path): void {
  if (n.hosts !== undefined)
    ctx.sink.error([...path, 'hosts'], 'hosts is for overlay networks; a bridge network lives on one host (use host)');
  if (n.vni !== undefined) ctx.sink.error([...path, 'vni'], 'vni is for overlay networks', n.vni);
  const host = pickDockerHost(ctx, n.host, path);
  const pools = host === undefined ? undefined : ctx.pools.get(host.name);
  if (host === undefined || pools === undefined) return;
  if (n['gateway-mode'] !== undefined && host.docker?.version === '20.10') {
    // Gateway modes came with Docker 27.0 (com.docker.network.bridge.gateway_mode_ipv4);
    // 20.10's bridge driver knows no such option (vendor/.../drivers/bridge/labels.go).
    ctx.sink.error(
      [...path, 'gateway-mode'],
      `engine 20.10 (host ${host.name}) has no gateway modes; they came with Docker 27 (com.docker.network.bridge.gateway_mode_ipv4). Remove gateway-mode, or use version "28" or "29"`,
      n['gateway-mode'],
    );
  }
  const subnet = allocateSubnet(ctx, pools, name, n, path, `on host ${host.name}`);
  if (subnet === undefined) return;
  warnUnderlayOverlap(ctx, host, subnet, path);
  const gateway = gatewayOf(ctx, n, subnet, path);
  const bridgeName = n['bridge-name'] ?? bridgeNameFor(name);
  ctx.networks.set(name, {
    name,
    key: name,
    driver: 'bridge',
    isDefault: false,
    hosts: [host.name],
    subnet,
    gateway,
    internal: n.internal ?? false,
    icc: n.icc ?? true,
    masquerade: n.masquerade ?? true,
    mtu: n.mtu ?? ETHERNET_MTU,
    ...(n['host-ipv4'] !== undefined && { hostIpv4: ipv4(ctx, n['host-ipv4'], [...path, 'host-ipv4']) ?? 0 }),
    gatewayMode: n['gateway-mode'] ?? 'nat',
    bridgeName,
    userSubnet: n.subnet !== undefined,
    path,
  });
  ctx.addresses.set(name, new AddressAllocator(subnet, gateway));
}

function addOverlay(ctx: ResolveContext, name: string, n: RawNetwork, path: Path, vni: number): void {
  for (const k of OVERLAY_ONLY_ON_BRIDGE)
    if (n[k] !== undefined) ctx.sink.error([...path, k], `${k} applies to bridge networks, not overlays`, n[k]);
  if (n.host !== undefined) ctx.sink.error([...path, 'host'], 'an overlay spans hosts; expected hosts: [...]', n.host);
  const hosts = overlayHosts(ctx, name, n, path);
  const subnet = allocateSubnet(ctx, ctx.pools.get('') as PoolAllocator, name, n, path, 'in the swarm');
  if (subnet === undefined) return;
  const gateway = gatewayOf(ctx, n, subnet, path);
  ctx.networks.set(name, {
    name,
    key: name,
    driver: 'overlay',
    isDefault: false,
    hosts,
    subnet,
    gateway,
    internal: n.internal ?? false,
    icc: true,
    masquerade: false,
    mtu: n.mtu ?? DOCKER_OVERLAY_MTU,
    gatewayMode: 'nat',
    bridgeName: 'br0',
    vni,
    userSubnet: n.subnet !== undefined,
    path,
  });
  ctx.addresses.set(name, new AddressAllocator(subnet, gateway));
}

/**
 * The hosts an overlay spans: as listed, else the hosts of the containers that join it, at the
 * start or in the timeline.
 */
function overlayHosts(ctx: ResolveContext, name: string, n: RawNetwork, path: Path): string[] {
  if (n.hosts !== undefined) {
    return n.hosts.filter((h, i) => {
      const ok = ctx.hosts.get(h)?.kind === 'docker';
      if (!ok)
        ctx.sink.error(
          [...path, 'hosts', i],
          `expected a Docker host; Docker hosts are: ${
            dockerHosts(ctx)
              .map((x) => x.name)
              .join(', ') || '(none)'
          }`,
          h,
        );
      return ok;
    });
  }
  const docker = dockerHosts(ctx);
  const later = new Set(
    (ctx.raw.timeline ?? []).flatMap((t) => (t.connect?.network === name ? [t.connect.container] : [])),
  );
  const used = Object.entries(ctx.raw.containers ?? {})
    .filter(
      ([cn, c]) => later.has(cn) || (c.networks ?? []).some((a) => (typeof a === 'string' ? a : a.network) === name),
    )
    .map(([, c]) => c.host ?? (docker.length === 1 ? docker[0]?.name : undefined))
    .filter((h): h is string => h !== undefined);
  return docker.map((h) => h.name).filter((h) => used.includes(h));
}

function allocateSubnet(
  ctx: ResolveContext,
  pools: PoolAllocator,
  name: string,
  n: RawNetwork,
  path: Path,
  where: string,
): Cidr | undefined {
  if (n.subnet === undefined) {
    const c = pools.next(name);
    if (c === undefined)
      ctx.sink.error(
        path,
        `no free subnet left in the address pools ${where}; give this network a subnet or add default-address-pools`,
      );
    return c;
  }
  const given = parseCidr(n.subnet);
  if (given === undefined) {
    ctx.sink.error([...path, 'subnet'], 'expected a network prefix with its host bits zero', n.subnet);
    return undefined;
  }
  const clash = pools.conflict(given);
  if (clash !== undefined) {
    const how = clash.owner.startsWith('the default') ? clash.owner : `network ${clash.owner}, created earlier`;
    ctx.sink.error(
      [...path, 'subnet'],
      `overlaps ${formatCidr(clash.cidr)} of ${how} ${where}; Docker refuses overlapping networks on one engine ("Pool overlaps with other one on this address space")`,
      n.subnet,
    );
    return undefined;
  }
  pools.reserve(given, name);
  return given;
}

function gatewayOf(ctx: ResolveContext, n: RawNetwork, subnet: Cidr, path: Path): number {
  if (n.gateway === undefined) return subnet.addr + 1;
  const g = ipv4(ctx, n.gateway, [...path, 'gateway']);
  if (g !== undefined && (!cidrContains(subnet, g) || g === subnet.addr)) {
    ctx.sink.error(
      [...path, 'gateway'],
      `gateway must be a host address inside the subnet ${formatCidr(subnet)}`,
      n.gateway,
    );
  }
  return g ?? subnet.addr + 1;
}

function warnUnderlayOverlap(ctx: ResolveContext, host: HostModel, subnet: Cidr, path: Path): void {
  for (const i of host.interfaces) {
    for (const a of i.addresses) {
      if (cidrsOverlap(subnetOf(a), subnet)) {
        ctx.sink.warn(
          [...path, 'subnet'],
          `${formatCidr(subnet)} overlaps ${host.name}'s ${i.name} (${formatCidr(subnetOf(a))}); replies to that segment would go to the bridge`,
        );
      }
    }
  }
}

/** `br-NAME` when it fits the interface-name limit, else `br-` and a hash of the name. */
export function bridgeNameFor(network: string): string {
  const plain = `br-${network}`;
  return plain.length <= IFNAME_MAX && /^[a-zA-Z0-9_.-]+$/.test(network)
    ? plain
    : `br-${hexDigest(network, IFNAME_MAX - 3)}`;
}
