/**
 * Accumulates one namespace of the plan while the compile passes add to it, and adds
 * the kernel's own routes for every address the way Linux does (fib_add_ifaddr: a
 * `proto kernel scope link` route for the subnet of each address, `src` the address).
 */
import { formatCidr, parseIfAddr, subnetOf } from '../../addr.js';
import type {
  FdbPlan,
  HelperPlan,
  InterfacePlan,
  NamespacePlan,
  NamespaceRole,
  NeighbourPlan,
  QdiscPlan,
  RoutePlan,
  ServicePlan,
  SysctlPlan,
} from '../types.js';
import { formatIpv4 } from '../../addr.js';

/** Twinnet speaks IPv4 only; IPv6 is switched off so captures hold no IPv6 chatter. */
export const IPV6_OFF: readonly SysctlPlan[] = [
  {
    key: 'net.ipv6.conf.all.disable_ipv6',
    value: '1',
    why: 'twinnet models IPv4 only; no IPv6 router solicitations or MLD in captures',
  },
  { key: 'net.ipv6.conf.default.disable_ipv6', value: '1', why: 'likewise for devices created later' },
];

export class NamespaceBuilder {
  readonly interfaces: InterfacePlan[] = [];
  readonly routes: RoutePlan[] = [];
  readonly sysctls: SysctlPlan[] = [];
  readonly neighbours: NeighbourPlan[] = [];
  readonly fdb: FdbPlan[] = [];
  readonly qdiscs: QdiscPlan[] = [];
  readonly services: ServicePlan[] = [];
  readonly helpers: HelperPlan[] = [];
  netfilter = '';

  constructor(
    readonly id: string,
    readonly role: NamespaceRole,
    readonly description: string,
    readonly dockerHost?: string,
  ) {
    this.interfaces.push({
      name: 'lo',
      kind: 'loopback',
      mtu: 65536,
      up: true,
      addresses: ['127.0.0.1/8'],
      why: 'loopback',
    });
  }

  /** Adds a device; its addresses get their kernel routes. */
  addInterface(i: InterfacePlan): void {
    this.interfaces.push(i);
    if (i.kind === 'loopback') return;
    for (const a of i.addresses) this.routes.push(kernelRoute(a, i.name));
  }

  /** Sets a sysctl; a later value for the same key replaces the earlier one. */
  sysctl(key: string, value: string, why: string): void {
    const at = this.sysctls.findIndex((s) => s.key === key);
    if (at >= 0) this.sysctls.splice(at, 1);
    this.sysctls.push({ key, value, why });
  }

  finish(): NamespacePlan {
    return {
      id: this.id,
      role: this.role,
      ...(this.dockerHost !== undefined && { dockerHost: this.dockerHost }),
      description: this.description,
      interfaces: this.interfaces,
      routes: this.routes,
      sysctls: this.sysctls,
      neighbours: this.neighbours,
      fdb: this.fdb,
      netfilter: this.netfilter,
      qdiscs: this.qdiscs,
      services: this.services,
      helpers: this.helpers,
    };
  }
}

/** The route Linux adds for an interface address: `SUBNET dev DEV proto kernel scope link src ADDR`. */
export function kernelRoute(address: string, dev: string): RoutePlan {
  const ia = parseIfAddr(address);
  if (ia === undefined) throw new Error(`internal: bad address ${address}`);
  return { dst: formatCidr(subnetOf(ia)), dev, proto: 'kernel', scope: 'link', src: formatIpv4(ia.addr), metric: 0 };
}
