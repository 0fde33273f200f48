/**
 * Docker 28 and 29's firewall: the bridge driver's iptabler (iptabler.go setupIPChains
 * at daemon start; network, endpoint and port rules in `iptabler-network.ts` and
 * `iptabler-port.ts`), DOCKER-USER (`user-chain.ts`), and the FORWARD policy.
 *
 * Order at daemon start, from the source: the bridge driver is registered (and so
 * configured: NewIptabler -> setupIPChains) while the controller is created, and the
 * controller then sets up DOCKER-USER (controller.go New at v28.5.2;
 * setupPlatformFirewall at 29.7). setupIPChains pins `-j DOCKER-FORWARD` at the top of
 * FORWARD, setupUserChain then pins `-j DOCKER-USER` above it; nothing re-pins them
 * later, so FORWARD reads `-j DOCKER-USER`, `-j DOCKER-FORWARD`. DOCKER-USER has no
 * RETURN rule. FORWARD's policy becomes DROP when the first bridge network is created:
 * its setup steps turn IPv4 forwarding on (setupIPv4Forwarding, bridge_linux.go
 * createNetwork), and that sets the policy when it found forwarding off. A daemon with no
 * bridge network at all (`bridge: none` and none declared) leaves forwarding, and the
 * policy, alone.
 *
 * 28 keeps the inter-network isolation chains DOCKER-ISOLATION-STAGE-1/2, which internal
 * networks also use; 29 replaced them by DOCKER-INTERNAL for internal networks and
 * dropped the "skip DNAT" rule of the proxy mode (iptabler.go and network.go diffs
 * between v28.5.2 and 29.7).
 */
import type { DockerEngine } from './engine.js';
import type { IptablesCalls } from './iptables-calls.js';
import {
  DOCKER_BRIDGE,
  DOCKER_CT,
  DOCKER_FORWARD,
  DOCKER_INTERNAL,
  ISOLATION_1,
  ISOLATION_2,
  setupNetworkRules,
  type NetworkGeneration,
} from './iptabler-network.js';
import { filterDirectAccess, portBindings, setPerPortIptables, type MapperGeneration } from './iptabler-port.js';
import { setupUserChain } from './user-chain.js';

/** The nat-OUTPUT jump leaves out loopback when the proxy serves it (network.go loopbackAddress). */
const LOOPBACK = '127.0.0.0/8';

interface Generation extends NetworkGeneration, MapperGeneration {
  /** The filter chains setupIPChains creates after DOCKER, DOCKER-FORWARD, DOCKER-BRIDGE and DOCKER-CT. */
  readonly extraChains: readonly string[];
}

const G28: Generation = {
  extraChains: [ISOLATION_1, ISOLATION_2],
  internalChain: ISOLATION_1,
  isolationChains: true,
  skipDnat: true,
  sortBeforeNormalising: true,
};
const G29: Generation = {
  extraChains: [DOCKER_INTERNAL],
  internalChain: DOCKER_INTERNAL,
  isolationChains: false,
  skipDnat: false,
  sortBeforeNormalising: false,
};

function iptabler(g: Generation): DockerEngine {
  return {
    start(ipt, o) {
      setupIPChains(ipt, g, o.hairpin);
      setupUserChain(ipt);
    },
    network(ipt, n, o, first) {
      if (first && o.forwardDrop) ipt.policy('filter', 'FORWARD', 'DROP');
      setupNetworkRules(ipt, g, n, o.hairpin);
    },
    endpoint(ipt, n, address) {
      filterDirectAccess(ipt, n, address);
    },
    ports(ipt, n, bindings, o) {
      for (const b of bindings) setPerPortIptables(ipt, n, b, o.hairpin);
    },
    bindings(ports, containerIp, n) {
      return portBindings(g, ports, containerIp, n);
    },
  };
}

/**
 * iptabler.go setupIPChains: the chains, the nat jumps (appended), and the jumps from
 * FORWARD and DOCKER-FORWARD, each re-inserted at the top in reverse order so that
 * DOCKER-FORWARD reads DOCKER-CT, then the isolation or internal chain, then
 * DOCKER-BRIDGE. The deletions of rules older daemons left in FORWARD find nothing.
 */
function setupIPChains(ipt: IptablesCalls, g: Generation, hairpin: boolean): void {
  ipt.newChain('nat', 'DOCKER');
  for (const c of ['DOCKER', DOCKER_FORWARD, DOCKER_BRIDGE, DOCKER_CT, ...g.extraChains]) ipt.newChain('filter', c);
  const jump = ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'DOCKER'];
  ipt.append('nat', 'PREROUTING', jump);
  ipt.append('nat', 'OUTPUT', hairpin ? jump : [...jump, '!', '--dst', LOOPBACK]);
  ipt.ensureJump('filter', 'FORWARD', DOCKER_FORWARD);
  ipt.ensureJump('filter', DOCKER_FORWARD, DOCKER_BRIDGE);
  ipt.ensureJump('filter', DOCKER_FORWARD, g.internalChain);
  ipt.ensureJump('filter', DOCKER_FORWARD, DOCKER_CT);
}

export const ENGINE_28: DockerEngine = iptabler(G28);
export const ENGINE_29: DockerEngine = iptabler(G29);
