/**
 * Walking one table's chains for one packet, as ipt_do_table does: rules in order, a
 * jump pushes a return point, a goto does not, RETURN (or the end of a user chain) pops,
 * RETURN or the end of a built-in chain applies its policy. A rule without a target
 * only counts. LOG writes a trace line and goes on. ACCEPT, DROP, REJECT and the NAT
 * targets end the walk; the result names the table, chain and rule number that decided
 * (1-based, as `iptables -L --line-numbers` counts), which is the simulator's answer to
 * the kernel's rule counters and `nft monitor trace`.
 */
import { ruleText } from '../../core/netfilter/render.js';
import type { Chain, Rule, Table, Target } from '../../core/netfilter/types.js';
import { ruleMatches, type MatchContext } from './matches.js';

/** Where a decision was made. */
export interface Decision {
  readonly table: string;
  readonly chain: string;
  /** 0 when the chain's policy decided. */
  readonly rule: number;
  readonly text: string;
}

export type WalkResult =
  | { readonly kind: 'accept' | 'drop'; readonly by: Decision }
  | {
      readonly kind: 'target';
      readonly target: Exclude<Target, { kind: 'ACCEPT' | 'DROP' | 'RETURN' | 'jump' | 'LOG' }>;
      readonly by: Decision;
    };

/** How deep jumps may nest; the kernel's limit is the chain depth it checked at load time. */
const MAX_DEPTH = 64;

/** Called for every LOG rule reached, with its prefix and where it is. */
export type LogSink = (prefix: string, by: Decision) => void;

export function describeDecision(d: Decision): string {
  return d.rule === 0
    ? `${d.table} ${d.chain} policy ${d.text}`
    : `${d.table} ${d.chain} rule ${d.rule}: -A ${d.chain} ${d.text}`;
}

/** A table with its chains by name, built once per ruleset. */
export interface IndexedTable {
  readonly table: Table;
  readonly chains: ReadonlyMap<string, Chain>;
  /** Each rule's iptables-save text, rendered once for decisions and traces. */
  readonly texts: ReadonlyMap<Rule, string>;
}

export function indexTable(table: Table): IndexedTable {
  const texts = new Map(table.chains.flatMap((ch) => ch.rules.map((r) => [r, ruleText(r)] as const)));
  return { table, chains: new Map(table.chains.map((ch) => [ch.name, ch])), texts };
}

/** Walks a table from built-in chain `start`. */
export function walk(it: IndexedTable, start: string, c: MatchContext, log?: LogSink): WalkResult {
  const { table, chains, texts } = it;
  const base = chains.get(start) as Chain;
  const stack: { chain: Chain; next: number }[] = [];
  let chain = base;
  let i = 0;
  for (;;) {
    if (i >= chain.rules.length) {
      const back = stack.pop();
      if (back === undefined) return policy(table, base);
      chain = back.chain;
      i = back.next;
      continue;
    }
    const rule = chain.rules[i] as Rule;
    const num = i + 1;
    i++;
    if (!ruleMatches(rule, c) || rule.target === undefined) continue;
    const by = { table: table.name, chain: chain.name, rule: num, text: texts.get(rule) ?? '' };
    const t = rule.target;
    switch (t.kind) {
      case 'ACCEPT':
        return { kind: 'accept', by };
      case 'DROP':
        return { kind: 'drop', by };
      case 'LOG':
        log?.(t.prefix ?? '', by);
        continue;
      case 'RETURN': {
        const back = stack.pop();
        if (back === undefined) return policy(table, base);
        chain = back.chain;
        i = back.next;
        continue;
      }
      case 'jump': {
        if (!t.goto) stack.push({ chain, next: i });
        if (stack.length > MAX_DEPTH)
          throw new Error(`netfilter: jumps nest deeper than ${MAX_DEPTH} in ${table.name} ${start}`);
        chain = chains.get(t.chain) as Chain;
        i = 0;
        continue;
      }
      default:
        return { kind: 'target', target: t, by };
    }
  }
}

function policy(table: Table, base: Chain): WalkResult {
  const p = base.policy ?? 'ACCEPT';
  return { kind: p === 'ACCEPT' ? 'accept' : 'drop', by: { table: table.name, chain: base.name, rule: 0, text: p } };
}
