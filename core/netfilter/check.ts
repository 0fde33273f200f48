/**
 * The checks iptables-restore and the kernel make before they accept a ruleset, so
 * that a ruleset the kernel would refuse is refused at validation, with the kernel's
 * reason: `-i` where there is no input device (OUTPUT, POSTROUTING) and `-o` where there
 * is no output device yet (PREROUTING, INPUT); NAT and REJECT targets outside their table
 * and hooks (the `.table` and `.hooks` of ipt_REJECT, xt_nat, xt_MASQUERADE,
 * xt_REDIRECT), including in user chains reached from a hook they may not run in; and
 * loops of jumps (the kernel's ELOOP, "Too many links").
 */
import { ruleText } from './render.js';
import { isBuiltin, type Rule, type Ruleset, type Table, type TableName } from './types.js';

export class RulesetCheckError extends Error {
  constructor(
    message: string,
    readonly table: TableName,
    readonly chain: string,
    readonly rule?: string,
  ) {
    super(`${table} ${chain}${rule === undefined ? '' : ` "-A ${chain} ${rule}"`}: ${message}`);
    this.name = 'RulesetCheckError';
  }
}

/** Where each target may run: its table and built-in chains. */
const TARGET_PLACES: Readonly<Record<string, { table: TableName; hooks: readonly string[] }>> = {
  REJECT: { table: 'filter', hooks: ['INPUT', 'FORWARD', 'OUTPUT'] },
  DNAT: { table: 'nat', hooks: ['PREROUTING', 'OUTPUT'] },
  REDIRECT: { table: 'nat', hooks: ['PREROUTING', 'OUTPUT'] },
  SNAT: { table: 'nat', hooks: ['POSTROUTING', 'INPUT'] },
  MASQUERADE: { table: 'nat', hooks: ['POSTROUTING'] },
};

const NO_IN = ['OUTPUT', 'POSTROUTING'];
const NO_OUT = ['PREROUTING', 'INPUT'];

export function checkRuleset(rs: Ruleset): void {
  for (const t of rs.tables.values()) {
    const hooks = reachingHooks(t);
    for (const c of t.chains) {
      const from = hooks.get(c.name) ?? new Set<string>();
      for (const r of c.rules) checkRule(t.name, c.name, r, from);
    }
  }
}

function checkRule(table: TableName, chain: string, r: Rule, hooks: ReadonlySet<string>): void {
  const fail = (msg: string): never => {
    throw new RulesetCheckError(msg, table, chain, ruleText(r));
  };
  const builtin = isBuiltin(table, chain);
  if (builtin && r.inIface !== undefined && NO_IN.includes(chain))
    fail(`can't use -i with ${chain} (there is no input interface there)`);
  if (builtin && r.outIface !== undefined && NO_OUT.includes(chain))
    fail(`can't use -o with ${chain} (the output interface is not known yet)`);
  const kind = r.target?.kind;
  const place = kind === undefined ? undefined : TARGET_PLACES[kind];
  if (place !== undefined) {
    if (place.table !== table) fail(`${kind} is only valid in the ${place.table} table`);
    const bad = [...hooks].filter((h) => !place.hooks.includes(h));
    if (bad.length > 0)
      fail(`${kind} is only valid in ${place.hooks.join(' and ')}, but this chain runs in ${bad.join(', ')}`);
  }
  for (const m of r.matches) {
    if (m.kind !== 'addrtype') continue;
    if (m.limitIfaceIn && [...hooks].some((h) => NO_IN.includes(h)))
      fail('addrtype --limit-iface-in is not valid in OUTPUT or POSTROUTING');
    if (m.limitIfaceOut && [...hooks].some((h) => NO_OUT.includes(h)))
      fail('addrtype --limit-iface-out is not valid in PREROUTING or INPUT');
  }
}

/** For each chain, the built-in chains whose traversal can reach it; reports a loop of jumps. */
function reachingHooks(t: Table): Map<string, Set<string>> {
  const byName = new Map(t.chains.map((c) => [c.name, c]));
  const out = new Map<string, Set<string>>();
  const visit = (chain: string, hook: string, stack: readonly string[]): void => {
    if (stack.includes(chain))
      throw new RulesetCheckError(
        `jumps loop: ${[...stack, chain].join(' -> ')} (the kernel refuses loops)`,
        t.name,
        chain,
      );
    const seen = out.get(chain) ?? (out.set(chain, new Set()).get(chain) as Set<string>);
    if (seen.has(hook) && stack.length > 0) return;
    seen.add(hook);
    for (const r of byName.get(chain)?.rules ?? []) {
      if (r.target?.kind === 'jump') visit(r.target.chain, hook, [...stack, chain]);
    }
  };
  for (const c of t.chains) if (isBuiltin(t.name, c.name)) visit(c.name, c.name, []);
  // User chains nothing jumps to can never run; they still must be loop-free.
  for (const c of t.chains) if (!out.has(c.name)) visit(c.name, '', []);
  for (const s of out.values()) s.delete('');
  return out;
}
