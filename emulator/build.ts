/**
 * Running the build program (core/plan/steps.ts) on real namespaces, batched
 * (architecture, firm decision 7). The order and content of every command are the step
 * list's, the one `twinnet plan --format sh` prints; what this file decides is only how
 * few processes run them (runDeviceSteps):
 * - the `netns add` lines and the namespace-wide sysctls, as `netns exec NS sysctl -q -w
 *   ...` lines (the very command the script prints), go first, in the process of the
 *   first wave when that wave is one namespace's batch; past SYSCTL_EXEC_LIMIT
 *   namespaces the agent writes those sysctls instead (build-run.ts);
 * - a namespace's `ip` steps (its devices, their settings and the run's alias, addresses,
 *   routes, neighbours) become one `ip -batch` of that namespace, run in waves so that a
 *   namespace is configured only after every namespace whose steps put a device into it
 *   (the step's `reaches`), many namespaces' batches per process (batch.ts runBatches);
 * - the rulesets (steps that may overlap), one `iptables-restore` per namespace with
 *   rules, load from the moment the namespaces exist, alongside the sysctls and the first
 *   wave of devices;
 * - then the `bridge` steps (static FDB entries), one `bridge -batch` per namespace.
 * After that, build-run.ts has the agent write the per-device sysctls and runs the qdiscs
 * (one `tc -batch` per namespace). Reordering across namespaces follows the rules of
 * steps.ts. Left to others: the listeners and helpers (build-run.ts, through the
 * agent), the userspace links (impair.ts).
 */
import {
  isDeviceSysctl,
  namespaceDeviceSteps,
  planSteps,
  type CommandStep,
  type Phase,
  type Step,
  type SysctlStep,
} from '../core/plan/steps.js';
import type { Arg, VxlanMove } from '../core/plan/commands.js';
import type { NamespacePlan, Plan } from '../core/plan/types.js';
import type { AgentClient } from './agent-client.js';
import { NAMESPACES_PER_PROCESS, quoteBatchArg, runBatches } from './batch.js';
import { run, runAll } from './exec.js';
import type { RunNames } from './names.js';

export { isDeviceSysctl };

/** What the build reports as it goes. */
export type BuildProgress = (done: number, total: number, what: string) => void;

/**
 * The most namespaces whose namespace-wide sysctls the build writes with
 * `netns exec NS sysctl` lines; beyond, the namespace agent writes them. Why: each line
 * forks and execs (ip-netns(8) also remounts /sys), about 2 ms a namespace one after
 * another, while the agent writes a namespace's sysctls in a fraction of that but takes
 * some 70 ms to start (a Python interpreter): below a few dozen namespaces the lines are
 * done before the agent would be up, and the agent starts alongside the devices instead.
 * The same bound as NAMESPACES_PER_PROCESS, so that the lines fit one process.
 */
export const SYSCTL_EXEC_LIMIT = NAMESPACES_PER_PROCESS;

/** The phases whose `ip` and `bridge` steps build devices, addresses, routes and entries. */
const DEVICE_PHASES: ReadonlySet<Phase> = new Set(['links', 'link-config', 'addresses', 'routes']);

/**
 * Adds the namespaces of `steps` and writes their namespace-wide sysctls, in one `ip`
 * process: `netns add` lines, then `netns exec NS sysctl -q -w K=V ...` lines (ip-netns(8):
 * in batch mode `netns exec` forks, enters NS and runs the command).
 */
export async function addNamespacesAndSysctls(steps: readonly Step[], names: RunNames): Promise<void> {
  const lines = earlyLines(steps, names).all;
  if (lines.length > 0) await run(['ip', '-batch', '-'], { stdin: lines.join('') });
}

/** Creates every namespace of the plan (one ip process). */
export async function addNamespaces(plan: Plan, names: RunNames): Promise<void> {
  await addNamespacesAndSysctls(
    planSteps(plan).filter((s) => s.kind === 'netns'),
    names,
  );
}

/**
 * Writes the plan's namespace-wide sysctls (before any device exists, so that `default.*`
 * applies to the devices made later), or (`devices`) the per-device ones once the devices
 * exist, through the agent.
 */
export async function writeSysctls(plan: Plan, names: RunNames, agent: AgentClient, devices = false): Promise<void> {
  await writeSysctlSteps(
    planSteps(plan).filter((s) => s.phase === (devices ? 'device-sysctls' : 'sysctls')),
    names,
    agent,
  );
}

/** Writes the sysctl steps among `steps` through the agent, one request per namespace. */
export async function writeSysctlSteps(steps: readonly Step[], names: RunNames, agent: AgentClient): Promise<void> {
  const jobs = [...perNamespace(steps.filter((s): s is SysctlStep => s.kind === 'sysctl'))];
  await Promise.all(
    jobs.map(([ns, set]) =>
      agent.request({ op: 'sysctl', ns: names.ns(ns), set: Object.fromEntries(set.map((s) => [s.key, s.value])) }),
    ),
  );
}

/** Creates and configures every device, address, route, neighbour and FDB entry of the plan. */
export async function buildLinks(plan: Plan, names: RunNames, progress?: BuildProgress): Promise<void> {
  const steps = planSteps(plan, { alias: names.alias });
  await runDeviceSteps(
    steps.filter((s) => s.kind === 'command'),
    names,
    progress,
  );
}

/**
 * Runs the steps of the namespaces, their namespace-wide sysctls, the devices and the
 * rulesets among `steps` with few processes, in the order the step list allows. The
 * rulesets (steps that may overlap) need only their namespaces, and one Docker host's
 * takes about as long as all the devices of ten containers, so when there are any, the
 * namespaces are added first and the rulesets load (loadRulesetSteps) while the sysctl
 * lines and the first wave run: that wave is one or a few namespaces (the Docker hosts,
 * which make the veth pairs), leaving a core free, while the later waves keep
 * PARALLEL_COMMANDS processes busy on their own (measured: overlapping those too made a
 * build of 100 containers on two hosts slower). Without rulesets the `netns add` lines
 * go with the sysctl lines, in the first wave's process when that wave is one
 * namespace's batch (else in a process of their own). `writeSysctls`, when given (many
 * namespaces: SYSCTL_EXEC_LIMIT), writes the namespace-wide sysctls instead of the lines,
 * after the namespaces are added and before the first wave, while the rulesets load.
 * Then the later waves (stepWaves) and the `bridge` batches. Both branches are waited
 * for before a failure is thrown.
 */
export async function runDeviceSteps(
  steps: readonly Step[],
  names: RunNames,
  progress?: BuildProgress,
  writeSysctls?: (sysctls: readonly Step[]) => Promise<void>,
): Promise<void> {
  const device = steps.filter((s): s is CommandStep => s.kind === 'command' && DEVICE_PHASES.has(s.phase));
  const order = namespaceOrder(steps);
  const early = earlyLines(steps, names);
  const sysctls = steps.filter((s) => s.kind === 'sysctl' && s.phase === 'sysctls');
  const hasRules = steps.some((s) => s.kind === 'iptables-restore');
  let before = writeSysctls === undefined ? early.all : early.adds;
  if ((hasRules || writeSysctls !== undefined) && early.adds.length > 0) {
    await run(['ip', '-batch', '-'], { stdin: early.adds.join('') });
    before = writeSysctls === undefined ? early.sysctls : [];
  }
  const ip = perNamespace(device.filter((s) => s.tool === 'ip'));
  let done = 0;
  const runWave = async (wave: readonly string[], pre: readonly string[]) => {
    const jobs = wave.map((nsId) => ({ nsId, lines: (ip.get(nsId) ?? []).map((s) => s.args) }));
    const onDone = (n: number) => progress?.((done += n), order.length, 'devices, addresses and routes');
    await runBatches('ip', names, jobs, onDone, { before: pre });
  };
  const [first = [], ...later] = stepWaves(order, device);
  const firstWave = async () => {
    if (writeSysctls !== undefined) await writeSysctls(sysctls);
    await runWave(first, before);
  };
  const results = await Promise.allSettled([firstWave(), loadRulesetSteps(steps, names)]);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
  for (const wave of later) await runWave(wave, []);
  const fdb = perNamespace(device.filter((s) => s.tool === 'bridge'));
  await runBatches(
    'bridge',
    names,
    [...fdb].map(([nsId, set]) => ({ nsId, lines: set.map((s) => s.args) })),
  );
}

/** The `netns add` lines of `steps`, and their namespace-wide sysctls as `netns exec NS sysctl -q -w ...` lines. */
function earlyLines(steps: readonly Step[], names: RunNames): { adds: string[]; sysctls: string[]; all: string[] } {
  const adds = steps.filter((s) => s.kind === 'netns').map((s) => `netns add ${names.ns(s.ns)}\n`);
  const perNs = perNamespace(steps.filter((s): s is SysctlStep => s.kind === 'sysctl' && s.phase === 'sysctls'));
  const sysctls = [...perNs].map(([ns, set]) => {
    const args = set.map((s) => `-w ${quoteBatchArg(`${s.key}=${s.value}`)}`).join(' ');
    return `netns exec ${names.ns(ns)} sysctl -q ${args}\n`;
  });
  return { adds, sysctls, all: [...adds, ...sysctls] };
}

/**
 * The ip commands of one namespace's device steps, in the step list's order, with the
 * run's alias: what it creates (its veth pairs and bridges, the name of each vxlan moved
 * into it, and the VXLAN devices it makes for other namespaces, `moves`), then the
 * settings of its own devices, addresses, routes and neighbours.
 */
export function namespaceLines(
  ns: NamespacePlan,
  creators: Set<string>,
  names: RunNames,
  moves: readonly VxlanMove[] = [],
): Arg[][] {
  return namespaceDeviceSteps(ns, creators, moves, { alias: names.alias }).flatMap((s) =>
    s.kind === 'command' && s.tool === 'ip' ? [[...s.args]] : [],
  );
}

/**
 * Orders namespaces so that each comes after every namespace whose steps put a device
 * into it (a veth pair's creator, a VXLAN device's underlay): the `reaches` of the step
 * list. Namespaces within a wave are independent.
 */
export function stepWaves(order: readonly string[], steps: readonly Step[]): string[][] {
  const needs = new Map(order.map((id) => [id, new Set<string>()]));
  for (const s of steps) if (s.kind === 'command') for (const r of s.reaches) if (r !== s.ns) needs.get(r)?.add(s.ns);
  const waves: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < order.length) {
    const wave = order.filter((id) => !placed.has(id) && [...(needs.get(id) ?? [])].every((d) => placed.has(d)));
    if (wave.length === 0) {
      const stuck = order
        .filter((id) => !placed.has(id))
        .map((id) => `${id} (after ${[...(needs.get(id) ?? [])].filter((d) => !placed.has(d)).join(', ')})`);
      throw new Error(
        `internal: the namespaces that create each other's devices form a cycle, so no build order exists: ${stuck.join('; ')}. A veth pair is created by its end that comes first in the plan, a vxlan by its underlay namespace`,
      );
    }
    wave.forEach((id) => placed.add(id));
    waves.push(wave);
  }
  return waves;
}

/** The plan's build waves, as namespaces (see stepWaves). */
export function buildWaves(plan: Plan): NamespacePlan[][] {
  const byId = new Map(plan.namespaces.map((n) => [n.id, n]));
  return stepWaves(
    plan.namespaces.map((n) => n.id),
    planSteps(plan),
  ).map((w) => w.map((id) => byId.get(id) as NamespacePlan));
}

/** Loads each namespace's ruleset (one iptables-restore per namespace with rules). */
export async function loadRulesets(plan: Plan, names: RunNames): Promise<void> {
  await loadRulesetSteps(planSteps(plan), names);
}

/** Runs the iptables-restore steps among `steps`, a few at a time. */
export async function loadRulesetSteps(steps: readonly Step[], names: RunNames): Promise<void> {
  const rulesets = steps.flatMap((s) => (s.kind === 'iptables-restore' ? [s] : []));
  await runAll(
    rulesets.map((s) => () => run(['ip', 'netns', 'exec', names.ns(s.ns), 'iptables-restore'], { stdin: s.stdin })),
  );
}

/** Runs the `tc` steps among `steps`: one `tc -n NS -batch -` per namespace. */
export async function runQdiscSteps(steps: readonly Step[], names: RunNames): Promise<void> {
  const tc = perNamespace(steps.filter((s): s is CommandStep => s.kind === 'command' && s.tool === 'tc'));
  await Promise.all(
    [...tc].map(([ns, set]) =>
      run(['tc', '-n', names.ns(ns), '-batch', '-'], {
        stdin: set
          .map((s) => `${s.args.map((a) => (typeof a === 'string' ? quoteBatchArg(a) : names.ns(a.ns))).join(' ')}\n`)
          .join(''),
      }),
    ),
  );
}

/** The namespaces of `steps`, in the order they are added. */
function namespaceOrder(steps: readonly Step[]): string[] {
  return [...new Set(steps.map((s) => s.ns))];
}

/** Steps grouped by namespace, each group in the step list's order. */
function perNamespace<S extends Step>(steps: readonly S[]): Map<string, S[]> {
  const out = new Map<string, S[]>();
  for (const s of steps) {
    const list = out.get(s.ns);
    if (list === undefined) out.set(s.ns, [s]);
    else list.push(s);
  }
  return out;
}
