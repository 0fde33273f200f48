/**
 * Duplicate addresses. Two interfaces in one broadcast domain (one segment, link or
 * Docker network) with the same IPv4 address make ARP answer for both, and the result
 * depends on timing; that is always an error. The same address in different domains is
 * allowed: every Docker engine has its own 172.17.0.1, which NAT keeps apart.
 */
import { formatIpv4 } from '../../addr.js';
import type { DiagnosticSink, Path } from '../diagnostics.js';
import type { ContainerModel, HostModel, NetworkModel } from '../model.js';

type HostDevice = HostModel['interfaces'][number] | HostModel['bridges'][number] | HostModel['vxlans'][number];

/**
 * The broadcast domain of a host device: its segment, for a VXLAN device its VNI (the
 * devices of one VNI on several hosts form one domain), for a bridge its first port's.
 */
function domainOf(h: HostModel, d: HostDevice): string {
  if ('segment' in d) return `segment ${d.segment}`;
  if ('vni' in d) return `VXLAN ${d.vni}`;
  const port = [...h.interfaces, ...h.vxlans].find((i) => d.members.includes(i.name));
  return port === undefined ? `segment bridge ${h.name}:${d.name}` : domainOf(h, port);
}

/** Reports every address used twice in one domain, or twice on one host. */
export function checkDuplicateAddresses(
  sink: DiagnosticSink,
  hosts: readonly HostModel[],
  networks: readonly NetworkModel[],
  containers: readonly ContainerModel[],
): void {
  const seen = new Map<string, string>();
  const add = (domain: string, addr: number, who: string, path: Path) => {
    const key = `${domain}|${addr}`;
    const prev = seen.get(key);
    if (prev !== undefined)
      sink.error(
        path,
        `${formatIpv4(addr)} is also the address of ${prev} in ${domain}; expected a unique address`,
        formatIpv4(addr),
      );
    else seen.set(key, who);
  };
  for (const h of hosts) {
    const own = new Map<number, string>();
    for (const d of [...h.interfaces, ...h.vxlans, ...h.bridges]) {
      d.addresses.forEach((a) => {
        if (own.has(a.addr))
          sink.error(d.path, `${formatIpv4(a.addr)} is already on ${own.get(a.addr)} of this host`, formatIpv4(a.addr));
        own.set(a.addr, d.name);
        add(domainOf(h, d), a.addr, `${h.name}:${d.name}`, d.path);
      });
    }
  }
  for (const n of networks) seen.set(`network ${n.key}|${n.gateway}`, `the gateway of ${n.name}`);
  for (const c of containers)
    c.endpoints.forEach((e) => add(`network ${e.network}`, e.address.addr, `container ${c.name}`, e.path));
}
