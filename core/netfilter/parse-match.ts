/**
 * The match modules of the netfilter model (iptables-extensions(8)): tcp, udp, icmp,
 * multiport, conntrack, state, addrtype, statistic and comment, each parsed from its
 * options. Options of tcp, udp and icmp are usable after `-p PROTO` without `-m`, as
 * iptables loads the protocol's module implicitly on their first use.
 */
import {
  ADDR_TYPES,
  CT_STATES,
  TCP_FLAG_BITS,
  type AddrType,
  type CtState,
  type Match,
  type Neg,
  type PortRange,
  type ProtoName,
} from './types.js';
import { RuleSyntaxError, type Cursor } from './syntax.js';

/** The parts of a rule being built that match parsing reads and extends. */
export interface MatchHost {
  readonly proto?: Neg<ProtoName>;
  readonly matches: Match[];
}

const MODULES = ['tcp', 'udp', 'icmp', 'multiport', 'conntrack', 'state', 'addrtype', 'statistic', 'comment'];

export function startMatch(b: MatchHost, module: string): void {
  if (!MODULES.includes(module))
    throw new RuleSyntaxError(
      `the netfilter model does not know match "-m ${module}"; expected one of: ${MODULES.join(', ')}`,
      module,
    );
  if ((module === 'tcp' || module === 'udp' || module === 'icmp') && (b.proto?.value !== module || b.proto.negated)) {
    throw new RuleSyntaxError(`-m ${module} needs -p ${module} before it`, module);
  }
  if (module === 'multiport' && (b.proto === undefined || b.proto.negated || b.proto.value === 'icmp')) {
    throw new RuleSyntaxError('-m multiport needs -p tcp or -p udp before it', module);
  }
  b.matches.push(emptyMatch(module));
}

function emptyMatch(module: string): Match {
  switch (module) {
    case 'tcp':
    case 'udp':
    case 'icmp':
      return { kind: module };
    case 'multiport':
      return { kind: 'multiport', dir: 'ports', ports: { value: [], negated: false } };
    case 'conntrack':
      return { kind: 'conntrack', ctstate: { value: [], negated: false } };
    case 'state':
      return { kind: 'state', state: { value: [], negated: false } };
    case 'addrtype':
      return { kind: 'addrtype' };
    case 'statistic':
      return { kind: 'statistic', negated: false, mode: 'random', probability: NaN };
    default:
      return { kind: 'comment', comment: '' };
  }
}

/** An option of the current module, or of the protocol's implicit one (loaded on first use). */
export function matchOption(b: MatchHost, module: string | undefined, a: string, negated: boolean, p: Cursor): boolean {
  const last = b.matches.length - 1;
  const cur = b.matches[last];
  if (module !== undefined && cur !== undefined) {
    const next = moduleOption(cur, a, negated, p);
    if (next !== undefined) {
      b.matches[last] = next;
      return true;
    }
  }
  const proto = b.proto !== undefined && !b.proto.negated ? b.proto.value : undefined;
  if (proto === undefined) return false;
  const existing = b.matches.findIndex((m) => m.kind === proto);
  const base = existing >= 0 ? (b.matches[existing] as Match) : emptyMatch(proto);
  const next = moduleOption(base, a, negated, p);
  if (next === undefined) return false;
  if (existing >= 0) b.matches[existing] = next;
  else b.matches.push(next);
  return true;
}

function moduleOption(m: Match, a: string, negated: boolean, p: Cursor): Match | undefined {
  switch (m.kind) {
    case 'tcp':
    case 'udp':
      if (a === '--dport' || a === '--destination-port')
        return { ...m, dport: { value: portRange(p.value(a), ':'), negated } };
      if (a === '--sport' || a === '--source-port')
        return { ...m, sport: { value: portRange(p.value(a), ':'), negated } };
      if (m.kind === 'tcp' && a === '--syn')
        return { ...m, flags: { value: { mask: 0x17, comp: TCP_FLAG_BITS.SYN }, negated } };
      if (m.kind === 'tcp' && a === '--tcp-flags')
        return { ...m, flags: { value: { mask: tcpFlags(p.value(a)), comp: tcpFlags(p.value(a)) }, negated } };
      return undefined;
    case 'icmp':
      return a === '--icmp-type' ? { ...m, icmpType: { value: icmpType(p.value(a)), negated } } : undefined;
    case 'multiport': {
      const dir = (
        {
          '--dports': 'dports',
          '--destination-ports': 'dports',
          '--sports': 'sports',
          '--source-ports': 'sports',
          '--ports': 'ports',
        } as const
      )[a as '--dports'];
      if (dir === undefined) return undefined;
      const ports = p
        .value(a)
        .split(',')
        .map((x) => portRange(x, ':'));
      if (ports.length > 15) throw new RuleSyntaxError('multiport takes at most 15 ports', a);
      return { ...m, dir, ports: { value: ports, negated } };
    }
    case 'conntrack':
      return a === '--ctstate' ? { ...m, ctstate: { value: states(p.value(a)), negated } } : undefined;
    case 'state':
      return a === '--state' ? { ...m, state: { value: states(p.value(a)), negated } } : undefined;
    case 'addrtype':
      if (a === '--src-type') return { ...m, srcType: { value: addrTypes(p.value(a)), negated } };
      if (a === '--dst-type') return { ...m, dstType: { value: addrTypes(p.value(a)), negated } };
      if (a === '--limit-iface-in') return { ...m, limitIfaceIn: true };
      if (a === '--limit-iface-out') return { ...m, limitIfaceOut: true };
      return undefined;
    case 'statistic':
      return statisticOption(m, a, negated, p);
    case 'comment':
      return a === '--comment' ? { kind: 'comment', comment: p.value(a) } : undefined;
  }
}

function statisticOption(
  m: Extract<Match, { kind: 'statistic' }>,
  a: string,
  negated: boolean,
  p: Cursor,
): Match | undefined {
  const inv = m.negated || negated;
  if (a === '--mode') {
    const mode = p.value(a);
    if (mode === 'random') return { kind: 'statistic', negated: inv, mode, probability: NaN };
    if (mode === 'nth') return { kind: 'statistic', negated: inv, mode, every: NaN, packet: 0 };
    throw new RuleSyntaxError('statistic --mode is random or nth', mode);
  }
  if (a === '--probability' && m.mode === 'random') {
    const v = Number(p.value(a));
    if (!(v >= 0 && v <= 1)) throw new RuleSyntaxError('--probability is a number from 0 to 1', String(v));
    return { ...m, negated: inv, probability: quantizeProbability(v) };
  }
  if (m.mode === 'nth' && (a === '--every' || a === '--packet')) {
    const v = Number(p.value(a));
    if (!Number.isInteger(v) || v < 0) throw new RuleSyntaxError(`${a} takes a whole number`, String(v));
    return a === '--every' ? { ...m, negated: inv, every: v } : { ...m, negated: inv, packet: v };
  }
  return undefined;
}

/** `N` or `N:M` (ranges for matches), `N-M` for NAT targets. */
export function portRange(text: string, sep: ':' | '-'): PortRange {
  const parts = text.split(sep);
  const lo = port(parts[0] ?? '', text);
  const hi = parts.length > 1 ? port(parts[1] ?? '', text) : lo;
  if (parts.length > 2 || hi < lo) throw new RuleSyntaxError(`expected a port or a range LOW${sep}HIGH`, text);
  return { lo, hi };
}

function port(s: string, whole: string): number {
  const n = /^[0-9]{1,5}$/.test(s) ? Number(s) : NaN;
  if (!(n >= 0 && n <= 65535))
    throw new RuleSyntaxError('expected a port number from 0 to 65535 (service names are not supported)', whole);
  return n;
}

function tcpFlags(text: string): number {
  if (text === 'ALL') return 0x3f;
  if (text === 'NONE') return 0;
  return text.split(',').reduce((acc, f) => {
    const bit = TCP_FLAG_BITS[f as keyof typeof TCP_FLAG_BITS];
    if (bit === undefined) throw new RuleSyntaxError('expected TCP flags such as SYN,ACK (or ALL, NONE)', text);
    return acc | bit;
  }, 0);
}

/** ICMP type names iptables knows (libxt_icmp.c), for the ones rules commonly use. */
const ICMP_TYPES: Record<string, { type: number; code?: number }> = {
  'echo-reply': { type: 0 },
  'destination-unreachable': { type: 3 },
  'network-unreachable': { type: 3, code: 0 },
  'host-unreachable': { type: 3, code: 1 },
  'protocol-unreachable': { type: 3, code: 2 },
  'port-unreachable': { type: 3, code: 3 },
  'fragmentation-needed': { type: 3, code: 4 },
  'source-quench': { type: 4 },
  redirect: { type: 5 },
  'echo-request': { type: 8 },
  'time-exceeded': { type: 11 },
  'parameter-problem': { type: 12 },
  'timestamp-request': { type: 13 },
  'timestamp-reply': { type: 14 },
};

function icmpType(text: string): { type: number; code?: number } {
  const named = ICMP_TYPES[text];
  if (named !== undefined) return named;
  const m = /^([0-9]{1,3})(?:\/([0-9]{1,3}))?$/.exec(text);
  if (m === null || Number(m[1]) > 255 || Number(m[2] ?? 0) > 255)
    throw new RuleSyntaxError('expected an ICMP type: a name such as echo-request, or TYPE[/CODE]', text);
  return m[2] === undefined ? { type: Number(m[1]) } : { type: Number(m[1]), code: Number(m[2]) };
}

/** A list of states as a set in the kernel's bit order (the order does not matter to the match). */
function states(text: string): CtState[] {
  return setOf(text, CT_STATES, 'conntrack states');
}

function addrTypes(text: string): AddrType[] {
  return setOf(text, ADDR_TYPES, 'address types');
}

function setOf<T extends string>(text: string, all: readonly T[], what: string): T[] {
  const given = text.split(',');
  const bad = given.find((s) => !(all as readonly string[]).includes(s));
  if (bad !== undefined) throw new RuleSyntaxError(`expected ${what} from: ${all.join(', ')}`, text);
  return all.filter((x) => given.includes(x));
}

/**
 * The kernel keeps the probability as a 31-bit fraction (libxt_statistic.c:
 * lround(0x80000000 * p)), and iptables-save prints that fraction back; the model keeps
 * the same value so that its text and its coin agree with the kernel's.
 */
export function quantizeProbability(p: number): number {
  return Math.round(0x80000000 * p) / 0x80000000;
}
