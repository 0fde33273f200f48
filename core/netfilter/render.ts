/**
 * Rules and rulesets back to text, exactly as iptables-save(8) (1.8, nf_tables backend)
 * prints them after iptables-restore loaded them: options in iptables' fixed order
 * (`-s -d -i -o -p -f`, then each match with its options in the module's own order,
 * then the target), host addresses with `/32`, implicit `-m tcp`/`-m udp`/`-m icmp`
 * written out, ICMP type names as numbers, state lists in the kernel's bit order, LOG's
 * default level left out, and strings quoted the way libxtables' xtables_save_string
 * quotes them. The emulator's test reads rules back from a real kernel and compares them
 * with this rendering, so that the plan shows what `iptables-save` will show.
 */
import { formatCidr, formatIpv4 } from '../addr.js';
import {
  ADDR_TYPES,
  BUILTIN_CHAINS,
  CT_STATES,
  TABLES,
  TCP_FLAG_BITS,
  type AddrType,
  type Chain,
  type Match,
  type NatRange,
  type Neg,
  type PortRange,
  type Rule,
  type Ruleset,
  type Table,
  type Target,
} from './types.js';

/** The arguments of a rule after `-A CHAIN`, in iptables-save's order. */
export function ruleArgs(r: Rule): string[] {
  const out: string[] = [];
  const opt = (name: string, v: Neg<string> | undefined) => {
    if (v !== undefined) out.push(...(v.negated ? ['!'] : []), name, v.value);
  };
  opt('-s', r.src && { value: formatCidr(r.src.value), negated: r.src.negated });
  opt('-d', r.dst && { value: formatCidr(r.dst.value), negated: r.dst.negated });
  opt('-i', r.inIface);
  opt('-o', r.outIface);
  opt('-p', r.proto);
  if (r.fragment !== undefined) out.push(...(r.fragment.negated ? ['!'] : []), '-f');
  for (const m of r.matches) out.push(...matchArgs(m));
  if (r.target !== undefined) out.push(...targetArgs(r.target));
  return out;
}

function neg(v: { negated: boolean }): string[] {
  return v.negated ? ['!'] : [];
}

export function formatPorts(p: PortRange): string {
  return p.lo === p.hi ? String(p.lo) : `${p.lo}:${p.hi}`;
}

/** Flag names in bit order, or NONE (libxt_tcp.c print_tcpf). */
function formatTcpFlags(bits: number): string {
  const names = (Object.keys(TCP_FLAG_BITS) as (keyof typeof TCP_FLAG_BITS)[]).filter((n) => bits & TCP_FLAG_BITS[n]);
  return names.length === 0 ? 'NONE' : names.join(',');
}

function ordered<T>(all: readonly T[], set: readonly T[]): string {
  return all.filter((x) => set.includes(x)).join(',');
}

function matchArgs(m: Match): string[] {
  switch (m.kind) {
    case 'tcp':
    case 'udp': {
      const out = ['-m', m.kind];
      if (m.sport) out.push(...neg(m.sport), '--sport', formatPorts(m.sport.value));
      if (m.dport) out.push(...neg(m.dport), '--dport', formatPorts(m.dport.value));
      if (m.kind === 'tcp' && m.flags)
        out.push(
          ...neg(m.flags),
          '--tcp-flags',
          formatTcpFlags(m.flags.value.mask),
          formatTcpFlags(m.flags.value.comp),
        );
      return out;
    }
    case 'icmp': {
      if (m.icmpType === undefined) return ['-m', 'icmp'];
      const t = m.icmpType.value;
      return [
        '-m',
        'icmp',
        ...neg(m.icmpType),
        '--icmp-type',
        t.code === undefined ? String(t.type) : `${t.type}/${t.code}`,
      ];
    }
    case 'multiport':
      return ['-m', 'multiport', ...neg(m.ports), `--${m.dir}`, m.ports.value.map(formatPorts).join(',')];
    case 'conntrack':
      return ['-m', 'conntrack', ...neg(m.ctstate), '--ctstate', ordered(CT_STATES, m.ctstate.value)];
    case 'state':
      return ['-m', 'state', ...neg(m.state), '--state', ordered(CT_STATES, m.state.value)];
    case 'addrtype': {
      const out = ['-m', 'addrtype'];
      const types = (name: string, v: Neg<readonly AddrType[]> | undefined) => {
        if (v !== undefined) out.push(...neg(v), name, ordered(ADDR_TYPES, v.value));
      };
      types('--src-type', m.srcType);
      types('--dst-type', m.dstType);
      if (m.limitIfaceIn) out.push('--limit-iface-in');
      if (m.limitIfaceOut) out.push('--limit-iface-out');
      return out;
    }
    case 'statistic':
      return m.mode === 'random'
        ? ['-m', 'statistic', '--mode', 'random', ...neg(m), '--probability', m.probability.toFixed(11)]
        : ['-m', 'statistic', '--mode', 'nth', ...neg(m), '--every', String(m.every), '--packet', String(m.packet)];
    case 'comment':
      return ['-m', 'comment', '--comment', m.comment];
  }
}

function formatNatRange(r: NatRange): string {
  let s = '';
  if (r.minIp !== undefined)
    s += formatIpv4(r.minIp) + (r.maxIp !== undefined && r.maxIp !== r.minIp ? `-${formatIpv4(r.maxIp)}` : '');
  if (r.ports !== undefined) s += `:${r.ports.lo === r.ports.hi ? r.ports.lo : `${r.ports.lo}-${r.ports.hi}`}`;
  return s;
}

function dashPorts(p: PortRange): string {
  return p.lo === p.hi ? String(p.lo) : `${p.lo}-${p.hi}`;
}

/** LOG's default level, warning (libxt_LOG.c LOG_DEFAULT_LEVEL); iptables-save leaves it out. */
export const LOG_DEFAULT_LEVEL = 4;

function targetArgs(t: Target): string[] {
  switch (t.kind) {
    case 'ACCEPT':
    case 'DROP':
    case 'RETURN':
      return ['-j', t.kind];
    case 'jump':
      return [t.goto ? '-g' : '-j', t.chain];
    case 'REJECT':
      return ['-j', 'REJECT', '--reject-with', t.with];
    case 'DNAT':
    case 'SNAT':
      return [
        '-j',
        t.kind,
        t.kind === 'DNAT' ? '--to-destination' : '--to-source',
        formatNatRange(t.to),
        ...(t.to.random ? ['--random'] : []),
        ...(t.to.persistent ? ['--persistent'] : []),
      ];
    case 'MASQUERADE':
      return [
        '-j',
        'MASQUERADE',
        ...(t.ports ? ['--to-ports', dashPorts(t.ports)] : []),
        ...(t.random ? ['--random'] : []),
      ];
    case 'REDIRECT':
      return ['-j', 'REDIRECT', ...(t.ports ? ['--to-ports', dashPorts(t.ports)] : [])];
    case 'LOG':
      return [
        '-j',
        'LOG',
        ...(t.prefix !== undefined ? ['--log-prefix', t.prefix] : []),
        ...(t.level !== undefined && t.level !== LOG_DEFAULT_LEVEL ? ['--log-level', String(t.level)] : []),
      ];
  }
}

/** Renders a whole ruleset as iptables-save text, tables in `order`. */
export function renderRuleset(rs: Ruleset, order: readonly string[] = TABLES): string {
  return order
    .flatMap((name) => {
      const t = rs.tables.get(name as Table['name']);
      return t === undefined ? [] : [renderTable(t)];
    })
    .join('');
}

/** One table: `*name`, chain declarations (policies with zero counters), rules, COMMIT. */
export function renderTable(t: Table): string {
  const builtins = BUILTIN_CHAINS[t.name];
  const decl = t.chains.map((c) =>
    builtins.includes(c.name) ? `:${c.name} ${c.policy ?? 'ACCEPT'} [0:0]` : `:${c.name} - [0:0]`,
  );
  const rules = t.chains.flatMap((c: Chain) => c.rules.map((r) => `-A ${c.name} ${ruleText(r)}`));
  return [`*${t.name}`, ...decl, ...rules, 'COMMIT', ''].join('\n');
}

/**
 * One rule as the text after `-A CHAIN ` in iptables-save output. Option values are
 * printed bare (none of them can hold a space); comments and log prefixes go through
 * xtables_save_string's quoting.
 */
export function ruleText(r: Rule): string {
  const args = ruleArgs(r);
  return args
    .map((a, i) => (args[i - 1] === '--comment' || args[i - 1] === '--log-prefix' ? saveString(a) : a))
    .join(' ');
}

/** libxtables xtables_save_string: bare only when made of [A-Za-z0-9_-] and not empty. */
export function saveString(s: string): string {
  return /^[A-Za-z0-9_-]+$/.test(s) ? s : `"${s.replace(/(["\\'])/g, '\\$1')}"`;
}
