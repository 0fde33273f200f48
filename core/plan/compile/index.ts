/**
 * The compile step: ScenarioModel -> Plan, deterministic and pure. The one place where a
 * person's intent becomes Linux state (architecture, the one idea); both engines only
 * interpret its output. Namespaces come in build order: hosts, containers, overlays and
 * their load balancers, segments (a veth pair is made by the end that comes first, and
 * a host makes its overlays' VXLAN devices before they move).
 */
import type { ScenarioModel, Shape } from '../../scenario/model.js';
import { PLAN_FORMAT, type DeviceRef, type NamespacePlan, type Plan } from '../types.js';
import { addDockerBridges, buildContainer } from './docker.js';
import { hostFirewalls, type HostFirewall } from './firewall.js';
import { buildOverlays } from './overlay.js';
import { buildHost } from './hosts.js';
import type { NamespaceBuilder } from './namespace-builder.js';
import { compileTimeline, processNs } from './timeline.js';
import { buildUnderlay } from './underlay.js';

/**
 * Compiles a resolved scenario (with no errors) into its plan. `firewalls` are the hosts'
 * rulesets when the caller has built them already (core/plan/load-plan.ts, which gave
 * their problems to validation); otherwise they are built here.
 */
export function compilePlan(m: ScenarioModel, firewalls: ReadonlyMap<string, HostFirewall> = hostFirewalls(m)): Plan {
  const underlay = buildUnderlay(m.segments, m.hosts);
  const hosts = new Map(m.hosts.map((h) => [h.name, buildHost(h, underlay.ports, firewallOf(h, firewalls))]));
  for (const h of m.hosts)
    if (h.kind === 'docker') addDockerBridges(hosts.get(h.name) as NamespaceBuilder, h, m.networks, m.containers);
  const containers = m.containers
    .filter((c) => c.mode === 'bridge' || c.mode === 'none')
    .map((c) => buildContainer(c, m.networks));
  const overlays = buildOverlays(m);
  const byId = new Map([...hosts, ...containers.map((b) => [b.id, b] as const)]);
  for (const c of m.containers.filter((x) => x.mode === 'host' || x.mode === 'container')) {
    c.listen.forEach((l) => byId.get(c.namespace)?.services.push({ proto: l.proto, port: l.port, owner: c.name }));
  }
  const namespaces: NamespacePlan[] = [...hosts.values(), ...containers, ...overlays, ...underlay.namespaces].map((b) =>
    b.finish(),
  );
  return {
    format: PLAN_FORMAT,
    scenario: { name: m.name, description: m.description, seed: m.seed },
    notes: [],
    namespaces,
    timeline: compileTimeline(m, underlay.ports, initialShapes(namespaces)),
    ...(m.durationNs !== undefined && { durationNs: m.durationNs }),
    capture: m.capture.map((c): DeviceRef => ({ ns: processNs(m, c.owner), dev: c.ifname })),
  };
}

/** The host's firewall; validation has reported every problem of a valid scenario's lines already. */
function firewallOf(h: ScenarioModel['hosts'][number], firewalls: ReadonlyMap<string, HostFirewall>): HostFirewall {
  const fw = firewalls.get(h.name);
  if (fw === undefined) throw new Error(`internal: no firewall was built for host ${h.name}`);
  const errors = fw.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0)
    throw new Error(
      `internal: host ${h.name}'s firewall has errors that validation should have reported: ${errors.map((e) => e.message).join('; ')}`,
    );
  return fw;
}

function initialShapes(namespaces: readonly NamespacePlan[]): Map<string, Shape> {
  return new Map(namespaces.flatMap((n) => n.qdiscs.map((q) => [`${n.id}/${q.dev}`, q.shape] as const)));
}
