/**
 * One iptables(8) command line, as arguments, to a typed command: the table, the
 * operation (`-A`, `-I [N]`, `-D`, `-N`, `-P`), the chain and the rule. The grammar is
 * iptables' own: `!` before an option inverts it, `-m NAME` loads a match whose options
 * follow, `-p tcp|udp|icmp` makes that protocol's options usable without `-m`, `-j` or
 * `-g` ends the rule with a target and its options.
 *
 * Anything outside the model (another module or target, IPv6, address lists, old
 * `--dport ! 80` negation) is an error that names the offending argument and says what
 * was expected, so a rule is never loaded half understood.
 */
import { parseCidr, parseIpv4, networkOf, type Cidr } from '../addr.js';
import {
  PROTOCOLS,
  TABLES,
  type Match,
  type Neg,
  type ProtoName,
  type Rule,
  type TableName,
  type Target,
} from './types.js';
import { matchOption, startMatch } from './parse-match.js';
import { buildTarget, targetOption, type TargetOptions } from './parse-target.js';
import { Cursor, RuleSyntaxError } from './syntax.js';

export { RuleSyntaxError };

export type Command =
  | { readonly op: 'append' | 'delete'; readonly table: TableName; readonly chain: string; readonly rule: Rule }
  | {
      readonly op: 'insert';
      readonly table: TableName;
      readonly chain: string;
      readonly position: number;
      readonly rule: Rule;
    }
  | { readonly op: 'new-chain'; readonly table: TableName; readonly chain: string }
  | { readonly op: 'policy'; readonly table: TableName; readonly chain: string; readonly policy: 'ACCEPT' | 'DROP' };

const OPS: Record<string, 'append' | 'insert' | 'delete' | 'new-chain' | 'policy'> = {
  '-A': 'append',
  '--append': 'append',
  '-I': 'insert',
  '--insert': 'insert',
  '-D': 'delete',
  '--delete': 'delete',
  '-N': 'new-chain',
  '--new-chain': 'new-chain',
  '-P': 'policy',
  '--policy': 'policy',
};

/** Parses a full command line (`[-t TABLE] -A CHAIN RULE...`). */
export function parseCommand(args: readonly string[]): Command {
  let table: TableName = 'filter';
  const rest: string[] = [];
  let op: { op: (typeof OPS)[string]; chain: string; position?: number; policy?: string } | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-t' || a === '--table') {
      const t = args[++i] ?? '';
      if (!(TABLES as readonly string[]).includes(t))
        throw new RuleSyntaxError(`unknown table "${t}"; expected one of: ${TABLES.join(', ')}`, t);
      table = t as TableName;
    } else if (OPS[a] !== undefined && op === undefined) {
      const chain = args[++i];
      if (chain === undefined || chain.startsWith('-')) throw new RuleSyntaxError(`${a} needs a chain name`, a);
      op = { op: OPS[a], chain };
      if (op.op === 'insert' && /^[0-9]+$/.test(args[i + 1] ?? '')) op.position = Number(args[++i]);
      if (op.op === 'policy') op.policy = args[++i];
    } else if (
      OPS[a] !== undefined ||
      /^-[RFZXLSECh]$|^--(replace|flush|zero|delete-chain|list|list-rules|rename-chain|check)$/.test(a)
    ) {
      throw new RuleSyntaxError(
        op === undefined
          ? `"${a}" does not build a ruleset; expected -A, -I, -D, -N or -P`
          : 'expected one command per line',
        a,
      );
    } else rest.push(a);
  }
  if (op === undefined)
    throw new RuleSyntaxError(
      'expected a command with its chain: -A CHAIN, -I CHAIN, -D CHAIN, -N CHAIN or -P CHAIN POLICY',
    );
  if (op.op === 'new-chain' || op.op === 'policy') {
    if (rest.length > 0)
      throw new RuleSyntaxError(
        `unexpected "${rest[0]}" after ${op.op === 'policy' ? '-P CHAIN POLICY' : '-N CHAIN'}`,
        rest[0],
      );
    if (op.op === 'new-chain') return { op: 'new-chain', table, chain: op.chain };
    if (op.policy !== 'ACCEPT' && op.policy !== 'DROP')
      throw new RuleSyntaxError(`a policy is ACCEPT or DROP`, op.policy);
    return { op: 'policy', table, chain: op.chain, policy: op.policy };
  }
  const rule = parseRule(rest);
  if (op.op === 'insert') {
    if (op.position === 0) throw new RuleSyntaxError('rule positions start at 1', '0');
    return { op: 'insert', table, chain: op.chain, position: op.position ?? 1, rule };
  }
  return { op: op.op, table, chain: op.chain, rule };
}

interface Builder {
  src?: Neg<Cidr>;
  dst?: Neg<Cidr>;
  inIface?: Neg<string>;
  outIface?: Neg<string>;
  proto?: Neg<ProtoName>;
  fragment?: Neg<true>;
  matches: Match[];
  target?: Target;
}

/** Parses the part of a rule after the chain (`-s ... -j TARGET ...`). */
export function parseRule(args: readonly string[]): Rule {
  const b: Builder = { matches: [] };
  const p = new Cursor(args);
  let module: string | undefined;
  let target: { name: string; goto: boolean } | undefined;
  const targetOpts: TargetOptions = new Map();
  while (!p.done()) {
    const negated = p.bang();
    const a = p.next();
    if (a === '-m' || a === '--match') {
      if (negated) throw new RuleSyntaxError('"!" cannot invert -m', a);
      module = p.value(a);
      startMatch(b, module);
    } else if (a === '-j' || a === '--jump' || a === '-g' || a === '--goto') {
      if (negated) throw new RuleSyntaxError(`"!" cannot invert ${a}`, a);
      if (target !== undefined) throw new RuleSyntaxError('one target per rule', a);
      target = { name: p.value(a), goto: a === '-g' || a === '--goto' };
    } else if (target !== undefined && !negated && targetOption(target.name, a, p, targetOpts)) {
      continue;
    } else if (!basicOption(b, a, negated, p)) {
      if (!matchOption(b, module, a, negated, p))
        throw new RuleSyntaxError(unknownOption(a, module, b.proto, target?.name), a);
    }
  }
  if (target !== undefined) b.target = buildTarget(target.name, target.goto, targetOpts, b.proto);
  return { ...b, matches: b.matches };
}

function unknownOption(
  a: string,
  module: string | undefined,
  proto: Neg<ProtoName> | undefined,
  target: string | undefined,
): string {
  if (target !== undefined && a.startsWith('--') && !/^--(dport|sport|syn|tcp-flags|icmp-type)/.test(a))
    return `unknown option "${a}" for target ${target}`;
  if (/^--(dport|sport|destination-port|source-port|syn|tcp-flags|icmp-type)$/.test(a) && proto === undefined)
    return `${a} needs -p tcp, -p udp or -p icmp before it`;
  return `unknown option "${a}"${module === undefined ? '' : ` for -m ${module}`}; the netfilter model understands -s -d -i -o -p -f, -m tcp|udp|icmp|multiport|conntrack|state|addrtype|statistic|comment and -j/-g`;
}

function basicOption(b: Builder, a: string, negated: boolean, p: Cursor): boolean {
  switch (a) {
    case '-s':
    case '--source':
    case '--src':
      setAddress(b, 'src', address(p.value(a)), negated);
      return true;
    case '-d':
    case '--destination':
    case '--dst':
      setAddress(b, 'dst', address(p.value(a)), negated);
      return true;
    case '-i':
    case '--in-interface':
      b.inIface = { value: iface(p.value(a)), negated };
      return true;
    case '-o':
    case '--out-interface':
      b.outIface = { value: iface(p.value(a)), negated };
      return true;
    case '-p':
    case '--protocol': {
      const v = protocol(p.value(a));
      if (v === 'all') {
        if (negated) throw new RuleSyntaxError('"! -p all" matches nothing', v);
        delete b.proto;
      } else b.proto = { value: v, negated };
      return true;
    }
    case '-f':
    case '--fragment':
      b.fragment = { value: true, negated };
      return true;
    default:
      return false;
  }
}

/** A /0 prefix matches everything: iptables drops it, and its inversion cannot match at all. */
function setAddress(b: Builder, key: 'src' | 'dst', c: Cidr, negated: boolean): void {
  if (c.len > 0) b[key] = { value: c, negated };
  else if (negated)
    throw new RuleSyntaxError(
      `"! ${key === 'src' ? '-s' : '-d'} 0.0.0.0/0" matches nothing (the kernel refuses it)`,
      '0.0.0.0/0',
    );
  else delete b[key];
}

/**
 * `ADDR[/LEN]` with host bits masked off, as iptables does (`10.1.2.3/8` is `10.0.0.0/8`).
 * An address of fewer than four numbers is completed with zeros, as libxtables'
 * __numeric_to_ipaddr does for network addresses: `10/8` is `10.0.0.0/8`, and Docker's
 * own `-d 0/0` is `0.0.0.0/0` (libnetwork iptables.go: "0/0 is correctly interpreted as
 * any value").
 */
function address(text: string): Cidr {
  if (text.includes(',')) throw new RuleSyntaxError('one address per rule; write a rule for each address', text);
  const [a, len] = text.split('/');
  const ip = parseIpv4(completeAddress(a ?? ''));
  const n = len === undefined ? 32 : /^[0-9]{1,2}$/.test(len) ? Number(len) : NaN;
  if (ip === undefined || !(n >= 0 && n <= 32)) {
    const c = parseCidr(text);
    if (c !== undefined) return c;
    throw new RuleSyntaxError(
      'expected an IPv4 address or prefix such as 10.0.0.0/8 (names and IPv6 are not supported)',
      text,
    );
  }
  return { addr: networkOf(ip, n), len: n };
}

/** `10` -> `10.0.0.0`, `192.168` -> `192.168.0.0`; a full or malformed address is left as it is. */
function completeAddress(a: string): string {
  if (!/^[0-9]{1,3}(\.[0-9]{1,3}){0,2}$/.test(a)) return a;
  const parts = a.split('.');
  while (parts.length < 4) parts.push('0');
  return parts.join('.');
}

function iface(text: string): string {
  if (!/^[A-Za-z0-9_.@:-]{1,15}\+?$/.test(text))
    throw new RuleSyntaxError('expected an interface name (up to 15 characters, a trailing + for a prefix)', text);
  return text;
}

function protocol(text: string): ProtoName | 'all' {
  const t = text.toLowerCase();
  if (t === 'all' || t === '0') return 'all';
  for (const [name, num] of Object.entries(PROTOCOLS)) if (t === name || t === String(num)) return name as ProtoName;
  throw new RuleSyntaxError('the netfilter model knows protocols tcp, udp, icmp and all', text);
}
