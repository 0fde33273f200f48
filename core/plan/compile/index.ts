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
import { hostFirewall, type HostFirewall } from './firewall.js';
import { buildOverlays } from './overlay.js';
import { buildHost } from './hosts.js';
import type { NamespaceBuilder } from './namespace-builder.js';
import { compileTimeline, processNs } from './timeline.js';
import { buildUnderlay } from './underlay.js';

/**
 * Plans compiled so far, by model: validation compiles a scenario to check its routes
 * against the connected ones, and the command then compiles the same model again. The
 * compile is pure and neither a model nor a plan is changed afterwards, so the second
 * call takes the first plan.
 */
const compiled = new WeakMap<ScenarioModel, Plan>();

/** Compiles a resolved scenario (with no errors) into its plan. */
export function compilePlan(m: ScenarioModel): Plan {
  let plan = compiled.get(m);
  if (plan === undefined) {
    plan = build(m);
    compiled.set(m, plan);
  }
  return plan;
}

function build(m: ScenarioModel): Plan {
  const underlay = buildUnderlay(m.segments, m.hosts);
  const hosts = new Map(m.hosts.map((h) => [h.name, buildHost(h, underlay.ports, firewallOf(h, m))]));
  for (const h of m.hosts) if (h.kind === 'docker') addDockerBridges(hosts.get(h.name) as NamespaceBuilder, h, m.networks, m.containers);
  const containers = m.containers.filter((c) => c.mode === 'bridge' || c.mode === 'none').map((c) => buildContainer(c, m.networks));
  const overlays = buildOverlays(m);
  const byId = new Map([...hosts, ...containers.map((b) => [b.id, b] as const)]);
  for (const c of m.containers.filter((x) => x.mode === 'host' || x.mode === 'container')) {
    c.listen.forEach((l) => byId.get(c.namespace)?.services.push({ proto: l.proto, port: l.port, owner: c.name }));
  }
  const namespaces: NamespacePlan[] = [...hosts.values(), ...containers, ...overlays, ...underlay.namespaces].map((b) => b.finish());
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
function firewallOf(h: ScenarioModel['hosts'][number], m: ScenarioModel): HostFirewall {
  const fw = hostFirewall(h, m.networks, m.containers);
  const errors = fw.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) throw new Error(`internal: host ${h.name}'s firewall has errors that validation should have reported: ${errors.map((e) => e.message).join('; ')}`);
  return fw;
}

function initialShapes(namespaces: readonly NamespacePlan[]): Map<string, Shape> {
  return new Map(namespaces.flatMap((n) => n.qdiscs.map((q) => [`${n.id}/${q.dev}`, q.shape] as const)));
}
