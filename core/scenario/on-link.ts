/**
 * A host's on-link routes: the prefixes its routing table says are directly connected,
 * which Docker's IPAM keeps its automatically chosen subnets clear of.
 *
 * libnetwork reads the host's IPv4 routes and reserves those of scope link with a
 * destination other than 0.0.0.0/0 (netutils CheckRouteOverlaps in 20.10.17 and later,
 * including the measured 20.10.24; InferReservedNetworks in 23 and later, so 28 and 29,
 * "limited to on-link routes in PR #42598"). Scope link are the kernel's connected route
 * for each interface address and a static route with a device and no gateway
 * (`ip route add P dev D`); a route via a gateway has scope global and reserves nothing.
 * Engines before 20.10.17 reserved every non-default route; twinnet models none of those.
 *
 * Left out: the nameservers of the host's /etc/resolv.conf, which Docker reserves too
 * (a scenario has no resolv.conf), and routes in tables other than main.
 */
import { subnetOf, type Cidr } from '../addr.js';
import type { HostModel } from './model.js';

/**
 * The host's on-link prefixes: the subnet of each interface address and each static
 * route without a gateway. A /32 address gets no prefix route in the main table (the
 * kernel adds one only to the local table, fib_add_ifaddr), so it reserves nothing.
 */
export function onLinkPrefixes(h: Pick<HostModel, 'interfaces' | 'routes'>): Cidr[] {
  const connected = h.interfaces.flatMap((i) => i.addresses.filter((a) => a.len < 32).map(subnetOf));
  const direct = h.routes.filter((r) => r.via === undefined && r.to.len > 0).map((r) => r.to);
  return [...connected, ...direct];
}
