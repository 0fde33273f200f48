/**
 * A ruleset under construction, changed the way iptables(8) changes the kernel's:
 * create a chain, append, insert at a position, delete the first identical rule, set a
 * policy, ask whether a rule exists. Docker's firewall code is a sequence of exactly
 * these calls (libnetwork's iptables package checks with -C before every -A and -I), so
 * replaying them here yields the rules in the order a real engine leaves them.
 *
 * Two rules are the same rule when iptables-save prints them the same way, which is how
 * `iptables -C` and `-D RULE` compare them in the kernel (by the rule's binary form).
 */
import { ruleText } from './render.js';
import {
  BUILTIN_CHAINS,
  TABLES,
  isBuiltin,
  type Chain,
  type Policy,
  type Rule,
  type Ruleset,
  type Table,
  type TableName,
} from './types.js';
import type { Command } from './parse-rule.js';

/** An operation iptables would refuse, with its message. */
export class RulesetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RulesetError';
  }
}

interface MutableChain {
  policy?: Policy;
  rules: Rule[];
  texts: string[];
  /**
   * How many rules of the chain print as each text: `-C` and `-D` ask this first, so that
   * Docker's check before every append (one per container on a host) costs O(1) instead
   * of a scan of the chain, which made a host's firewall quadratic in its containers.
   */
  counts: Map<string, number>;
}

function emptyChain(policy?: Policy): MutableChain {
  return { ...(policy !== undefined && { policy }), rules: [], texts: [], counts: new Map() };
}

function count(c: MutableChain, text: string, by: 1 | -1): void {
  const n = (c.counts.get(text) ?? 0) + by;
  if (n === 0) c.counts.delete(text);
  else c.counts.set(text, n);
}

export class RulesetBuilder {
  private readonly tables = new Map<TableName, Map<string, MutableChain>>();

  /** Makes a table appear (with its built-in chains), as the first use of it in the kernel does. */
  touch(table: TableName): Map<string, MutableChain> {
    let t = this.tables.get(table);
    if (t === undefined) {
      t = new Map(BUILTIN_CHAINS[table].map((c) => [c, emptyChain('ACCEPT')]));
      this.tables.set(table, t);
    }
    return t;
  }

  private chain(table: TableName, name: string): MutableChain {
    const c = this.touch(table).get(name);
    if (c === undefined)
      throw new RulesetError(`no chain ${name} in table ${table} (iptables: "Chain '${name}' does not exist")`);
    return c;
  }

  hasChain(table: TableName, name: string): boolean {
    return this.tables.get(table)?.has(name) ?? false;
  }

  /** -N: an error when the chain exists, as iptables reports "Chain already exists". */
  newChain(table: TableName, name: string): void {
    if (this.hasChain(table, name)) throw new RulesetError(`chain ${name} already exists in table ${table}`);
    this.touch(table).set(name, emptyChain());
  }

  /** -N unless it exists (libnetwork's NewChain ignores an existing chain). */
  ensureChain(table: TableName, name: string): void {
    if (!this.hasChain(table, name)) this.newChain(table, name);
  }

  policy(table: TableName, chain: string, policy: Policy): void {
    if (!isBuiltin(table, chain))
      throw new RulesetError(`only built-in chains have a policy; ${chain} is a user chain`);
    this.chain(table, chain).policy = policy;
  }

  /** -C */
  exists(table: TableName, chain: string, rule: Rule): boolean {
    return this.tables.get(table)?.get(chain)?.counts.has(ruleText(rule)) ?? false;
  }

  /** -A */
  append(table: TableName, chain: string, rule: Rule): void {
    this.checkJump(table, rule);
    const c = this.chain(table, chain);
    const text = ruleText(rule);
    c.rules.push(rule);
    c.texts.push(text);
    count(c, text, 1);
  }

  /** -I CHAIN POS (1-based); iptables refuses a position past the end plus one. */
  insert(table: TableName, chain: string, rule: Rule, position = 1): void {
    this.checkJump(table, rule);
    const c = this.chain(table, chain);
    if (position < 1 || position > c.rules.length + 1)
      throw new RulesetError(
        `cannot insert at ${position} in ${chain}, which has ${c.rules.length} rules (iptables: "Index of insertion too big")`,
      );
    const text = ruleText(rule);
    c.rules.splice(position - 1, 0, rule);
    c.texts.splice(position - 1, 0, text);
    count(c, text, 1);
  }

  /** -D RULE: deletes the first identical rule; false when there is none. */
  delete(table: TableName, chain: string, rule: Rule): boolean {
    const c = this.tables.get(table)?.get(chain);
    const text = ruleText(rule);
    if (c === undefined || !c.counts.has(text)) return false;
    const i = c.texts.indexOf(text);
    c.rules.splice(i, 1);
    c.texts.splice(i, 1);
    count(c, text, -1);
    return true;
  }

  /** Applies a parsed command line (the user's own rules). */
  apply(cmd: Command): void {
    switch (cmd.op) {
      case 'new-chain':
        return this.newChain(cmd.table, cmd.chain);
      case 'policy':
        return this.policy(cmd.table, cmd.chain, cmd.policy);
      case 'append':
        return this.append(cmd.table, cmd.chain, cmd.rule);
      case 'insert':
        return this.insert(cmd.table, cmd.chain, cmd.rule, cmd.position);
      case 'delete':
        if (!this.delete(cmd.table, cmd.chain, cmd.rule))
          throw new RulesetError(
            `no such rule in ${cmd.chain} to delete (iptables: "Bad rule (does a matching rule exist in that chain?)")`,
          );
    }
  }

  private checkJump(table: TableName, rule: Rule): void {
    const t = rule.target;
    if (t?.kind === 'jump' && !this.hasChain(table, t.chain)) {
      throw new RulesetError(
        `${t.goto ? '-g' : '-j'} ${t.chain}: no such chain in table ${table}; create it first with -N ${t.chain}`,
      );
    }
  }

  /**
   * The ruleset: built-in chains in hook order, user chains in byte order of their names (as
   * iptables-save lists them).
   */
  finish(): Ruleset {
    const tables = new Map<TableName, Table>();
    for (const name of TABLES) {
      const t = this.tables.get(name);
      if (t === undefined) continue;
      const builtins = BUILTIN_CHAINS[name].map((c) => toChain(c, t.get(c) as MutableChain));
      const user = [...t.keys()]
        .filter((c) => !isBuiltin(name, c))
        .sort(byteOrder)
        .map((c) => toChain(c, t.get(c) as MutableChain));
      tables.set(name, { name, chains: [...builtins, ...user] });
    }
    return { tables };
  }
}

function toChain(name: string, c: MutableChain): Chain {
  return { name, ...(c.policy !== undefined && { policy: c.policy }), rules: [...c.rules] };
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
