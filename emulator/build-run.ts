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
import type { Plan } from '../core/plan/types.js';
import { AgentClient } from './agent-client.js';
import { addNamespaces, buildLinks, loadRulesets, writeSysctls } from './build.js';
import { startHelpers } from './docker-proxy.js';
import { EmulatorError } from './errors.js';
import { Impairments } from './impair.js';
import { bridgeNetfilterProblem } from './kernel-netfilter.js';
import type { RunResources } from './lifecycle.js';
import type { RunNames } from './names.js';
import { verifyPlan } from './verify.js';

/** The steps of a build, in order (the benchmark times each). */
export type BuildStep = 'namespaces' | 'sysctls' | 'devices' | 'firewall' | 'impairments' | 'verify' | 'services';

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

/** Builds `plan` under `names`, recording everything made in `res`. Needs root. */
export async function buildRun(plan: Plan, names: RunNames, res: RunResources, opts: BuildRunOptions = {}): Promise<BuiltRun> {
  const phase = opts.onPhase ?? (() => undefined);
  const step = opts.onStep ?? (() => undefined);
  step('namespaces');
  const kernelProblem = bridgeNetfilterProblem(plan);
  if (kernelProblem !== undefined) throw new EmulatorError('precondition', kernelProblem);
  const agent = new AgentClient();
  res.agent = agent;
  if (agent.pid !== undefined) res.pids.add(agent.pid);
  phase('namespaces');
  res.namespaces.push(...plan.namespaces.map((n) => names.ns(n.id)));
  // The agent starts while the namespaces are being added; both are waited for even when
  // one fails, so that no namespace is added after the teardown that follows.
  const started = await Promise.allSettled([agent.ready, addNamespaces(plan, names)]);
  for (const r of started) if (r.status === 'rejected') throw r.reason;
  step('sysctls');
  await writeSysctls(plan, names, agent);
  step('devices');
  phase('devices');
  const impairments = new Impairments(plan, names, agent, opts.netem ?? true, plan.scenario.seed);
  const built = await impairments.prepare();
  const extra = built.namespaces.filter((n) => !plan.namespaces.some((p) => p.id === n.id));
  if (extra.length > 0) {
    res.namespaces.push(...extra.map((n) => names.ns(n.id)));
    await addNamespaces({ ...built, namespaces: extra }, names);
    await writeSysctls({ ...built, namespaces: extra }, names, agent);
  }
  await buildLinks(built, names, (d, t) => opts.onProgress?.(d / t, 'building'));
  await writeSysctls(built, names, agent, true);
  step('firewall');
  await loadRulesets(plan, names);
  step('impairments');
  await impairments.install();
  if (opts.skipVerify !== true) {
    step('verify');
    phase('verify');
    await verifyPlan(built, names, agent);
  }
  step('services');
  for (const ns of plan.namespaces) for (const s of ns.services) await agent.request({ op: 'listen', ns: names.ns(ns.id), proto: s.proto, port: s.port });
  await startHelpers(plan, names, agent);
  step('done');
  return { agent, impairments, built };
}
