/**
 * The build program: one ordered list of typed steps that turns a plan into kernel state,
 * the single sequence that `twinnet plan --format sh` prints (render-sh.ts) and the
 * emulator executes (emulator/build.ts). Each step names the namespace it runs in and its
 * arguments (the tool's argv without the tool and its `-n NS`) or its standard input.
 *
 * Order: namespaces; namespace-wide sysctls (before any device, so that `default.*`
 * applies to the devices made later: net/ipv4/devinet.c copies the default devconf into
 * a new device); the devices (a veth pair is made by its end whose namespace comes first
 * in the plan, a VXLAN device by its underlay namespace: commands.ts); their settings;
 * addresses; routes, neighbours and static FDB entries; the per-device sysctls (their
 * /proc/sys files exist only once the device does); the netfilter rulesets; the qdiscs;
 * then the services' listeners and userland helpers, which only the emulator's agent runs.
 *
 * How a runner may reorder or batch, without changing the result:
 * - steps of one namespace keep their relative order;
 * - steps of different namespaces commute, except that a step that puts a device into
 *   another namespace (`reaches`: a veth's peer, a moved VXLAN device) comes before every
 *   step of that namespace past the sysctls;
 * - a step marked `overlaps` needs only its namespace (and the namespace-wide sysctls),
 *   so it may run alongside the device steps: an iptables-restore names interfaces as
 *   strings (xt_physdev, `-i`/`-o` match by name at packet time, iptables-extensions(8)),
 *   and no packet flows during the build (IPv6 is off, nothing sends).
 * Left out: reading the state back (emulator/verify.ts) and what a run adds of its own
 * (the emulator's ownership alias, `alias` below, off by default).
 */
import type { Arg, VxlanMove } from './commands.js';
import {
  configureLink,
  createLink,
  fdbArgs,
  neighbourArgs,
  qdiscArgs,
  routeArgs,
  vethCreators,
  vxlanCreateLines,
  vxlanMoves,
} from './commands.js';
import type { HelperPlan, NamespacePlan, Plan } from './types.js';

/** Build order: later phases need what earlier ones made. */
export const PHASES = [
  'namespaces',
  'sysctls',
  'links',
  'link-config',
  'addresses',
  'routes',
  'device-sysctls',
  'netfilter',
  'qdiscs',
  'services',
] as const;
export type Phase = (typeof PHASES)[number];

/** The program a command step runs. */
export type Tool = 'ip' | 'bridge' | 'tc';

interface StepBase {
  readonly phase: Phase;
  /** The plan namespace the step runs in (renamed by whoever runs it). */
  readonly ns: string;
}

/** `ip netns add NS`. */
export interface NetnsStep extends StepBase {
  readonly kind: 'netns';
}

/** One sysctl written in `ns`: `sysctl -w KEY=VALUE`. */
export interface SysctlStep extends StepBase {
  readonly kind: 'sysctl';
  readonly key: string;
  readonly value: string;
}

/** One `ip`, `bridge` or `tc` command run in `ns` (`TOOL -n NS ARGS`). */
export interface CommandStep extends StepBase {
  readonly kind: 'command';
  readonly tool: Tool;
  readonly args: readonly Arg[];
  /** The other namespaces this command puts a device into (a veth's peer, a moved vxlan). */
  readonly reaches: readonly string[];
}

/** A whole ruleset loaded in `ns` by `iptables-restore`, from its standard input. */
export interface RulesetStep extends StepBase {
  readonly kind: 'iptables-restore';
  readonly stdin: string;
  /** May run alongside the device steps (see the header). */
  readonly overlaps: true;
}

/** A listener the plan's service needs (the emulator's agent holds the socket). */
export interface ListenStep extends StepBase {
  readonly kind: 'listen';
  readonly proto: 'tcp' | 'udp';
  readonly port: number;
}

/** A userland helper (Docker's docker-proxy), run by the emulator's agent. */
export interface HelperStep extends StepBase {
  readonly kind: 'helper';
  readonly helper: HelperPlan;
}

export type Step = NetnsStep | SysctlStep | CommandStep | RulesetStep | ListenStep | HelperStep;

export interface StepOptions {
  /** An alias (ip-link(8) `alias`) for every device but loopback: the emulator's ownership marker. */
  readonly alias?: string;
}

/**
 * A per-device sysctl (`net.ipv4.conf.DEV.x`, `net.ipv4.neigh.DEV.x`, not `all` or
 * `default`), whose file exists only once its device does.
 */
export function isDeviceSysctl(key: string): boolean {
  const m = /^net\.ipv[46]\.(?:conf|neigh)\.([^.]+)\./.exec(key);
  return m !== null && m[1] !== 'all' && m[1] !== 'default';
}

/** Every step of the plan, in build order. */
export function planSteps(plan: Plan, opts: StepOptions = {}): Step[] {
  const ctx: Ctx = { creators: vethCreators(plan), moves: vxlanMoves(plan), opts };
  const steps: Step[] = plan.namespaces.map((n) => ({ kind: 'netns', phase: 'namespaces', ns: n.id }));
  for (const phase of PHASES.slice(1))
    for (const ns of plan.namespaces) for (const s of phaseSteps(phase, ns, ctx)) steps.push(s);
  return steps;
}

/**
 * One namespace's steps of the device phases (links, their settings, addresses, routes,
 * neighbours and FDB entries), in build order: `creators` and `moves` are the plan's
 * (commands.ts vethCreators, vxlanMoves).
 */
export function namespaceDeviceSteps(
  ns: NamespacePlan,
  creators: Set<string>,
  moves: readonly VxlanMove[],
  opts: StepOptions = {},
): Step[] {
  const ctx: Ctx = { creators, moves: new Map([[ns.id, [...moves]]]), opts };
  return (['links', 'link-config', 'addresses', 'routes'] as const).flatMap((phase) => phaseSteps(phase, ns, ctx));
}

interface Ctx {
  readonly creators: Set<string>;
  readonly moves: ReadonlyMap<string, readonly VxlanMove[]>;
  readonly opts: StepOptions;
}

function phaseSteps(phase: Phase, ns: NamespacePlan, ctx: Ctx): Step[] {
  const cmd = (tool: Tool, args: readonly Arg[]): CommandStep => ({
    kind: 'command',
    phase,
    ns: ns.id,
    tool,
    args,
    reaches: reaches(args),
  });
  const ip = (lines: readonly (readonly Arg[])[]) => lines.map((l) => cmd('ip', l));
  const sysctls = (device: boolean): Step[] =>
    ns.sysctls
      .filter((s) => isDeviceSysctl(s.key) === device)
      .map((s) => ({ kind: 'sysctl', phase, ns: ns.id, key: s.key, value: s.value }));
  switch (phase) {
    case 'sysctls':
      return sysctls(false);
    case 'links':
      return ip([
        ...ns.interfaces.flatMap((i) => createLink(ns, i, ctx.creators)),
        ...(ctx.moves.get(ns.id) ?? []).flatMap((v) => vxlanCreateLines(v.ns, v.iface)),
      ]);
    case 'link-config':
      return ip(ns.interfaces.flatMap((i) => [...configureLink(i), ...aliasLine(i.kind, i.name, ctx.opts.alias)]));
    case 'addresses':
      return ip(
        ns.interfaces.flatMap((i) =>
          i.kind === 'loopback' ? [] : i.addresses.map((a) => ['address', 'add', a, 'dev', i.name]),
        ),
      );
    case 'routes':
      return [
        ...ip([...ns.routes.filter((r) => r.proto !== 'kernel').map(routeArgs), ...ns.neighbours.map(neighbourArgs)]),
        ...ns.fdb.map((f) => cmd('bridge', fdbArgs(f))),
      ];
    case 'device-sysctls':
      return sysctls(true);
    case 'netfilter':
      return ns.netfilter === ''
        ? []
        : [{ kind: 'iptables-restore', phase, ns: ns.id, stdin: ns.netfilter, overlaps: true }];
    case 'qdiscs':
      return ns.qdiscs.map((q) => cmd('tc', ['qdisc', 'replace', 'dev', q.dev, 'root', ...qdiscArgs(q)]));
    case 'services':
      return [
        ...ns.services.map((s): Step => ({ kind: 'listen', phase, ns: ns.id, proto: s.proto, port: s.port })),
        ...ns.helpers.map((h): Step => ({ kind: 'helper', phase, ns: ns.id, helper: h })),
      ];
    default:
      return [];
  }
}

/** The run's alias on a device: set after its other settings, as before this list existed. */
function aliasLine(kind: string, name: string, alias: string | undefined): string[][] {
  return alias === undefined || kind === 'loopback' ? [] : [['link', 'set', 'dev', name, 'alias', alias]];
}

/** The namespaces a command's arguments put a device into (`netns NS`). */
function reaches(args: readonly Arg[]): string[] {
  return args.flatMap((a) => (typeof a === 'string' ? [] : [a.ns]));
}

/** Commands of one tool in one namespace, consecutive in the step list: what one process can run. */
export interface StepGroup {
  readonly phase: Phase;
  readonly ns: string;
  readonly steps: readonly Step[];
}

/** Consecutive steps of the same phase, namespace and kind (and tool) as groups, in order. */
export function groupSteps(steps: readonly Step[]): StepGroup[] {
  const out: { phase: Phase; ns: string; steps: Step[] }[] = [];
  for (const s of steps) {
    const last = out[out.length - 1];
    const first = last?.steps[0];
    if (last !== undefined && first !== undefined && last.phase === s.phase && last.ns === s.ns && sameKind(first, s))
      last.steps.push(s);
    else out.push({ phase: s.phase, ns: s.ns, steps: [s] });
  }
  return out;
}

function sameKind(a: Step, b: Step): boolean {
  if (a.kind !== b.kind) return false;
  return a.kind !== 'command' || b.kind !== 'command' || a.tool === b.tool;
}

/** Commands of one tool in one namespace, as one process runs them (the older view of the step list). */
export interface CommandGroup {
  readonly phase: Phase;
  readonly tool: 'netns' | Tool | 'sysctl' | 'iptables-restore';
  /** The plan's namespace id; undefined for `ip netns add`. */
  readonly ns?: string;
  /** Each line is the tool's arguments without the tool and its `-n NS`. */
  readonly lines: readonly (readonly Arg[])[];
  /** iptables-restore reads its ruleset here. */
  readonly stdin?: string;
}

/** The step list's commands grouped per tool and namespace; the agent's steps (listen, helper) are not commands. */
export function planCommands(plan: Plan): CommandGroup[] {
  const steps = planSteps(plan);
  const netns = steps.filter((s) => s.kind === 'netns').map((s) => ['add', { ns: s.ns }]);
  const groups: CommandGroup[] = netns.length === 0 ? [] : [{ phase: 'namespaces', tool: 'netns', lines: netns }];
  for (const g of groupSteps(steps.filter((s) => s.kind !== 'netns'))) {
    const first = g.steps[0] as Step;
    if (first.kind === 'sysctl')
      groups.push({ phase: g.phase, tool: 'sysctl', ns: g.ns, lines: g.steps.map((s) => ['-w', sysctlText(s)]) });
    else if (first.kind === 'command')
      groups.push({
        phase: g.phase,
        tool: first.tool,
        ns: g.ns,
        lines: g.steps.map((s) => (s.kind === 'command' ? s.args : [])),
      });
    else if (first.kind === 'iptables-restore')
      groups.push({ phase: g.phase, tool: 'iptables-restore', ns: g.ns, lines: [], stdin: first.stdin });
  }
  return groups;
}

/** `KEY=VALUE`, as sysctl(8) -w takes it. */
export function sysctlText(s: Step): string {
  return s.kind === 'sysctl' ? `${s.key}=${s.value}` : '';
}
