/**
 * Splitting an iptables rule line into arguments, the way a POSIX shell would split
 * `iptables ARGS` and the way iptables-restore splits a rule line: whitespace separates,
 * single and double quotes group, a backslash escapes the next character.
 * Not supported: variable expansion and globbing (rules are data, not shell).
 */

/** Arguments of a rule line; undefined when a quote is left open. */
export function splitRuleLine(line: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (quote !== undefined) return undefined;
  if (inToken) out.push(cur);
  return out;
}

/** Quotes an argument for iptables-save output when it needs it (iptables' save format). */
export function quoteRuleArg(arg: string): string {
  return /^[A-Za-z0-9_./:,!+=@%-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, '\\$1')}"`;
}
