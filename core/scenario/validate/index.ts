/**
 * Semantic checks over the resolved scenario that need the whole picture: names within
 * namespaces, duplicate addresses, layer-2 loops, port clashes, each host's firewall,
 * Docker subnets under host routes, routes Linux refuses as duplicates, tunnels too big
 * for their underlay, and probes whose target is their own namespace. Checks that
 * belong to one element (an address outside its subnet, an unknown reference) are made
 * while resolving it, in `../resolve/`.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { ScenarioModel } from '../model.js';
import { checkDuplicateAddresses } from './addresses.js';
import { checkFirewalls } from './firewall.js';
import { checkL2Loops } from './l2-loop.js';
import { checkCapture, checkInterfaceNames, checkNamespaceIds, checkServices } from './namespaces.js';
import { checkRouteOverlaps } from './route-overlap.js';
import { checkDuplicateRoutes, checkRoutesOverConnected } from './route-conflicts.js';
import { checkSelfProbes } from './self-probe.js';
import { checkSysctlKeys } from './sysctls.js';
import { checkTunnelMtus } from './tunnel-mtu.js';

/** Runs every whole-scenario check, reporting into the sink. */
export function validateModel(sink: DiagnosticSink, m: ScenarioModel): void {
  checkInterfaceNames(sink, m.hosts, m.networks, m.containers);
  checkDuplicateAddresses(sink, m.hosts, m.networks, m.containers);
  checkL2Loops(sink, m.hosts);
  checkServices(sink, m.hosts, m.containers);
  checkNamespaceIds(sink, m);
  checkCapture(sink, m);
  checkFirewalls(sink, m.hosts, m.networks, m.containers);
  checkSysctlKeys(sink, m.hosts);
  checkRouteOverlaps(sink, m.hosts, m.networks);
  checkDuplicateRoutes(sink, m);
  // Traced through the compiled plan, which needs a scenario without errors.
  if (sink.errorCount === 0) checkRoutesOverConnected(sink, m);
  if (sink.errorCount === 0) checkTunnelMtus(sink, m);
  if (sink.errorCount === 0) checkSelfProbes(sink, m);
}
