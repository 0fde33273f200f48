/**
 * Each host's ruleset, built as the plan will hold it (Docker's rules, then the user's
 * lines: core/plan/compile/firewall.ts), so that what iptables or the kernel would
 * refuse is reported here, at the line that caused it: a chain that does not exist, a
 * rule to delete that is not there, a target outside its table or hook, a loop of jumps.
 * Lines that load but cannot work as written get a warning.
 */
import { hostFirewall } from '../../plan/compile/firewall.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { ContainerModel, HostModel, NetworkModel } from '../model.js';

/** Reports the problems of every host's firewall. */
export function checkFirewalls(sink: DiagnosticSink, hosts: readonly HostModel[], networks: readonly NetworkModel[], containers: readonly ContainerModel[]): void {
  for (const h of hosts) {
    for (const p of hostFirewall(h, networks, containers).problems) {
      if (p.severity === 'error') sink.error(p.path, p.message, p.value);
      else sink.warn(p.path, p.message, p.value);
    }
  }
}
