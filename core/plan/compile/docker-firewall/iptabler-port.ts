/**
 * Per-endpoint and per-port rules of Docker 28 and 29 (endpoint.go and port.go of the
 * bridge driver's iptabler), and the port mapper in front of them
 * (drivers/bridge/port_mapping_linux.go; at 29.7 also portmapperapi/api.go and
 * portmappers/{nat,routed}).
 *
 * Per endpoint: a raw PREROUTING DROP of packets addressed to the container that did not
 * come in through its bridge (filterDirectAccess), unless the network is internal or its
 * gateway mode is nat-unprotected or routed. Per binding, in the port mapper's order: a
 * raw DROP of remote packets to a port published on a loopback address, the DNAT
 * (appended), the hairpin masquerade (appended, hairpin mode only) and the ACCEPT of the
 * container port (INSERTED at the top of filter DOCKER, above the network's final DROP;
 * not for nat-unprotected).
 *
 * Left out: WSL2 mirrored networking, trusted host interfaces, AllowDirectRouting, the
 * DOCKER_INSECURE_NO_IPTABLES_RAW switch, deleting rules of older daemons, SCTP, IPv6
 * bindings (twinnet is IPv4 only, so there is no `[::]` binding next to `0.0.0.0`).
 */
import { formatIpv4, type Ipv4 } from '../../../addr.js';
import type { NetworkModel, PortModel } from '../../../scenario/model.js';
import type { FirewallBinding } from './engine.js';
import type { IptablesCalls } from './iptables-calls.js';

/** endpoint.go filterDirectAccess. */
export function filterDirectAccess(ipt: IptablesCalls, n: NetworkModel, address: Ipv4): void {
  if (n.internal || n.gatewayMode !== 'nat') return;
  ipt.append('raw', 'PREROUTING', ['-d', formatIpv4(address), '!', '-i', n.bridgeName, '-j', 'DROP']);
}

/** port.go setPerPortIptables for one binding. */
export function setPerPortIptables(ipt: IptablesCalls, n: NetworkModel, b: FirewallBinding, hairpin: boolean): void {
  if (n.internal) return;
  filterPortMappedOnLoopback(ipt, b);
  setPerPortNAT(ipt, n.bridgeName, b, hairpin);
  if (n.gatewayMode !== 'nat-unprotected') setPerPortForwarding(ipt, n.bridgeName, b);
}

/** Remote packets to a port published on 127.0.0.1 are dropped before routing ("! -i lo"). */
function filterPortMappedOnLoopback(ipt: IptablesCalls, b: FirewallBinding): void {
  if (b.hostPort === 0 || b.hostIp >>> 24 !== 127) return;
  ipt.append('raw', 'PREROUTING', [
    '-p',
    b.proto,
    '-d',
    formatIpv4(b.hostIp),
    '--dport',
    String(b.hostPort),
    '!',
    '-i',
    'lo',
    '-j',
    'DROP',
  ]);
}

function setPerPortNAT(ipt: IptablesCalls, br: string, b: FirewallBinding, hairpin: boolean): void {
  if (b.hostPort === 0) return; // "NAT is disabled."
  const c = formatIpv4(b.containerIp);
  // "iptables interprets 0.0.0.0 as 0.0.0.0/32, whereas we want 0.0.0.0/0."
  const hostIp = b.hostIp === 0 ? '0/0' : formatIpv4(b.hostIp);
  const dnat = [
    '-p',
    b.proto,
    '-d',
    hostIp,
    '--dport',
    String(b.hostPort),
    '-j',
    'DNAT',
    '--to-destination',
    `${c}:${b.containerPort}`,
  ];
  ipt.append('nat', 'DOCKER', hairpin ? dnat : [...dnat, '!', '-i', br]);
  const masq = ['-p', b.proto, '-s', c, '-d', c, '--dport', String(b.containerPort), '-j', 'MASQUERADE'];
  if (hairpin) ipt.append('nat', 'POSTROUTING', masq);
  else ipt.delete('nat', 'POSTROUTING', masq);
}

/** The container port is opened at the top of filter DOCKER, so bindings read newest first. */
function setPerPortForwarding(ipt: IptablesCalls, br: string, b: FirewallBinding): void {
  ipt.insert('filter', 'DOCKER', [
    '!',
    '-i',
    br,
    '-o',
    br,
    '-p',
    b.proto,
    '-d',
    formatIpv4(b.containerIp),
    '--dport',
    String(b.containerPort),
    '-j',
    'ACCEPT',
  ]);
}

/** What tells the generations apart in the port mapper. */
export interface MapperGeneration {
  /**
   * 28 sorts the bindings as configured, before the host address is filled in (an
   * unspecified address sorts first); 29 fills it in first (0.0.0.0, or 0.0.0.0 for
   * every routed binding) and then sorts.
   */
  readonly sortBeforeNormalising: boolean;
}

/**
 * The port mapper: each published port becomes one IPv4 binding; a routed network
 * (NAT disabled) binds no host port and no host address ("Host port ignored, because NAT
 * is disabled"; "Using address 0.0.0.0 because NAT is disabled"). Bindings are
 * programmed in cmpPortBinding's order (28: port_mapping_linux.go; 29:
 * PortBindingReq.Compare): exact host ports before ephemeral ones, then by container
 * port, protocol (tcp before udp), host port, host address.
 */
export function portBindings(
  g: MapperGeneration,
  ports: readonly PortModel[],
  containerIp: Ipv4,
  n: NetworkModel,
): FirewallBinding[] {
  const routed = n.gatewayMode === 'routed';
  const sortIp = (p: PortModel): number => (g.sortBeforeNormalising ? (p.hostIp ?? -1) : routed ? 0 : (p.hostIp ?? 0));
  const sorted = [...ports].sort((a, b) => cmpPortBinding(a, b, sortIp));
  return sorted.map((p) => ({
    proto: p.proto,
    containerIp,
    containerPort: p.containerPort,
    hostIp: routed ? 0 : (p.hostIp ?? 0),
    hostPort: routed ? 0 : p.hostPort,
  }));
}

/** libnetwork's Proto values: TCP 6, UDP 17 (types.go), so tcp sorts first. */
const PROTO_ORDER = { tcp: 6, udp: 17 } as const;

function cmpPortBinding(a: PortModel, b: PortModel, ip: (p: PortModel) => number): number {
  // An ephemeral port is requested as HostPort 0, which counts as a range.
  if (a.ephemeral !== b.ephemeral) return a.ephemeral ? 1 : -1;
  const hostPort = (p: PortModel) => (p.ephemeral ? 0 : p.hostPort);
  return (
    a.containerPort - b.containerPort ||
    PROTO_ORDER[a.proto] - PROTO_ORDER[b.proto] ||
    hostPort(a) - hostPort(b) ||
    ip(a) - ip(b)
  );
}
