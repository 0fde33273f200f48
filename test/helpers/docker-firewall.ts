/**
 * Test helpers for comparing a compiled Docker host's ruleset with rules a real Docker
 * engine wrote: find the reference folder next to the repository, read the host's
 * ruleset out of a plan, and render chosen tables the way `iptables-save -t TABLE`
 * prints them (a table Docker never touched is still printed, with its built-in chains
 * and no rules).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseSave } from '../../core/netfilter/parse-save.js';
import { renderTable } from '../../core/netfilter/render.js';
import { BUILTIN_CHAINS, type Ruleset, type Table, type TableName } from '../../core/netfilter/types.js';
import type { Plan } from '../../core/plan/types.js';

/** `../shared/NAME` next to the repository (this file is in test/helpers/), or undefined when absent. */
export function sharedFolder(...name: string[]): string | undefined {
  const dir = join(import.meta.dirname, '../../../shared', ...name);
  return existsSync(dir) ? dir : undefined;
}

/** The ruleset of one namespace of a plan, read back from its iptables-save text. */
export function planRuleset(plan: Plan, ns: string): Ruleset {
  const n = plan.namespaces.find((x) => x.id === ns);
  if (n === undefined) throw new Error(`no namespace ${ns} in the plan`);
  return parseSave(n.netfilter);
}

/** A table as iptables-save prints it, empty with ACCEPT policies when the ruleset does not have it. */
export function renderTables(rs: Ruleset, names: readonly TableName[]): string {
  return names.map((name) => renderTable(rs.tables.get(name) ?? emptyTable(name))).join('');
}

function emptyTable(name: TableName): Table {
  return { name, chains: BUILTIN_CHAINS[name].map((c) => ({ name: c, policy: 'ACCEPT' as const, rules: [] })) };
}

/** The same ruleset with one table changed. */
export function withTable(rs: Ruleset, t: Table): Ruleset {
  return { tables: new Map([...rs.tables, [t.name, t]]) };
}
