/**
 * Each host's firewall problems, reported at the line that caused them: what iptables or
 * the kernel would refuse (a chain that does not exist, a rule to delete that is not
 * there, a target outside its table or hook, a loop of jumps) is an error, and lines that
 * load but cannot work as written get a warning.
 *
 * The ruleset is built once, by the compile step's firewall builder
 * (core/plan/compile/firewall.ts: Docker's rules, then the user's lines, as the plan will
 * hold them); the caller (core/plan/load-plan.ts) hands its problems here, so validation
 * reports them beside the other checks without compiling anything itself.
 */
import type { Diagnostic, DiagnosticSink } from '../diagnostics.js';

/** A problem the firewall builder found with a host's ruleset, at a path of the scenario. */
export type FirewallFinding = Pick<Diagnostic, 'severity' | 'path' | 'message' | 'value'>;

/** Reports the problems of every host's firewall, host by host as the scenario lists them. */
export function checkFirewalls(sink: DiagnosticSink, findings: readonly FirewallFinding[]): void {
  for (const p of findings) {
    if (p.severity === 'error') sink.error(p.path, p.message, p.value);
    else sink.warn(p.path, p.message, p.value);
  }
}
