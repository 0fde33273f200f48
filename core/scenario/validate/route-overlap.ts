/**
 * A Docker bridge network whose subnet overlaps one of its host's static routes. Docker
 * keeps the subnets it picks clear of on-link routes only (on-link.ts): a route via a
 * gateway does not stop it, and an explicit `subnet` or `bip` is taken as given. The
 * bridge then adds its connected route to the host's table, and the longest prefix wins
 * (ip-route(8); on a tie the lower metric, and the connected route has 0): either the
 * bridge takes part of the routed prefix away from its gateway, or the route takes part
 * of the network away from its containers. Both are legal and both are usually a
 * surprise, so this is a warning. A route to exactly the subnet with metric 0 is an
 * error (Linux refuses it), reported by route-conflicts.ts alone.
 *
 * Left out: overlays (their subnet lives only in the overlay's own namespace, which the
 * host's routes do not reach) and the default route, which every subnet lies under.
 */
import { cidrsOverlap, formatCidr, formatIpv4 } from '../../addr.js';
import type { DiagnosticSink, Path } from '../diagnostics.js';
import type { HostModel, NetworkModel, RouteModel } from '../model.js';

/** Warns once per (network, route) pair that overlap on one Docker host. */
export function checkRouteOverlaps(
  sink: DiagnosticSink,
  hosts: readonly HostModel[],
  networks: readonly NetworkModel[],
): void {
  for (const h of hosts) {
    const routes = h.routes.filter((r) => r.to.len > 0);
    if (h.docker === undefined || routes.length === 0) continue;
    for (const n of networks) {
      if (n.driver !== 'bridge' || n.hosts[0] !== h.name) continue;
      for (const r of routes) {
        if (!cidrsOverlap(r.to, n.subnet) || sameAsConnected(r, n)) continue;
        sink.warn(where(h, n), message(h, n, r), formatCidr(n.subnet));
      }
    }
  }
}

/** The field that gave the subnet: a network's `subnet`, docker0's `bip`, else the network itself. */
function where(h: HostModel, n: NetworkModel): Path {
  if (n.userSubnet) return [...n.path, 'subnet'];
  return n.isDefault && h.docker?.bip !== undefined ? [...n.path, 'bip'] : n.path;
}

/**
 * A route to exactly the bridge's subnet with metric 0 is one Linux refuses ("File
 * exists"), an error route-conflicts.ts reports; no warning on top of it.
 */
function sameAsConnected(r: RouteModel, n: NetworkModel): boolean {
  return r.to.len === n.subnet.len && r.metric === 0;
}

/** Which of the two the host uses: the longer prefix, and on a tie the lower metric (the connected route has 0). */
function bridgeWins(r: RouteModel, n: NetworkModel): boolean {
  return r.to.len < n.subnet.len || (r.to.len === n.subnet.len && r.metric > 0);
}

function message(h: HostModel, n: NetworkModel, r: RouteModel): string {
  const route = `${formatCidr(r.to)} ${r.via === undefined ? `dev ${r.dev ?? '?'}` : `via ${formatIpv4(r.via)}`}`;
  const what = n.isDefault
    ? `the default bridge's subnet ${formatCidr(n.subnet)}`
    : `network ${n.name}'s subnet ${formatCidr(n.subnet)}`;
  const head = `${what} overlaps host ${h.name}'s route ${route}`;
  const why =
    'Docker keeps the subnets it chooses clear only of on-link routes, and takes a given subnet or bip as it is';
  if (bridgeWins(r, n))
    return `${head}: ${why}; the bridge's connected route is more specific or has the lower metric, so ${h.name} sends traffic for ${formatCidr(n.subnet)} to the bridge instead of along that route`;
  return `${head}: ${why}; the route is more specific than the bridge's connected route, so ${h.name} sends traffic for ${formatCidr(r.to)} along the route instead of to the network's containers`;
}
