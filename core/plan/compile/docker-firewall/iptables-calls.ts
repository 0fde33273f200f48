/**
 * The iptables calls Docker's firewall code makes, with the semantics of libnetwork's
 * `iptables` package, replayed on a RulesetBuilder (core/netfilter). Every rule is built
 * from the argument list the engine passes to iptables (parseRule), so rule identity and
 * rendering are iptables' own (a rule exists when `iptables -C` would say so).
 *
 * What each call does, from the source (daemon/libnetwork/iptables/iptables.go at 29.7;
 * libnetwork/iptables/iptables.go at v28.5.2; vendor/github.com/docker/libnetwork/
 * iptables/iptables.go at v20.10.9):
 * - NewChain: `-N` unless the chain exists (it lists the chain first).
 * - Rule.Append / Rule.Insert and ProgramRule: a no-op when the rule exists (`-C` first);
 *   Insert puts the rule at position 1. Rule.Delete / ProgramRule(Delete): a no-op
 *   when the rule does not exist.
 * - EnsureJumpRule: delete the jump if it exists, then insert it at position 1, so the
 *   jump ends up first in the chain whatever came before.
 * - AddReturnRule (20.10 only): append `-j RETURN` to a filter chain unless it is there.
 * - SetDefaultPolicy: `-P`.
 *
 * Left out: firewalld (its zones and its reload callbacks), and the IPv6 tables (twinnet
 * is IPv4 only).
 */
import { RulesetBuilder } from '../../../netfilter/builder.js';
import { parseRule } from '../../../netfilter/parse-rule.js';
import type { Policy, Rule, TableName } from '../../../netfilter/types.js';

/** The engine's view of one namespace's iptables. */
export class IptablesCalls {
  constructor(readonly rules: RulesetBuilder) {}

  /** NewChain: creates the chain unless it exists. */
  newChain(table: TableName, chain: string): void {
    this.rules.ensureChain(table, chain);
  }

  /** Rule.Append, ProgramRule(Append): appends unless the rule is already there. */
  append(table: TableName, chain: string, args: readonly string[]): void {
    const r = rule(args);
    if (!this.rules.exists(table, chain, r)) this.rules.append(table, chain, r);
  }

  /** Rule.Insert, ProgramRule(Insert): inserts at the top unless the rule is already there. */
  insert(table: TableName, chain: string, args: readonly string[]): void {
    const r = rule(args);
    if (!this.rules.exists(table, chain, r)) this.rules.insert(table, chain, r, 1);
  }

  /** Rule.Delete, ProgramRule(Delete): deletes the rule when it is there. */
  delete(table: TableName, chain: string, args: readonly string[]): void {
    this.rules.delete(table, chain, rule(args));
  }

  /** EnsureJumpRule: the jump from `from` to `to` moves to (or is put at) the top of `from`. */
  ensureJump(table: TableName, from: string, to: string): void {
    this.delete(table, from, ['-j', to]);
    this.rules.insert(table, from, rule(['-j', to]), 1);
  }

  /** AddReturnRule (20.10): `-A CHAIN -j RETURN` in filter unless it is there. */
  addReturn(chain: string): void {
    this.append('filter', chain, ['-j', 'RETURN']);
  }

  /** SetDefaultPolicy. */
  policy(table: TableName, chain: string, policy: Policy): void {
    this.rules.policy(table, chain, policy);
  }
}

function rule(args: readonly string[]): Rule {
  return parseRule(args);
}
