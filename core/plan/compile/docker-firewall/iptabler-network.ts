/**
 * The rules of one bridge network in Docker 28 and 29, from network.go of the bridge
 * driver's iptabler (libnetwork/drivers/bridge/internal/iptabler/ at v28.5.2,
 * daemon/libnetwork/drivers/bridge/internal/iptabler/ at 29.7): setupIPTables,
 * setupNonInternalNetworkRules, setIcc, setDefaultForwardRule, setupInternalNetworkRules
 * and (28 only) setINC.
 *
 * Unlike 20.10, nothing goes into FORWARD: a network appends its rules to DOCKER-FORWARD,
 * DOCKER-CT, DOCKER-BRIDGE and filter DOCKER (so networks appear oldest first), except
 * the NAT rules, which are inserted at the top of POSTROUTING (newest first).
 *
 * Left out: the deletions of rules that 28.0 and older daemons put in FORWARD (nothing to
 * delete in a namespace this daemon set up), firewalld zones, AcceptFwMark (29: a
 * daemon option the scenario format does not have), and IPv6.
 */
import { formatCidr, formatIpv4 } from '../../../addr.js';
import type { NetworkModel } from '../../../scenario/model.js';
import type { IptablesCalls } from './iptables-calls.js';

/** What tells the generations apart in this file. */
export interface NetworkGeneration {
  /** Where internal networks' DROP rules go: DOCKER-ISOLATION-STAGE-1 (28) or DOCKER-INTERNAL (29). */
  readonly internalChain: string;
  /** 28: inter-network isolation through DOCKER-ISOLATION-STAGE-1/2 (setINC); 29 dropped it. */
  readonly isolationChains: boolean;
  /** 28: nat `DOCKER -i B -j RETURN` when masquerading with the userland proxy ("SKIP DNAT"); 29 dropped it. */
  readonly skipDnat: boolean;
}

export const ISOLATION_1 = 'DOCKER-ISOLATION-STAGE-1';
export const ISOLATION_2 = 'DOCKER-ISOLATION-STAGE-2';
export const DOCKER_FORWARD = 'DOCKER-FORWARD';
export const DOCKER_BRIDGE = 'DOCKER-BRIDGE';
export const DOCKER_CT = 'DOCKER-CT';
export const DOCKER_INTERNAL = 'DOCKER-INTERNAL';
const DOCKER = 'DOCKER';

/** network.go setupIPTables for one network. */
export function setupNetworkRules(ipt: IptablesCalls, g: NetworkGeneration, n: NetworkModel, hairpin: boolean): void {
  if (n.internal) return setupInternalNetworkRules(ipt, g, n);
  setupNonInternalNetworkRules(ipt, g, n, hairpin);
  const br = n.bridgeName;
  // setDefaultForwardRule: appended, so it follows the per-port ACCEPTs inserted above it.
  ipt.append('filter', DOCKER, [
    '!',
    '-i',
    br,
    '-o',
    br,
    '-j',
    n.gatewayMode === 'nat-unprotected' ? 'ACCEPT' : 'DROP',
  ]);
  ipt.append('filter', DOCKER_CT, ['-o', br, '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT']);
  ipt.append('filter', DOCKER_BRIDGE, ['-o', br, '-j', DOCKER]);
  if (g.isolationChains) setINC(ipt, br, n.gatewayMode === 'routed');
}

function setupNonInternalNetworkRules(
  ipt: IptablesCalls,
  g: NetworkGeneration,
  n: NetworkModel,
  hairpin: boolean,
): void {
  const br = n.bridgeName;
  const to = n.hostIpv4 === undefined ? ['-j', 'MASQUERADE'] : ['-j', 'SNAT', '--to-source', formatIpv4(n.hostIpv4)];
  const nat = n.gatewayMode !== 'routed';
  if (n.masquerade) {
    if (nat) ipt.insert('nat', 'POSTROUTING', ['-s', formatCidr(n.subnet), '!', '-o', br, ...to]);
    // 28 only, and even in routed mode: the proxy picks up what this network sends to a published port.
    if (g.skipDnat && !hairpin) ipt.insert('nat', DOCKER, ['-i', br, '-j', 'RETURN']);
  }
  // "In hairpin mode, masquerade traffic from localhost."
  if (hairpin) ipt.insert('nat', 'POSTROUTING', ['-m', 'addrtype', '--src-type', 'LOCAL', '-o', br, ...to]);
  setIcc(ipt, br, n.icc, false);
  // "Allow ICMP in routed mode."
  if (!nat) ipt.append('filter', DOCKER, ['-o', br, '-p', 'icmp', '-j', 'ACCEPT']);
  // One rule for outgoing traffic: with ICC it also lets containers of this bridge talk.
  ipt.append('filter', DOCKER_FORWARD, n.icc ? ['-i', br, '-j', 'ACCEPT'] : ['-i', br, '!', '-o', br, '-j', 'ACCEPT']);
}

/**
 * setIcc: the ACCEPT is only needed on an internal network (an external one accepts ICC
 * with its outgoing rule); ICC off appends a DROP. Both go to DOCKER-FORWARD.
 */
function setIcc(ipt: IptablesCalls, br: string, icc: boolean, internal: boolean): void {
  const accept = ['-i', br, '-o', br, '-j', 'ACCEPT'];
  const drop = ['-i', br, '-o', br, '-j', 'DROP'];
  if (icc && internal) ipt.append('filter', DOCKER_FORWARD, accept);
  else ipt.delete('filter', DOCKER_FORWARD, accept);
  if (!icc) ipt.append('filter', DOCKER_FORWARD, drop);
  else ipt.delete('filter', DOCKER_FORWARD, drop);
}

/** setupInternalNetworkRules: drop what leaves or enters the subnet (both inserted at the top), then ICC. */
function setupInternalNetworkRules(ipt: IptablesCalls, g: NetworkGeneration, n: NetworkModel): void {
  const br = n.bridgeName;
  const subnet = formatCidr(n.subnet);
  ipt.insert('filter', g.internalChain, ['-i', br, '!', '-d', subnet, '-j', 'DROP']);
  ipt.insert('filter', g.internalChain, ['-o', br, '!', '-s', subnet, '-j', 'DROP']);
  setIcc(ipt, br, n.icc, true);
}

/**
 * setINC (28): a routed network lets anything in at this stage (its DOCKER rules filter
 * by port) and lets replies out; every network's outgoing traffic to another bridge goes
 * to STAGE-2, which drops it when it is headed into this bridge.
 */
function setINC(ipt: IptablesCalls, br: string, routed: boolean): void {
  if (routed) {
    ipt.insert('filter', ISOLATION_1, ['-o', br, '-j', 'RETURN']);
    ipt.insert('filter', ISOLATION_1, [
      '-i',
      br,
      '-m',
      'conntrack',
      '--ctstate',
      'RELATED,ESTABLISHED',
      '-j',
      'ACCEPT',
    ]);
  }
  ipt.append('filter', ISOLATION_1, ['-i', br, '!', '-o', br, '-j', ISOLATION_2]);
  ipt.insert('filter', ISOLATION_2, ['-o', br, '-j', 'DROP']);
}
