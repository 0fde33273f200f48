/**
 * Routes Linux refuses: a table holds one route per prefix and metric (and TOS), and
 * `ip route add` asks for a new one exclusively (NLM_F_EXCL), so a second route to the
 * same prefix with the same metric fails with "RTNETLINK answers: File exists"
 * (fib_table_insert, net/ipv4/fib_trie.c). On a host that happens in two ways: two
 * routes of the scenario with the same prefix and metric (two default routes, say), and
 * a route whose prefix is one Linux already routes because an address of the host is in
 * it: an interface's, a bridge's, or the bridge of a Docker network on the host (docker0
 * and each network's bridge get their gateway address, and with it the kernel's
 * connected route, metric 0, when the engine starts). The scenario's routes are added
 * after the addresses, as an administrator adds them to a running host, so Linux
 * refuses them; with another metric it keeps both, and the lower metric wins.
 *
 * Left out: the order in which Docker would add its bridge's address after a static
 * route already there (the kernel then appends the connected route after it, since
 * fib_magic asks with NLM_F_APPEND, and the static route wins): a scenario describes a
 * host whose engine is running. /32 addresses get no prefix route in the main table
 * (fib_add_ifaddr), so they conflict with nothing.
 */
import { formatCidr, networkOf } from '../../addr.js';
import { compilePlan } from '../../plan/compile/index.js';
import type { RoutePlan } from '../../plan/types.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { RouteModel, ScenarioModel } from '../model.js';

/** How `ip route` names a route's prefix (`default`, or the network and length). */
function prefixOf(r: RouteModel): string {
  return r.to.len === 0 ? 'default' : formatCidr({ addr: networkOf(r.to.addr, r.to.len), len: r.to.len });
}

/** Reports a host's second route to one prefix with one metric. */
export function checkDuplicateRoutes(sink: DiagnosticSink, m: Pick<ScenarioModel, 'hosts'>): void {
  for (const h of m.hosts) {
    const seen = new Map<string, number>();
    h.routes.forEach((r, i) => {
      const key = `${prefixOf(r)} metric ${r.metric}`;
      const first = seen.get(key);
      if (first !== undefined) sink.error(r.path, twice(h.name, prefixOf(r), r.metric, first), prefixOf(r));
      else seen.set(key, i);
    });
  }
}

/**
 * Reports a host route whose prefix and metric are those of a connected route of the
 * host. Needs a scenario without errors: the connected routes are the compiled plan's.
 */
export function checkRoutesOverConnected(sink: DiagnosticSink, m: ScenarioModel): void {
  const hosts = m.hosts.filter((h) => h.routes.length > 0);
  if (hosts.length === 0) return;
  const plan = compilePlan(m);
  for (const h of hosts) {
    const connected = (plan.namespaces.find((n) => n.id === h.name)?.routes ?? []).filter((r) => r.proto === 'kernel' && !r.dst.endsWith('/32'));
    for (const r of h.routes) {
      const kernel = connected.find((k) => k.dst === prefixOf(r) && k.metric === r.metric);
      if (kernel !== undefined) sink.error(r.path, overConnected(h.name, prefixOf(r), kernel), prefixOf(r));
    }
  }
}

function twice(host: string, prefix: string, metric: number, first: number): string {
  return `host ${host} already has a route to ${prefix} with metric ${metric} (routes[${first}]); Linux keeps one route per prefix and metric and refuses a second ("RTNETLINK answers: File exists"); give one of them another metric (the lower wins), or remove one`;
}

function overConnected(host: string, prefix: string, k: RoutePlan): string {
  return `${prefix} is already routed on host ${host}: Linux added it for the address ${k.src ?? ''} of ${k.dev} (the connected route, metric 0), and refuses a second route with the same prefix and metric ("RTNETLINK answers: File exists"); give this one a metric above 0 (the connected route then wins, as on Linux), or remove it`;
}
