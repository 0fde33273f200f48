/**
 * Docker 20.10's firewall, call by call, from the libnetwork vendored in moby v20.10.9:
 * vendor/github.com/docker/libnetwork/drivers/bridge/{bridge.go,setup_ip_tables.go,
 * setup_ip_forwarding.go}, iptables/iptables.go (ProgramChain, Forward) and
 * firewall_linux.go (DOCKER-USER). Measured on a real 20.10.24 engine in
 * docker-semantics.md 5.1 and 5.2.
 *
 * The layout it leaves: FORWARD starts with `-j DOCKER-USER` and `-j
 * DOCKER-ISOLATION-STAGE-1` (both re-pinned to the top after every network), then one
 * block per network, newest first (every rule of a block is inserted at the top), and the
 * `icc: false` DROP rules at the tail, oldest first (they are the only appended ones).
 * DOCKER-USER, and both isolation chains, end in `-j RETURN`. FORWARD's policy becomes
 * DROP at daemon start, when dockerd turns forwarding on. There are no raw rules.
 */
import { formatCidr, formatIpv4, type Ipv4 } from '../../../addr.js';
import type { NetworkModel, PortModel } from '../../../scenario/model.js';
import type { DockerEngine, FirewallBinding } from './engine.js';
import type { IptablesCalls } from './iptables-calls.js';
import { sortPortMap } from './sort-port-map.js';
import { arrangeUserFilterRule } from './user-chain.js';

const DOCKER = 'DOCKER';
const ISOLATION_1 = 'DOCKER-ISOLATION-STAGE-1';
const ISOLATION_2 = 'DOCKER-ISOLATION-STAGE-2';
/** The loopback prefix the nat-OUTPUT jump leaves out when the proxy serves it (iptables.go LoopbackByVersion). */
const LOOPBACK = '127.0.0.0/8';

export const ENGINE_20_10: DockerEngine = {
  start(ipt, o) {
    // bridge.go configure: removeIPChains (nothing to remove here), setupIPChains.
    for (const [table, chain] of [
      ['nat', DOCKER],
      ['filter', DOCKER],
      ['filter', ISOLATION_1],
      ['filter', ISOLATION_2],
    ] as const)
      ipt.newChain(table, chain);
    ipt.addReturn(ISOLATION_1);
    ipt.addReturn(ISOLATION_2);
    // configure: setupIPForwarding, which sets the policy when it turns forwarding on.
    if (o.forwardDrop) ipt.policy('filter', 'FORWARD', 'DROP');
    // The daemon's `none` and `host` networks are created next; each ends with arrangeUserFilterRule.
    arrangeUserFilterRule(ipt);
  },

  network(ipt, n, o) {
    setupIPTables(ipt, n, o.hairpin);
    // createNetwork's setupNetworkIsolationRules (isolateNetwork: not for internal networks).
    if (!n.internal) setINC(ipt, n.bridgeName);
    // controller.go NewNetwork, after the driver: arrangeUserFilterRule.
    arrangeUserFilterRule(ipt);
  },

  endpoint() {
    // 20.10 writes nothing per endpoint (no raw PREROUTING guards: docker-semantics.md 7.9).
  },

  ports(ipt, n, bindings, o) {
    for (const b of bindings) forward(ipt, n.bridgeName, b, o.hairpin);
  },

  bindings(ports: readonly PortModel[], containerIp: Ipv4): FirewallBinding[] {
    // bridge/port_mapping.go allocatePortsInternal: validatePortBindingIPv4 gives an
    // unspecified host IP the default binding address, 0.0.0.0.
    return sortPortMap(ports).map((p) => ({
      proto: p.proto,
      containerIp,
      containerPort: p.containerPort,
      hostIp: p.hostIp ?? 0,
      hostPort: p.hostPort,
    }));
  },
};

/** setup_ip_tables.go setupIPTables, then the jump to STAGE-1 is re-pinned (EnsureJumpRule). */
function setupIPTables(ipt: IptablesCalls, n: NetworkModel, hairpin: boolean): void {
  if (n.internal) setupInternalNetworkRules(ipt, n);
  else {
    setupIPTablesInternal(ipt, n, hairpin);
    programNatChain(ipt, hairpin);
    programFilterChain(ipt, n.bridgeName);
  }
  ipt.ensureJump('filter', 'FORWARD', ISOLATION_1);
}

/** setupIPTablesInternal: masquerade (or SNAT), skip-DNAT, hairpin masquerade, ICC, outgoing. */
function setupIPTablesInternal(ipt: IptablesCalls, n: NetworkModel, hairpin: boolean): void {
  const br = n.bridgeName;
  const nat = n.hostIpv4 === undefined ? ['-j', 'MASQUERADE'] : ['-j', 'SNAT', '--to-source', formatIpv4(n.hostIpv4)];
  if (n.masquerade) ipt.insert('nat', 'POSTROUTING', ['-s', formatCidr(n.subnet), '!', '-o', br, ...nat]);
  if (n.masquerade && !hairpin) ipt.insert('nat', DOCKER, ['-i', br, '-j', 'RETURN']);
  if (hairpin) ipt.insert('nat', 'POSTROUTING', ['-m', 'addrtype', '--src-type', 'LOCAL', '-o', br, ...nat]);
  setIcc(ipt, br, n.icc);
  ipt.insert('filter', 'FORWARD', ['-i', br, '!', '-o', br, '-j', 'ACCEPT']);
}

/**
 * setIcc (insert): ICC on inserts the ACCEPT at the top of FORWARD; ICC off APPENDS the
 * DROP, so the DROP rules of several networks collect at the tail, oldest first.
 */
function setIcc(ipt: IptablesCalls, br: string, icc: boolean): void {
  const args = ['-i', br, '-o', br, '-j'];
  if (icc) {
    ipt.delete('filter', 'FORWARD', [...args, 'DROP']);
    ipt.insert('filter', 'FORWARD', [...args, 'ACCEPT']);
  } else {
    ipt.delete('filter', 'FORWARD', [...args, 'ACCEPT']);
    ipt.append('filter', 'FORWARD', [...args, 'DROP']);
  }
}

/** iptables.go ProgramChain for the nat DOCKER chain: the jumps from PREROUTING and OUTPUT (appended once). */
function programNatChain(ipt: IptablesCalls, hairpin: boolean): void {
  const jump = ['-m', 'addrtype', '--dst-type', 'LOCAL', '-j', DOCKER];
  ipt.append('nat', 'PREROUTING', jump);
  ipt.append('nat', 'OUTPUT', hairpin ? jump : [...jump, '!', '--dst', LOOPBACK]);
}

/** ProgramChain for the filter DOCKER chain: the jump and the conntrack rule, inserted at the top. */
function programFilterChain(ipt: IptablesCalls, br: string): void {
  ipt.insert('filter', 'FORWARD', ['-o', br, '-j', DOCKER]);
  ipt.insert('filter', 'FORWARD', ['-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);
}

/** setupInternalNetworkRules: drop what leaves or enters the subnet, then ICC. */
function setupInternalNetworkRules(ipt: IptablesCalls, n: NetworkModel): void {
  const br = n.bridgeName;
  const subnet = formatCidr(n.subnet);
  ipt.insert('filter', ISOLATION_1, ['-i', br, '!', '-d', subnet, '-j', 'DROP']);
  ipt.insert('filter', ISOLATION_1, ['-o', br, '!', '-s', subnet, '-j', 'DROP']);
  setIcc(ipt, br, n.icc);
}

/** setINC: inter-network isolation, both rules inserted at the top of their chains. */
function setINC(ipt: IptablesCalls, br: string): void {
  ipt.insert('filter', ISOLATION_1, ['-i', br, '!', '-o', br, '-j', ISOLATION_2]);
  ipt.insert('filter', ISOLATION_2, ['-o', br, '-j', 'DROP']);
}

/**
 * iptables.go ChainInfo.Forward(Append): DNAT in nat DOCKER (`! -i B` unless hairpin),
 * the ACCEPT in filter DOCKER, and the masquerade of a container reaching itself,
 * each appended unless an identical rule is there (in both proxy modes).
 */
function forward(ipt: IptablesCalls, br: string, b: FirewallBinding, hairpin: boolean): void {
  const proto = b.proto;
  const c = formatIpv4(b.containerIp);
  // "iptables interprets 0.0.0.0 as 0.0.0.0/32, whereas we want 0.0.0.0/0" (Forward).
  const daddr = b.hostIp === 0 ? '0/0' : formatIpv4(b.hostIp);
  const dnat = [
    '-p',
    proto,
    '-d',
    daddr,
    '--dport',
    String(b.hostPort),
    '-j',
    'DNAT',
    '--to-destination',
    `${c}:${b.containerPort}`,
  ];
  ipt.append('nat', DOCKER, hairpin ? dnat : [...dnat, '!', '-i', br]);
  ipt.append('filter', DOCKER, [
    '!',
    '-i',
    br,
    '-o',
    br,
    '-p',
    proto,
    '-d',
    c,
    '--dport',
    String(b.containerPort),
    '-j',
    'ACCEPT',
  ]);
  ipt.append('nat', 'POSTROUTING', [
    '-p',
    proto,
    '-s',
    c,
    '-d',
    c,
    '--dport',
    String(b.containerPort),
    '-j',
    'MASQUERADE',
  ]);
}
