/**
 * A first check of a user's firewall line: it must be one iptables(8) command that adds
 * to a table (append, insert, new chain or policy), so that it can be folded into the
 * plan's `iptables-save` text. Whether the simulator understands its matches and targets
 * is checked by the netfilter model; here only the command's shape is.
 */
import { splitRuleLine } from '../../netfilter/tokens.js';
import type { DiagnosticSink, Path } from '../diagnostics.js';

export const IPTABLES_TABLES = ['raw', 'mangle', 'nat', 'filter'] as const;
const COMMANDS = new Set(['-A', '--append', '-I', '--insert', '-N', '--new-chain', '-P', '--policy']);

/** Reports what is wrong with one line; silent when the line is a usable command. */
export function checkIptablesLine(sink: DiagnosticSink, line: string, path: Path, dockerHost: boolean): void {
  const args = splitRuleLine(line);
  if (args === undefined) return sink.error(path, 'unbalanced quote in the rule', line);
  const cmd = parseCommand(args);
  if (typeof cmd === 'string') return sink.error(path, cmd, line);
  if (dockerHost && cmd.table === 'filter' && cmd.chain === 'FORWARD' && cmd.command !== '-P') {
    sink.warn(path, 'Docker re-inserts its FORWARD jumps above rules added here whenever it creates a network; put forwarding rules in DOCKER-USER', line);
  }
}

/** The table, command and chain of a rule line, or why it is not one. */
export function parseCommand(args: readonly string[]): { table: string; command: string; chain: string } | string {
  let table = 'filter';
  let command: string | undefined;
  let chain: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '-t' || a === '--table') {
      table = args[++i] ?? '';
      if (!(IPTABLES_TABLES as readonly string[]).includes(table)) return `unknown table "${table}"; expected one of: ${IPTABLES_TABLES.join(', ')}`;
    } else if (COMMANDS.has(a)) {
      if (command !== undefined) return 'expected one command per line (-A, -I, -N or -P)';
      command = short(a);
      chain = args[++i];
    } else if (/^-[DRFZXLSE]$|^--(delete|replace|flush|zero|delete-chain|list|list-rules|rename-chain)$/.test(a)) {
      return `"${a}" does not build a ruleset; expected -A, -I, -N or -P`;
    }
  }
  if (command === undefined || chain === undefined || chain.startsWith('-')) return 'expected a command with its chain: -A CHAIN, -I CHAIN, -N CHAIN or -P CHAIN POLICY';
  return { table, command, chain };
}

function short(a: string): string {
  return ({ '--append': '-A', '--insert': '-I', '--new-chain': '-N', '--policy': '-P' } as Record<string, string>)[a] ?? a;
}
