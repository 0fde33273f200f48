/**
 * Routes Linux refuses: a table holds one route per prefix and metric (and TOS), and
 * `ip route add` asks for a new one exclusively (NLM_F_EXCL), so a second route to the
 * same prefix with the same metric fails with "RTNETLINK answers: File exists"
 * (fib_table_insert, net/ipv4/fib_trie.c). Here: two routes of the scenario with the
 * same prefix and metric on one host (two default routes, say). A route whose prefix is
 * one Linux already routes because an address of the host is in it (a connected route)
 * is the same refusal, found on the compiled plan: core/plan/lint/connected-routes.ts.
 */
import { formatCidr, networkOf } from '../../addr.js';
import type { DiagnosticSink } from '../diagnostics.js';
import type { RouteModel, ScenarioModel } from '../model.js';

/** How `ip route` names a route's prefix (`default`, or the network and length). */
export function prefixOf(r: RouteModel): string {
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

function twice(host: string, prefix: string, metric: number, first: number): string {
  return `host ${host} already has a route to ${prefix} with metric ${metric} (routes[${first}]); Linux keeps one route per prefix and metric and refuses a second ("RTNETLINK answers: File exists"); give one of them another metric (the lower wins), or remove one`;
}
