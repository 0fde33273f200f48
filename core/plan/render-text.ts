/**
 * The plan as a person reads it: namespace by namespace, in the words and layout of
 * `ip -br link`, `ip route`, `sysctl` and `iptables-save`, then the timeline. Nothing
 * here decides anything; it only prints the plan.
 */
import { formatDuration } from '../units.js';
import { qdiscArgs } from './commands.js';
import type { ActionPlan, ExpectPlan, InterfacePlan, NamespacePlan, Plan, RoutePlan } from './types.js';

/** Renders the plan as readable text. */
export function renderPlanText(plan: Plan, file?: string): string {
  const out = [`plan for ${plan.scenario.name}${file === undefined ? '' : ` (${file})`}, seed ${plan.scenario.seed}`];
  if (plan.scenario.description !== '') out.push(...plan.scenario.description.trimEnd().split('\n').map((l) => `  ${l}`));
  for (const n of plan.notes) out.push('', `NOTE: ${n}`);
  for (const ns of plan.namespaces) out.push('', ...renderNamespace(ns));
  out.push('', 'timeline');
  if (plan.timeline.length === 0) out.push('  (empty)');
  for (const t of plan.timeline) out.push(`  ${formatDuration(t.atNs).padEnd(7)} ${t.name}: ${renderAction(t.action)}${renderExpect(t.expect)}`);
  if (plan.capture.length > 0) out.push('', `capture: ${plan.capture.map((c) => `${c.ns}:${c.dev}`).join(', ')}`);
  return `${out.join('\n')}\n`;
}

function renderNamespace(ns: NamespacePlan): string[] {
  const out = [`namespace ${ns.id} (${ns.description}${ns.dockerHost === undefined ? '' : ` on ${ns.dockerHost}`})`];
  const w = Math.max(...ns.interfaces.map((i) => i.name.length));
  out.push('  interfaces', ...ns.interfaces.map((i) => `    ${renderInterface(i, w)}`));
  if (ns.routes.length > 0) out.push('  routes', ...ns.routes.map((r) => `    ${renderRoute(r)}`));
  if (ns.neighbours.length > 0) out.push('  neighbours', ...ns.neighbours.map((n) => `    ${n.address} dev ${n.dev} lladdr ${n.lladdr} PERMANENT`));
  if (ns.fdb.length > 0) out.push('  fdb', ...ns.fdb.map((f) => `    ${f.mac} dev ${f.dev}${f.dst === undefined ? '' : ` dst ${f.dst}`} self permanent`));
  if (ns.sysctls.length > 0) out.push('  sysctls', ...ns.sysctls.map((s) => `    ${s.key} = ${s.value}  # ${s.why}`));
  if (ns.qdiscs.length > 0) out.push('  qdiscs', ...ns.qdiscs.map((q) => `    ${q.dev} root ${qdiscArgs(q).join(' ')}  # ${q.why}`));
  if (ns.netfilter !== '') out.push('  netfilter (iptables-save)', ...ns.netfilter.trimEnd().split('\n').map((l) => `    ${l}`));
  if (ns.services.length > 0) out.push(`  services: ${ns.services.map((s) => `${s.proto}/${s.port} (${s.owner})`).join(', ')}`);
  if (ns.helpers.length > 0) out.push('  helpers', ...ns.helpers.map((h) => `    ${h.kind} -proto ${h.proto} -host-ip ${h.hostIp} -host-port ${h.hostPort} -container-ip ${h.containerIp} -container-port ${h.containerPort}`));
  return out;
}

function renderInterface(i: InterfacePlan, w: number): string {
  const parts = [i.name.padEnd(w), i.kind.padEnd(8), `mtu ${i.mtu}${i.mtuAuto ? ' (auto)' : ''}`.padEnd(16), (i.mac ?? '').padEnd(17), i.up ? 'up  ' : 'down'];
  if (i.addresses.length > 0) parts.push(i.addresses.join(' '));
  if (i.master !== undefined) parts.push(`master ${i.master}${i.port?.hairpin ? ' hairpin' : ''}`);
  if (i.peer !== undefined) parts.push(`peer ${i.peer.ns}:${i.peer.name}`);
  return `${parts.join('  ')}  # ${i.why}`;
}

/** A route as `ip route` prints it. */
export function renderRoute(r: RoutePlan): string {
  const parts = [r.dst];
  if (r.via !== undefined) parts.push('via', r.via);
  parts.push('dev', r.dev);
  if (r.proto === 'kernel') parts.push('proto', 'kernel', 'scope', 'link');
  else if (r.via === undefined) parts.push('scope', 'link');
  if (r.src !== undefined) parts.push('src', r.src);
  if (r.metric !== 0) parts.push('metric', String(r.metric));
  return parts.join(' ');
}

function renderAction(a: ActionPlan): string {
  switch (a.kind) {
    case 'ping':
      return `ping from ${a.ns} to ${a.dst} count ${a.count} size ${a.size}${a.df ? ' DF' : ''} interval ${formatDuration(a.intervalNs)} timeout ${formatDuration(a.timeoutNs)}`;
    case 'tcp':
    case 'udp':
      return `${a.kind} from ${a.ns} to ${a.dst}:${a.port} timeout ${formatDuration(a.timeoutNs)}`;
    case 'pmtu':
      return `path MTU from ${a.ns} to ${a.dst}`;
    case 'link-down':
    case 'link-up':
      return `${a.kind} ${a.target} (${a.ends.map((e) => `${e.ns}:${e.dev}`).join(', ')} ${a.kind === 'link-down' ? 'down' : 'up'})`;
    case 'impair':
      return `impair ${a.target}: ${a.qdiscs.map((q) => `${q.ns}:${q.dev} ${qdiscArgs(q).join(' ')}`).join('; ')}`;
    case 'connect':
    case 'disconnect':
      return `${a.kind} ${a.container} ${a.kind === 'connect' ? 'to' : 'from'} ${a.network}`;
    case 'program':
    case 'unprogram':
      return `${a.kind} ${a.container}'s ${a.network} entries on ${a.host}`;
  }
}

function renderExpect(x: ExpectPlan | undefined): string {
  if (x === undefined) return '';
  const parts: string[] = [];
  if (x.outcome !== undefined) parts.push(x.outcome);
  if (x.reachable !== undefined) parts.push(x.reachable ? 'reachable' : 'not reachable');
  if (x.seenSource !== undefined) parts.push(`seen from ${x.seenSource}`);
  if (x.ttl !== undefined) parts.push(`ttl ${x.ttl}`);
  if (x.rttMinNs !== undefined) parts.push(`rtt >= ${formatDuration(x.rttMinNs)}`);
  if (x.rttMaxNs !== undefined) parts.push(`rtt <= ${formatDuration(x.rttMaxNs)}`);
  if (x.pathMtu !== undefined) parts.push(`path MTU ${x.pathMtu}`);
  if (x.received !== undefined) parts.push(`${x.received} received`);
  return `  => expect ${parts.join(', ')}`;
}
