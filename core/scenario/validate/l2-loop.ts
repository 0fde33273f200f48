/**
 * Layer-2 loops. Linux bridges in twinnet run without STP (Docker creates its bridges
 * with stp_state 0, docker-semantics.md 4.1), so a loop of bridges and segments would
 * flood broadcasts forever; the scenario is rejected instead.
 *
 * The layer-2 graph joins segments (and links) to the hosts' bridges through the
 * bridges' member interfaces. It is an undirected multigraph; a connected component
 * with at least as many edges as nodes holds a cycle (a tree has one edge fewer).
 */
import { Graph, alg } from '@dagrejs/graphlib';
import type { DiagnosticSink } from '../diagnostics.js';
import type { HostModel } from '../model.js';

/** Reports one error per component that holds a loop. */
export function checkL2Loops(sink: DiagnosticSink, hosts: readonly HostModel[]): void {
  const g = new Graph({ directed: false, multigraph: true });
  const paths = new Map<string, HostModel['path']>();
  for (const h of hosts) {
    for (const br of h.bridges) {
      const node = `bridge ${h.name}:${br.name}`;
      g.setNode(node);
      paths.set(node, br.path);
      for (const m of br.members) {
        const seg = h.interfaces.find((i) => i.name === m)?.segment;
        if (seg === undefined || seg === '') continue;
        g.setNode(`segment ${seg}`);
        g.setEdge(node, `segment ${seg}`, undefined, `${h.name}:${m}`);
      }
    }
  }
  for (const comp of alg.components(g)) {
    const nodes = new Set(comp);
    const edges = g.edges().filter((e) => nodes.has(e.v));
    if (edges.length < comp.length) continue;
    const first = comp.find((n) => paths.has(n)) ?? comp[0] ?? '';
    const via = edges
      .map((e) => e.name ?? '')
      .sort()
      .join(', ');
    sink.error(
      paths.get(first) ?? [],
      `layer-2 loop through ${comp.sort().join(', ')} (ports ${via}); twinnet's bridges run without STP, as Docker's do, so a loop would flood forever`,
    );
  }
}
