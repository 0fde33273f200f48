/**
 * The plan as a person reads it: namespace by namespace, in the words and layout of
 * `ip -br link`, `ip route`, `sysctl` and `iptables-save`, then the timeline. Nothing
 * here decides anything; it only prints the plan.
 */
import { formatDuration, formatPercent } from '../units.js';
import { qdiscArgs } from './commands.js';
import type { PathMtuRow, PathMtuSummary } from './path-mtu-table.js';
import type {
  ActionPlan,
  ExpectPlan,
  InterfacePlan,
  NamespacePlan,
  Plan,
  RoutePlan,
  StateChange,
  VxlanParams,
} from './types.js';

/**
 * Renders the plan as readable text; `pathMtu` (path-mtu-table.ts) adds the path-MTU table, or its
 * summary, after the namespaces.
 */
export function renderPlanText(plan: Plan, file?: string, pathMtu?: readonly PathMtuRow[] | PathMtuSummary): string {
  const out = [`plan for ${plan.scenario.name}${file === undefined ? '' : ` (${file})`}, seed ${plan.scenario.seed}`];
  if (plan.scenario.description !== '')
    out.push(
      ...plan.scenario.description
        .trimEnd()
        .split('\n')
        .map((l) => `  ${l}`),
    );
  for (const n of plan.notes) out.push('', `NOTE: ${n}`);
  for (const ns of plan.namespaces) out.push('', ...renderNamespace(ns));
  if (pathMtu !== undefined)
    out.push('', ...('groups' in pathMtu ? renderPathMtuSummary(pathMtu) : renderPathMtuTable(pathMtu)));
  out.push('', 'timeline');
  if (plan.timeline.length === 0) out.push('  (empty)');
  for (const t of plan.timeline)
    out.push(`  ${formatDuration(t.atNs).padEnd(7)} ${t.name}: ${renderAction(t.action)}${renderExpect(t.expect)}`);
  if (plan.capture.length > 0) out.push('', `capture: ${plan.capture.map((c) => `${c.ns}:${c.dev}`).join(', ')}`);
  return `${out.join('\n')}\n`;
}

/**
 * The path-MTU table: one line per pair of containers on a network, with a note where a full-size
 * packet would not pass.
 */
export function renderPathMtuTable(rows: readonly PathMtuRow[]): string[] {
  const out = ['path MTU between containers that share a network (largest IP packet that passes whole)'];
  if (rows.length === 0) return [...out, '  (no two containers share a network)'];
  const pair = (r: PathMtuRow) => `${r.a} <-> ${r.b}`;
  // A reduce, not Math.max(...rows): millions of rows (--path-mtu all) overflow the call stack as arguments.
  const w = rows.reduce((m, r) => Math.max(m, pair(r).length), 0);
  const wn = rows.reduce((m, r) => Math.max(m, r.network.length), 0);
  for (const r of rows) {
    const line = `  ${pair(r).padEnd(w)}  ${r.network.padEnd(wn)}  ${String(r.mtu ?? '-').padStart(5)}`;
    out.push(r.note === '' ? line : `${line}  # ${r.note}`);
  }
  return out;
}

/** The summarised table: one line per two groups of a network's members, with how many pairs it stands for. */
export function renderPathMtuSummary(s: PathMtuSummary): string[] {
  const out = [
    'path MTU between containers that share a network (largest IP packet that passes whole)',
    `  ${s.pairs.toLocaleString('en-US')} pairs, summarised: containers whose veths lead to the same namespace, with the same MTUs and routes, have the same`,
    '  path MTU, so one pair is traced for each two such groups (twinnet plan --path-mtu all lists every pair)',
  ];
  if (s.groups.length === 0) return [...out, '  (no two containers share a network)'];
  const ends = (r: PathMtuSummary['groups'][number]) =>
    r.ends[0] === r.ends[1] ? `within ${r.ends[0]}` : `${r.ends[0]} <-> ${r.ends[1]}`;
  const w = Math.max(...s.groups.map((r) => ends(r).length));
  const wn = Math.max(...s.groups.map((r) => r.network.length));
  const wp = Math.max(...s.groups.map((r) => r.pairs.toLocaleString('en-US').length));
  for (const r of s.groups) {
    const line = `  ${r.network.padEnd(wn)}  ${ends(r).padEnd(w)}  ${r.pairs.toLocaleString('en-US').padStart(wp)} pairs  ${String(r.mtu ?? '-').padStart(5)}  e.g. ${r.example[0]} <-> ${r.example[1]}`;
    out.push(r.note === '' ? line : `${line}  # ${r.note}`);
  }
  return out;
}

function renderNamespace(ns: NamespacePlan): string[] {
  const out = [`namespace ${ns.id} (${ns.description}${ns.dockerHost === undefined ? '' : ` on ${ns.dockerHost}`})`];
  const w = Math.max(...ns.interfaces.map((i) => i.name.length));
  out.push('  interfaces', ...ns.interfaces.map((i) => `    ${renderInterface(i, w)}`));
  if (ns.routes.length > 0) out.push('  routes', ...ns.routes.map((r) => `    ${renderRoute(r)}`));
  if (ns.neighbours.length > 0)
    out.push('  neighbours', ...ns.neighbours.map((n) => `    ${n.address} dev ${n.dev} lladdr ${n.lladdr} PERMANENT`));
  if (ns.fdb.length > 0)
    out.push(
      '  fdb',
      ...ns.fdb.map((f) => `    ${f.mac} dev ${f.dev}${f.dst === undefined ? '' : ` dst ${f.dst}`} self permanent`),
    );
  if (ns.sysctls.length > 0) out.push('  sysctls', ...ns.sysctls.map((s) => `    ${s.key} = ${s.value}  # ${s.why}`));
  if (ns.qdiscs.length > 0)
    out.push('  qdiscs', ...ns.qdiscs.map((q) => `    ${q.dev} root ${qdiscArgs(q).join(' ')}  # ${q.why}`));
  if (ns.netfilter !== '')
    out.push(
      '  netfilter (iptables-save)',
      ...ns.netfilter
        .trimEnd()
        .split('\n')
        .map((l) => `    ${l}`),
    );
  if (ns.services.length > 0)
    out.push(`  services: ${ns.services.map((s) => `${s.proto}/${s.port} (${s.owner})`).join(', ')}`);
  if (ns.helpers.length > 0)
    out.push(
      '  helpers',
      ...ns.helpers.map(
        (h) =>
          `    ${h.kind} -proto ${h.proto} -host-ip ${h.hostIp} -host-port ${h.hostPort} -container-ip ${h.containerIp} -container-port ${h.containerPort}`,
      ),
    );
  return out;
}

function renderInterface(i: InterfacePlan, w: number): string {
  const parts = [
    i.name.padEnd(w),
    i.kind.padEnd(8),
    `mtu ${i.mtu}${i.mtuAuto ? ' (auto)' : ''}`.padEnd(16),
    (i.mac ?? '').padEnd(17),
    i.up ? 'up  ' : 'down',
  ];
  if (i.addresses.length > 0) parts.push(i.addresses.join(' '));
  if (i.master !== undefined) parts.push(`master ${i.master}${i.port?.hairpin ? ' hairpin' : ''}`);
  if (i.peer !== undefined) parts.push(`peer ${i.peer.ns}:${i.peer.name}`);
  if (i.vxlan !== undefined) parts.push(renderVxlan(i.vxlan));
  return `${parts.join('  ')}  # ${i.why}`;
}

/** VXLAN parameters in ip -d link's words, and the namespace its socket lives in. */
function renderVxlan(v: VxlanParams): string {
  const flags = [
    v.learning ? 'learning' : 'nolearning',
    ...(v.proxy ? ['proxy'] : []),
    ...(v.l2miss ? ['l2miss'] : []),
    ...(v.l3miss ? ['l3miss'] : []),
    v.udpCsum ? 'udpcsum' : 'noudpcsum',
  ];
  const local = v.local === undefined ? '' : ` local ${v.local}`;
  return `id ${v.vni} dstport ${v.dstPort}${local} ${flags.join(' ')} ageing ${v.ageingS} underlay ${v.underlayNs}`;
}

/** Where a run-time change adds or withdraws overlay entries, for the timeline line. */
function renderEntries(c: StateChange): string {
  const add = [...new Set((c.addFdb ?? []).map((f) => f.ns))];
  const del = [...new Set((c.removeFdb ?? []).map((f) => f.ns))];
  const parts = [
    ...(add.length > 0 ? [`entries added in ${add.join(', ')}`] : []),
    ...(del.length > 0 ? [`entries withdrawn in ${del.join(', ')}`] : []),
  ];
  return parts.length === 0 ? '' : ` (${parts.join('; ')})`;
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
      return `${a.kind} ${a.container} ${a.kind === 'connect' ? 'to' : 'from'} ${a.network}${renderEntries(a.change)}`;
    case 'program':
    case 'unprogram':
      return `${a.kind} ${a.container}'s ${a.network} entries on ${a.host}${renderEntries(a.change)}`;
  }
}

function renderExpect(x: ExpectPlan | undefined): string {
  if (x === undefined) return '';
  const parts: string[] = [];
  if (x.outcome !== undefined)
    parts.push(typeof x.outcome === 'string' ? x.outcome : `${x.outcome.join(' or ')} (a race)`);
  if (x.reachable !== undefined) parts.push(x.reachable ? 'reachable' : 'not reachable');
  if (x.seenSource !== undefined) parts.push(`seen from ${x.seenSource}`);
  if (x.ttl !== undefined) parts.push(`ttl ${x.ttl}`);
  if (x.rttMinNs !== undefined) parts.push(`rtt >= ${formatDuration(x.rttMinNs)}`);
  if (x.rttMaxNs !== undefined) parts.push(`rtt <= ${formatDuration(x.rttMaxNs)}`);
  for (const p of x.rttPercentiles ?? []) {
    if (p.minNs !== undefined) parts.push(`rtt p${p.percentile} >= ${formatDuration(p.minNs)}`);
    if (p.maxNs !== undefined) parts.push(`rtt p${p.percentile} <= ${formatDuration(p.maxNs)}`);
  }
  if (x.pathMtu !== undefined) parts.push(`path MTU ${x.pathMtu}`);
  if (x.received !== undefined) parts.push(`${x.received} received`);
  if (x.receivedMin !== undefined) parts.push(`>= ${x.receivedMin} received`);
  if (x.receivedMax !== undefined) parts.push(`<= ${x.receivedMax} received`);
  if (x.lossMinPpm !== undefined) parts.push(`loss >= ${formatPercent(x.lossMinPpm)}`);
  if (x.lossMaxPpm !== undefined) parts.push(`loss <= ${formatPercent(x.lossMaxPpm)}`);
  return `  => expect ${parts.join(', ')}`;
}
