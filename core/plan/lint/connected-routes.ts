/**
 * A host route over a connected prefix, which Linux refuses: when an address is added,
 * the kernel adds its prefix route (proto kernel, metric 0, fib_add_ifaddr), for an
 * interface's address, a bridge's, and the bridge of a Docker network on the host
 * (docker0 and each network's bridge get their gateway address, and with it the
 * connected route, when the engine starts). The scenario's routes are added after the
 * addresses, as an administrator adds them to a running host, and `ip route add` asks
 * for an exclusive insert (NLM_F_EXCL), so a route with the same prefix and metric fails
 * with "RTNETLINK answers: File exists" (fib_table_insert, net/ipv4/fib_trie.c); with
 * another metric Linux keeps both, and the lower metric wins. The connected routes are
 * read from the compiled plan, so this is a lint of the plan; two of the scenario's own
 * routes that clash are found by validation (core/scenario/validate/route-conflicts.ts).
 *
 * Left out: the order in which Docker would add its bridge's address after a static
 * route already there (the kernel then appends the connected route after it, since
 * fib_magic asks with NLM_F_APPEND, and the static route wins): a scenario describes a
 * host whose engine is running. /32 addresses get no prefix route in the main table
 * (fib_add_ifaddr), so they conflict with nothing.
 */
import type { DiagnosticSink } from '../../scenario/diagnostics.js';
import type { ScenarioModel } from '../../scenario/model.js';
import { prefixOf } from '../../scenario/validate/route-conflicts.js';
import type { Plan, RoutePlan } from '../types.js';

/** Reports a host route whose prefix and metric are those of a connected route of the host in the plan. */
export function checkRoutesOverConnected(sink: DiagnosticSink, m: ScenarioModel, plan: Plan): void {
  const hosts = m.hosts.filter((h) => h.routes.length > 0);
  for (const h of hosts) {
    const connected = (plan.namespaces.find((n) => n.id === h.name)?.routes ?? []).filter(
      (r) => r.proto === 'kernel' && !r.dst.endsWith('/32'),
    );
    for (const r of h.routes) {
      const kernel = connected.find((k) => k.dst === prefixOf(r) && k.metric === r.metric);
      if (kernel !== undefined) sink.error(r.path, overConnected(h.name, prefixOf(r), kernel), prefixOf(r));
    }
  }
}

function overConnected(host: string, prefix: string, k: RoutePlan): string {
  return `${prefix} is already routed on host ${host}: Linux added it for the address ${k.src ?? ''} of ${k.dev} (the connected route, metric 0), and refuses a second route with the same prefix and metric ("RTNETLINK answers: File exists"); give this one a metric above 0 (the connected route then wins, as on Linux), or remove it`;
}
