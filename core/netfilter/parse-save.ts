/**
 * iptables-save(8) text back to a ruleset: `*table`, `:CHAIN POLICY [p:b]` declarations,
 * `-A CHAIN rule` lines and `COMMIT`, with `#` comments. This is how the simulator reads
 * a plan's rules, the same text the emulator feeds to iptables-restore. Errors carry the
 * line number and the line, and say what was expected.
 */
import { splitRuleLine } from './tokens.js';
import { RulesetBuilder, RulesetError } from './builder.js';
import { parseRule, RuleSyntaxError } from './parse-rule.js';
import { checkRuleset } from './check.js';
import { TABLES, isBuiltin, type Ruleset, type TableName } from './types.js';

export class SaveFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly text: string,
  ) {
    super(`line ${line}: ${message}: ${text}`);
    this.name = 'SaveFormatError';
  }
}

/** Parses and checks a whole iptables-save text. */
export function parseSave(text: string): Ruleset {
  const b = new RulesetBuilder();
  let table: TableName | undefined;
  const pending: { line: number; text: string; chain: string; args: string[] }[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (msg: string): never => {
      throw new SaveFormatError(msg, n, line);
    };
    if (line.startsWith('*')) {
      if (table !== undefined) fail(`table ${table} is not committed before the next table`);
      const t = line.slice(1);
      if (!(TABLES as readonly string[]).includes(t)) fail(`unknown table; expected one of: ${TABLES.join(', ')}`);
      table = t as TableName;
      b.touch(table);
    } else if (table === undefined) fail('expected *TABLE before chains and rules');
    else if (line === 'COMMIT') {
      for (const p of pending) addRule(b, table, p);
      pending.length = 0;
      table = undefined;
    } else if (line.startsWith(':')) declare(b, table, line, fail);
    else if (line.startsWith('-A ')) {
      const args = splitRuleLine(line) ?? fail('unbalanced quote');
      pending.push({ line: n, text: line, chain: args[1] ?? '', args: args.slice(2) });
    } else fail('expected :CHAIN POLICY, -A CHAIN RULE or COMMIT');
  });
  if (table !== undefined) throw new SaveFormatError(`table ${table} has no COMMIT`, lines.length, '');
  const rs = b.finish();
  checkRuleset(rs);
  return rs;
}

function declare(b: RulesetBuilder, table: TableName, line: string, fail: (m: string) => never): void {
  const m = /^:(\S+)\s+(\S+)(?:\s+\[\d+:\d+\])?$/.exec(line) ?? fail('expected :CHAIN POLICY [packets:bytes]');
  const [, chain, policy] = m as unknown as [string, string, string];
  if (isBuiltin(table, chain)) {
    if (policy !== 'ACCEPT' && policy !== 'DROP') fail("a built-in chain's policy is ACCEPT or DROP");
    b.policy(table, chain, policy as 'ACCEPT' | 'DROP');
  } else {
    if (policy !== '-') fail(`a user chain has no policy; expected :${chain} -`);
    b.ensureChain(table, chain);
  }
}

/** Rules are added at COMMIT, when every chain of the table is declared (iptables-restore does the same). */
function addRule(
  b: RulesetBuilder,
  table: TableName,
  p: { line: number; text: string; chain: string; args: string[] },
): void {
  try {
    b.append(table, p.chain, parseRule(p.args));
  } catch (e) {
    if (e instanceof RuleSyntaxError || e instanceof RulesetError) throw new SaveFormatError(e.message, p.line, p.text);
    throw e;
  }
}
