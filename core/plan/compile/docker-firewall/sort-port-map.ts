/**
 * The order in which Docker 20.10 binds a container's published ports: the daemon passes
 * them through go-connections' nat.SortPortMap (daemon/container_operations.go,
 * buildSandboxOptions; vendor/github.com/docker/go-connections/nat/sort.go) and the
 * bridge driver then binds them in the resulting order, appending each binding's rules.
 *
 * SortPortMap builds one entry per (container port, binding), grouped by container port,
 * sorts the entries with
 *     Less(i, j) = hostPort(i) > hostPort(j) || port(i) > port(j) || (port(i) == port(j) && proto(i) == "tcp")
 * (an ephemeral host port counts as 0), then lists the container ports in the order they
 * first appear and, for each, its bindings in sorted order. The oracle shows the effect:
 * `-p 8080:80 -p 127.0.0.1:8082:80 -p 9999:9999/udp` binds 9999, 8082, 8080
 * (docker-semantics.md 6c; normalized-final-dockerd1.iptables.txt).
 *
 * That Less is not a strict weak order (8082:80 and 8080:80 are each "less" than the
 * other), so the result depends on the sort algorithm and the input order. Ties and
 * contradictions are resolved here as Go's sort.Sort resolves them for up to 12 entries
 * (an insertion sort: pdqsort's and quickSort's small-slice path), starting from the
 * entries in file order, grouped by container port in order of first appearance. A real
 * engine starts from Go's randomised map order over the exposed ports, so for a
 * contradictory pair (such as 9090:80 next to 8080:90) it may bind the other way round
 * from one run to the next; with more than 12 entries Go partitions first, which is not
 * modelled.
 */
import type { PortModel } from '../../../scenario/model.js';

/** The published ports of one container, in the order 20.10 binds them. */
export function sortPortMap(ports: readonly PortModel[]): PortModel[] {
  const entries = groupByContainerPort(ports);
  insertionSort(entries, less);
  const order: string[] = [];
  const byPort = new Map<string, PortModel[]>();
  for (const e of entries) {
    const k = portKey(e);
    if (!byPort.has(k)) order.push(k);
    byPort.set(k, [...(byPort.get(k) ?? []), e]);
  }
  return order.flatMap((k) => byPort.get(k) ?? []);
}

function portKey(p: PortModel): string {
  return `${p.containerPort}/${p.proto}`;
}

/** Entries grouped by container port, in order of first appearance (Go: map order). */
function groupByContainerPort(ports: readonly PortModel[]): PortModel[] {
  const keys = [...new Set(ports.map(portKey))];
  return keys.flatMap((k) => ports.filter((p) => portKey(p) === k));
}

/** go-connections portMapSorter.Less; an ephemeral host port parses as 0 there. */
function less(i: PortModel, j: PortModel): boolean {
  const hpi = i.ephemeral ? 0 : i.hostPort;
  const hpj = j.ephemeral ? 0 : j.hostPort;
  return hpi > hpj || i.containerPort > j.containerPort || (i.containerPort === j.containerPort && i.proto === 'tcp');
}

/** Go's insertionSort (sort.go): moves each element down while it is "less" than the one before. */
function insertionSort<T>(xs: T[], lt: (a: T, b: T) => boolean): void {
  for (let i = 1; i < xs.length; i++) {
    for (let j = i; j > 0 && lt(xs[j] as T, xs[j - 1] as T); j--) {
      [xs[j - 1], xs[j]] = [xs[j] as T, xs[j - 1] as T];
    }
  }
}
