/**
 * Semantic checks over the resolved scenario that need the whole picture: names within
 * namespaces, duplicate addresses, layer-2 loops, port clashes, each host's firewall,
 * Docker subnets under host routes, and routes Linux refuses as duplicates. Checks that
 * belong to one element (an address outside its subnet, an unknown reference) are made
 * while resolving it, in `../resolve/`; checks that need the compiled plan (a route over
 * a connected one, tunnels too big for their underlay, probes whose target is their own
 * namespace) are its lint, core/plan/lint/, run after compiling.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ScenarioModel } from '../model.js';
import { checkDuplicateAddresses } from './addresses.js';
import { checkFirewalls, type FirewallFinding } from './firewall.js';
import { checkL2Loops } from './l2-loop.js';
import { checkCapture, checkInterfaceNames, checkNamespaceIds, checkServices } from './namespaces.js';
import { checkRouteOverlaps } from './route-overlap.js';
import { checkDuplicateRoutes } from './route-conflicts.js';
import { checkSysctlKeys } from './sysctls.js';

export type { FirewallFinding } from './firewall.js';

/**
 * Runs every whole-scenario check, reporting into the sink. `firewall` holds the
 * problems of the hosts' rulesets, in host order, as the firewall builder found them.
 */
export function validateModel(sink: DiagnosticSink, m: ScenarioModel, firewall: readonly FirewallFinding[]): void {
  checkInterfaceNames(sink, m.hosts, m.networks, m.containers);
  checkDuplicateAddresses(sink, m.hosts, m.networks, m.containers);
  checkL2Loops(sink, m.hosts);
  checkServices(sink, m.hosts, m.containers);
  checkNamespaceIds(sink, m);
  checkCapture(sink, m);
  checkFirewalls(sink, firewall);
  checkSysctlKeys(sink, m.hosts);
  checkRouteOverlaps(sink, m.hosts, m.networks);
  checkDuplicateRoutes(sink, m);
}
