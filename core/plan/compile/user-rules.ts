/**
 * The user's own firewall lines (`iptables:` of a host) folded into iptables-save(8)
 * text, table by table, with every chain they use declared, so that one
 * `iptables-restore` loads them. Docker's own rules are merged in by the netfilter
 * compile step when it lands; until then a Docker host's DOCKER-USER chain is declared
 * here so that rules added to it load.
 */
import { splitRuleLine, quoteRuleArg } from '../../netfilter/tokens.js';
import { parseCommand } from '../../scenario/resolve/iptables-line.js';

/** Built-in chains per table (iptables(8), "TABLES"). */
export const BUILTIN_CHAINS: Readonly<Record<string, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  nat: ['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

const TABLE_ORDER = ['raw', 'mangle', 'nat', 'filter'];

interface Table {
  policies: Map<string, string>;
  chains: Set<string>;
  /** Rule bodies (after `-A CHAIN`) per chain, in their final order. */
  rules: Map<string, string[]>;
}

/** iptables-save text for the given lines; empty when there are none. */
export function renderUserRules(lines: readonly string[]): string {
  if (lines.length === 0) return '';
  const tables = new Map<string, Table>();
  const table = (name: string) => tables.get(name) ?? tables.set(name, { policies: new Map(), chains: new Set(), rules: new Map() }).get(name) as Table;
  for (const line of lines) {
    const args = splitRuleLine(line) ?? [];
    const cmd = parseCommand(args);
    if (typeof cmd === 'string') continue; // reported at validation
    const t = table(cmd.table);
    const rest = withoutTable(args);
    if (cmd.command === '-P') t.policies.set(cmd.chain, rest[2] ?? 'ACCEPT');
    else if (cmd.command === '-N') t.chains.add(cmd.chain);
    else {
      if (!(BUILTIN_CHAINS[cmd.table] ?? []).includes(cmd.chain)) t.chains.add(cmd.chain);
      const jump = rest[rest.indexOf('-j') + 1];
      if (rest.includes('-j') && jump !== undefined && /^[A-Z][A-Z0-9_-]*$/.test(jump) && isUserChain(jump)) t.chains.add(jump);
      addRule(t, cmd.chain, rest);
    }
  }
  return TABLE_ORDER.filter((n) => tables.has(n)).map((n) => renderTable(n, tables.get(n) as Table)).join('');
}

const TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'LOG', 'MARK', 'REDIRECT', 'NOTRACK', 'CT', 'TCPMSS', 'CONNMARK']);

function isUserChain(name: string): boolean {
  return !TARGETS.has(name);
}

function withoutTable(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-t' || args[i] === '--table') i++;
    else out.push(args[i] as string);
  }
  return out;
}

/** `-A CHAIN ...` appends; `-I CHAIN [N] ...` inserts at N (default 1), as iptables(8) does. */
function addRule(t: Table, chain: string, rest: readonly string[]): void {
  const list = t.rules.get(chain) ?? t.rules.set(chain, []).get(chain) as string[];
  const insert = rest[0] === '-I' || rest[0] === '--insert';
  const hasPos = insert && /^[0-9]+$/.test(rest[2] ?? '');
  const body = rest.slice(hasPos ? 3 : 2).map(quoteRuleArg).join(' ');
  if (!insert) list.push(body);
  else list.splice(hasPos ? Number(rest[2]) - 1 : 0, 0, body);
}

function renderTable(name: string, t: Table): string {
  const builtins = BUILTIN_CHAINS[name] ?? [];
  const user = [...t.chains].filter((c) => !builtins.includes(c)).sort();
  const head = builtins.map((c) => `:${c} ${t.policies.get(c) ?? 'ACCEPT'} [0:0]`);
  const decl = user.map((c) => `:${c} - [0:0]`);
  const rules = [...builtins, ...user].flatMap((c) => (t.rules.get(c) ?? []).map((r) => `-A ${c} ${r}`));
  return [`*${name}`, ...head, ...decl, ...rules, 'COMMIT', ''].join('\n');
}
