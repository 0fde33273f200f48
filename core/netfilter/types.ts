/**
 * An iptables ruleset as data: tables, chains with their policies, and rules whose
 * matches and targets are typed values. It covers what Docker writes and what common
 * user rules use (iptables(8), iptables-extensions(8)): addresses, interfaces (with the
 * `+` wildcard), protocol and fragments, the tcp/udp/icmp, multiport, conntrack, state,
 * addrtype, statistic and comment matches, and the ACCEPT, DROP, RETURN, jump/goto,
 * REJECT, DNAT, SNAT, MASQUERADE, REDIRECT and LOG targets.
 *
 * Anything else (another match module, another target, IPv6) is not representable, so a
 * rule that uses it fails to parse with an error naming the option, rather than being
 * loaded half understood. The text form of this model is iptables-save(8)'s, which both
 * engines read: the emulator hands it to iptables-restore, the simulator interprets it.
 */
import type { Cidr, Ipv4 } from '../addr.js';

export const TABLES = ['raw', 'mangle', 'nat', 'filter'] as const;
export type TableName = (typeof TABLES)[number];

/** Built-in chains per table, in the order iptables-save(8) lists them (hook order). */
export const BUILTIN_CHAINS: Readonly<Record<TableName, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

/** A value that a `!` before its option inverts. */
export interface Neg<T> {
  readonly value: T;
  readonly negated: boolean;
}

export interface PortRange {
  readonly lo: number;
  readonly hi: number;
}

/** Protocol numbers the model knows by name (/etc/protocols). */
export const PROTOCOLS = { icmp: 1, tcp: 6, udp: 17 } as const;
export type ProtoName = keyof typeof PROTOCOLS;

export type CtState = 'INVALID' | 'NEW' | 'ESTABLISHED' | 'RELATED' | 'UNTRACKED' | 'SNAT' | 'DNAT';
/** In the order iptables prints them (libxt_conntrack.c conntrack_print_states). */
export const CT_STATES: readonly CtState[] = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

/** Address types of the addrtype match (the kernel's RTN_* route types). */
export type AddrType =
  | 'UNSPEC'
  | 'UNICAST'
  | 'LOCAL'
  | 'BROADCAST'
  | 'ANYCAST'
  | 'MULTICAST'
  | 'BLACKHOLE'
  | 'UNREACHABLE'
  | 'PROHIBIT'
  | 'THROW'
  | 'NAT'
  | 'XRESOLVE';
export const ADDR_TYPES: readonly AddrType[] = [
  'UNSPEC',
  'UNICAST',
  'LOCAL',
  'BROADCAST',
  'ANYCAST',
  'MULTICAST',
  'BLACKHOLE',
  'UNREACHABLE',
  'PROHIBIT',
  'THROW',
  'NAT',
  'XRESOLVE',
];

/** TCP flag bits, as the tcp match's --tcp-flags names them. */
export const TCP_FLAG_BITS = { FIN: 0x01, SYN: 0x02, RST: 0x04, PSH: 0x08, ACK: 0x10, URG: 0x20 } as const;
export type TcpFlagName = keyof typeof TCP_FLAG_BITS;

export type Match =
  | {
      readonly kind: 'tcp';
      readonly sport?: Neg<PortRange>;
      readonly dport?: Neg<PortRange>;
      readonly flags?: Neg<{ mask: number; comp: number }>;
    }
  | { readonly kind: 'udp'; readonly sport?: Neg<PortRange>; readonly dport?: Neg<PortRange> }
  /** code undefined: any code of the type; type undefined: any type. */
  | { readonly kind: 'icmp'; readonly icmpType?: Neg<{ type: number; code?: number }> }
  | {
      readonly kind: 'multiport';
      readonly dir: 'sports' | 'dports' | 'ports';
      readonly ports: Neg<readonly PortRange[]>;
    }
  | { readonly kind: 'conntrack'; readonly ctstate: Neg<readonly CtState[]> }
  | { readonly kind: 'state'; readonly state: Neg<readonly CtState[]> }
  | {
      readonly kind: 'addrtype';
      readonly srcType?: Neg<readonly AddrType[]>;
      readonly dstType?: Neg<readonly AddrType[]>;
      readonly limitIfaceIn?: boolean;
      readonly limitIfaceOut?: boolean;
    }
  | { readonly kind: 'statistic'; readonly negated: boolean; readonly mode: 'random'; readonly probability: number }
  | {
      readonly kind: 'statistic';
      readonly negated: boolean;
      readonly mode: 'nth';
      readonly every: number;
      readonly packet: number;
    }
  | { readonly kind: 'comment'; readonly comment: string };

/** REJECT's --reject-with values (ipt_REJECT.c), with the ICMP code each sends. */
export const REJECT_TYPES = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-net-prohibited': 9,
  'icmp-host-prohibited': 10,
  'icmp-admin-prohibited': 13,
  'tcp-reset': -1,
} as const;
export type RejectType = keyof typeof REJECT_TYPES;

/** A NAT target's range: `--to-destination IP[-IP][:PORT[-PORT]]`. */
export interface NatRange {
  readonly minIp?: Ipv4;
  readonly maxIp?: Ipv4;
  readonly ports?: PortRange;
  readonly random?: boolean;
  readonly persistent?: boolean;
}

export type Target =
  | { readonly kind: 'ACCEPT' | 'DROP' | 'RETURN' }
  | { readonly kind: 'jump'; readonly chain: string; readonly goto: boolean }
  | { readonly kind: 'REJECT'; readonly with: RejectType }
  | { readonly kind: 'DNAT' | 'SNAT'; readonly to: NatRange }
  | { readonly kind: 'MASQUERADE'; readonly ports?: PortRange; readonly random?: boolean }
  | { readonly kind: 'REDIRECT'; readonly ports?: PortRange }
  | { readonly kind: 'LOG'; readonly prefix?: string; readonly level?: number };

export interface Rule {
  readonly src?: Neg<Cidr>;
  readonly dst?: Neg<Cidr>;
  /** Interface names; a trailing `+` matches every name with that prefix. */
  readonly inIface?: Neg<string>;
  readonly outIface?: Neg<string>;
  readonly proto?: Neg<ProtoName>;
  /** `-f`: second and later fragments only. */
  readonly fragment?: Neg<true>;
  readonly matches: readonly Match[];
  /** Undefined: the rule only counts and evaluation goes on. */
  readonly target?: Target;
}

export type Policy = 'ACCEPT' | 'DROP';

export interface Chain {
  readonly name: string;
  /** Built-in chains only. */
  readonly policy?: Policy;
  readonly rules: readonly Rule[];
}

export interface Table {
  readonly name: TableName;
  /** Built-in chains first in hook order, then user chains in byte order of their names. */
  readonly chains: readonly Chain[];
}

/** A namespace's ruleset. Tables absent from the map hold no rules and accept everything. */
export interface Ruleset {
  readonly tables: ReadonlyMap<TableName, Table>;
}

export function isBuiltin(table: TableName, chain: string): boolean {
  return BUILTIN_CHAINS[table].includes(chain);
}
