/**
 * A Docker host's firewall as its engine writes it: the engine generation of the host's
 * `version` replays, call by call, what dockerd does from its start to the last
 * container's port bindings (`events.ts`), onto the host's ruleset builder. Also what
 * goes with it: whether dockerd turns IPv4 forwarding on, route_localnet on its bridges
 * without the userland proxy, and the docker-proxy processes with it.
 *
 * The result is checked against Docker's own goldens (test/conformance/docker-firewall)
 * and against a real 20.10 engine's rules (test/conformance/docker-oracle).
 */
import type { RulesetBuilder } from '../../../netfilter/builder.js';
import type { ContainerModel, DockerVersion, HostModel, NetworkModel } from '../../../scenario/model.js';
import { canonicalSysctlKey, forwardsIpv4 } from '../../sysctl.js';
import type { HelperPlan, SysctlPlan } from '../../types.js';
import type { DockerEngine, EngineOptions } from './engine.js';
import { bridgeNetworks, engineEvents, type FirewallEvent } from './events.js';
import { IptablesCalls } from './iptables-calls.js';
import { ENGINE_28, ENGINE_29 } from './iptabler.js';
import { dockerProxies } from './proxy.js';
import { ENGINE_20_10 } from './v20-10.js';

export const DOCKER_ENGINES: Readonly<Record<DockerVersion, DockerEngine>> = {
  '20.10': ENGINE_20_10,
  '28': ENGINE_28,
  '29': ENGINE_29,
};

export interface DockerHostFirewall {
  readonly helpers: readonly HelperPlan[];
  /** Whether dockerd turns IPv4 forwarding on, and why (or why not). */
  readonly forwarding: { readonly on: boolean; readonly why: string };
  /** Sysctls the engine sets on its bridges. */
  readonly sysctls: readonly SysctlPlan[];
}

/** Replays the engine of Docker host `h` onto `rules` (nothing when its `iptables` is false). */
export function compileDockerFirewall(
  rules: RulesetBuilder,
  h: HostModel,
  networks: readonly NetworkModel[],
  containers: readonly ContainerModel[],
): DockerHostFirewall {
  const d = h.docker;
  if (d === undefined) throw new Error(`internal: ${h.name} is not a Docker host`);
  const engine = DOCKER_ENGINES[d.version];
  const nets = bridgeNetworks(h, networks);
  const forwarding = forwardingOf(d.version, nets.length);
  const o = engineOptions(h, forwarding.on);
  const events = engineEvents(engine, h, networks, containers);
  if (d.iptables) playEvents(new IptablesCalls(rules), engine, events, o);
  return {
    helpers: d.userlandProxy ? dockerProxies(events, d.version) : [],
    forwarding,
    sysctls: d.userlandProxy ? [] : nets.map((n) => routeLocalnet(n.bridgeName)),
  };
}

/** The daemon options the firewall code reads. */
export function engineOptions(h: HostModel, forwardingOn: boolean): EngineOptions {
  const d = h.docker;
  // setup_ip_forwarding.go: the policy is set only when dockerd itself turned forwarding on.
  const alreadyOn = forwardsIpv4(
    Object.entries(h.sysctls).map(([key, value]) => ({ key: canonicalSysctlKey(key), value })),
  );
  return { hairpin: d?.userlandProxy === false, forwardDrop: d?.iptables === true && forwardingOn && !alreadyOn };
}

/** Runs the engine through the events. */
export function playEvents(
  ipt: IptablesCalls,
  engine: DockerEngine,
  events: readonly FirewallEvent[],
  o: EngineOptions,
): void {
  for (const e of events) {
    if (e.kind === 'start') engine.start(ipt, o);
    else if (e.kind === 'network') engine.network(ipt, e.network, o, e.first);
    else if (e.kind === 'endpoint') engine.endpoint(ipt, e.network, e.address);
    else engine.ports(ipt, e.network, e.bindings, o);
  }
}

/**
 * 20.10 turns forwarding on when its bridge driver is configured, at daemon start
 * (bridge.go configure -> setupIPForwarding); 28 and 29 when a bridge network is created
 * (bridge_linux.go createNetwork -> setupIPv4Forwarding), so not at all without one.
 */
function forwardingOf(version: DockerVersion, bridgeNetworkCount: number): { on: boolean; why: string } {
  if (version === '20.10')
    return {
      on: true,
      why: 'dockerd 20.10 turns forwarding on at start (setup_ip_forwarding.go; docker-semantics.md 4.1)',
    };
  if (bridgeNetworkCount > 0)
    return {
      on: true,
      why: `dockerd ${version} turns forwarding on with its first bridge network (setup_ip_forwarding.go, createNetwork)`,
    };
  return {
    on: false,
    why: `dockerd ${version} turns forwarding on with its first bridge network, and this engine has none (bridge: none); Linux default`,
  };
}

/**
 * With the userland proxy off, dockerd lets each bridge route 127.0.0.0/8 so that the
 * nat-OUTPUT DNAT of a port published on localhost can leave through it
 * (setupLoopbackAddressesRouting, setup_ipv4*.go; docker-semantics.md 4.1).
 */
function routeLocalnet(bridge: string): SysctlPlan {
  return {
    key: `net.ipv4.conf.${bridge}.route_localnet`,
    value: '1',
    why: 'dockerd without the userland proxy: DNAT of localhost to containers (setupLoopbackAddressesRouting; docker-semantics.md 4.1)',
  };
}
