/**
 * The user's firewall lines (`iptables:` of a host): each is one iptables(8) command,
 * split as a shell would and parsed by the netfilter model (core/netfilter), so that a
 * line the model does not understand is reported here, with the argument at fault and
 * what was expected, instead of being loaded half understood.
 *
 * What the lines do to the host's ruleset (a chain that does not exist, a rule the
 * kernel would refuse) is checked once the whole ruleset is built, Docker's rules first
 * (`../validate/firewall.ts`).
 */
import { parseCommand, RuleSyntaxError } from '../../netfilter/parse-rule.js';
import { splitRuleLine } from '../../netfilter/tokens.js';
import type { DiagnosticSink, Path } from '../diagnostics.js';
import type { UserRuleModel } from '../model.js';

/** Parses every line; a line that does not parse is reported and left out. */
export function resolveUserRules(sink: DiagnosticSink, lines: readonly string[], path: Path): UserRuleModel[] {
  return lines.flatMap((line, i) => {
    const p = [...path, i];
    const args = splitRuleLine(line);
    if (args === undefined) return (void sink.error(p, 'unbalanced quote in the rule', line), []);
    try {
      return [{ line, command: parseCommand(args), path: p }];
    } catch (e) {
      if (!(e instanceof RuleSyntaxError)) throw e;
      sink.error(p, syntaxMessage(e), line);
      return [];
    }
  });
}

/** The parser's message, led by the offending argument when the message does not name it. */
export function syntaxMessage(e: RuleSyntaxError): string {
  return e.arg === undefined || e.arg === '' || e.message.includes(e.arg) ? e.message : `"${e.arg}": ${e.message}`;
}
