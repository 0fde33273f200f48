/**
 * Everything a run builds before its timeline plays, in one function shared by
 * `twinnet emulate` (run.ts) and the emulator benchmark (bench/emu-build.ts), so the
 * benchmark measures what a user's run builds and can never drift from it: the
 * namespace agent, the namespaces, their sysctls, devices, addresses, routes,
 * neighbours and FDB entries, the netfilter rulesets (the Docker firewall), the
 * impairments, the read-back against the plan, the services' listeners and the
 * userland proxy helpers. It leaves out captures and the timeline (run.ts). Whatever it
 * makes is recorded in `res`, so the caller's teardown gives it all back even when a
 * step fails half way.
 */
import { planSteps, type Phase, type Step } from '../core/plan/steps.js';
import type { Plan } from '../core/plan/types.js';
import { AgentClient } from './agent-client.js';
import {
  addNamespacesAndSysctls,
  SYSCTL_EXEC_LIMIT,
  runDeviceSteps,
  runQdiscSteps,
  writeSysctlSteps,
} from './build.js';
import { startHelperSteps } from './docker-proxy.js';
import { EmulatorError } from './errors.js';
import { Impairments } from './impair.js';
import { bridgeNetfilterProblem } from './kernel-netfilter.js';
import type { RunResources } from './lifecycle.js';
import type { RunNames } from './names.js';
import { verifyPlan } from './verify.js';

/**
 * The steps of a build, in order (the benchmark times each): `namespaces` starts the
 * agent (and, for a plan with impairments, adds the namespaces); `devices` runs the step
 * list's namespaces, sysctls, devices, addresses, routes, entries and, alongside them,
 * the rulesets (loaded from the moment the namespaces exist); `agent` waits for the
 * agent and writes the per-device sysctls. `sysctls` and `firewall` are no longer steps
 * of their own (both are inside `devices`); the names stay for the benchmark's fields.
 */
export type BuildStep =
  'namespaces' | 'sysctls' | 'devices' | 'firewall' | 'agent' | 'impairments' | 'verify' | 'services';

export interface BuildRunOptions {
  /** Use netem where the kernel has it (default); false forces the userspace link. */
  readonly netem?: boolean;
  /** Skip reading the state back after the build. */
  readonly skipVerify?: boolean;
  /** Called with each user-facing phase, for progress ('namespaces', 'devices', 'verify'). */
  readonly onPhase?: (what: string) => void;
  /** Called with the fraction of namespaces configured. */
  readonly onProgress?: (fraction: number, what: string) => void;
  /** Called as each step begins, and with 'done' at the end. */
  readonly onStep?: (step: BuildStep | 'done') => void;
}

/** What a built run holds for its timeline. */
export interface BuiltRun {
  readonly agent: AgentClient;
  readonly impairments: Impairments;
  /** The plan as built: the plan with the userspace links' relay namespaces and devices, if any. */
  readonly built: Plan;
}

/**
 * Builds `plan` under `names`, recording everything made in `res`. Needs root.
 *
 * The program is the plan's step list (core/plan/steps.ts), run by build.ts with few
 * processes; what overlaps: the namespace agent starts while the namespaces, their
 * sysctls and devices are made (nothing before the per-device sysctls needs it), and the
 * rulesets load alongside the devices (steps that may overlap). A plan with impairments
 * adds its namespaces first, since the mechanism (netem or the userspace link, which
 * changes the plan to build) is tried in one of them. Every command started is waited
 * for before a failure is thrown, so that nothing is made after the teardown that follows.
 */
export async function buildRun(
  plan: Plan,
  names: RunNames,
  res: RunResources,
  opts: BuildRunOptions = {},
): Promise<BuiltRun> {
  const phase = opts.onPhase ?? (() => undefined);
  const step = opts.onStep ?? (() => undefined);
  step('namespaces');
  const kernelProblem = bridgeNetfilterProblem(plan);
  if (kernelProblem !== undefined) throw new EmulatorError('precondition', kernelProblem);
  const agent = new AgentClient();
  res.agent = agent;
  if (agent.pid !== undefined) res.pids.add(agent.pid);
  // Observed from now on: an agent that fails to start is reported where it is needed, not as an unhandled rejection.
  const agentUp = agent.ready.then(
    () => undefined,
    (e: unknown) => e,
  );
  phase('namespaces');
  res.namespaces.push(...plan.namespaces.map((n) => names.ns(n.id)));
  const impairments = new Impairments(plan, names, agent, opts.netem ?? true, plan.scenario.seed);
  const madeEarly = new Set<string>();
  if (impairments.needsKernel()) {
    await afterAgentOnFailure(addNamespacesAndSysctls(early(planSteps(plan)), names), agentUp);
    for (const n of plan.namespaces) madeEarly.add(n.id);
  }
  const built = await afterAgentOnFailure(impairments.prepare(), agentUp);
  res.namespaces.push(
    ...built.namespaces.filter((n) => !plan.namespaces.some((p) => p.id === n.id)).map((n) => names.ns(n.id)),
  );
  const steps = planSteps(built, { alias: names.alias }).filter(
    (s) => !(madeEarly.has(s.ns) && (s.phase === 'namespaces' || s.phase === 'sysctls')),
  );
  // Many namespaces: the agent writes their sysctls (build.ts SYSCTL_EXEC_LIMIT says why).
  const many = new Set(steps.filter((s) => s.kind === 'sysctl').map((s) => s.ns)).size > SYSCTL_EXEC_LIMIT;
  const writeSysctls = async (set: readonly Step[]) => {
    await failIfDown(agentUp);
    await writeSysctlSteps(set, names, agent);
  };
  step('devices');
  phase('devices');
  const progress = (d: number, t: number) => opts.onProgress?.(d / t, 'building');
  await afterAgentOnFailure(runDeviceSteps(steps, names, progress, many ? writeSysctls : undefined), agentUp);
  step('agent');
  await failIfDown(agentUp);
  await writeSysctlSteps(
    steps.filter((s) => s.phase === 'device-sysctls'),
    names,
    agent,
  );
  step('impairments');
  await runQdiscSteps(steps, names);
  await impairments.install();
  if (opts.skipVerify !== true) {
    step('verify');
    phase('verify');
    await verifyPlan(built, names, agent);
  }
  step('services');
  for (const s of steps)
    if (s.kind === 'listen') await agent.request({ op: 'listen', ns: names.ns(s.ns), proto: s.proto, port: s.port });
  await startHelperSteps(steps, names, agent);
  step('done');
  return { agent, impairments, built };
}

/** The steps before any device: the namespaces and their namespace-wide sysctls. */
function early(steps: readonly Step[]): Step[] {
  const phases: ReadonlySet<Phase> = new Set(['namespaces', 'sysctls']);
  return steps.filter((s) => phases.has(s.phase));
}

/** Throws the agent's start failure, if it failed. */
async function failIfDown(agentUp: Promise<unknown>): Promise<void> {
  const failure = await agentUp;
  if (failure !== undefined) throw failure;
}

/** `work`'s value; on its failure, waits for the agent's start to end first. */
async function afterAgentOnFailure<T>(work: Promise<T>, agentUp: Promise<unknown>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    await agentUp;
    throw e;
  }
}
