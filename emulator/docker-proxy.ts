/**
 * Docker's userland proxy in an emulator run: every `docker-proxy` helper of the plan
 * (one per published port on a Docker host with the userland proxy on) becomes a relay in
 * the namespace agent, started in its namespace once the services listen. The relay is
 * twinnet's own (agent/twinnet_agent/proxy.py, which says what of docker-proxy it reproduces and what
 * not, with its sources, and how its UDP relay differs between the engine versions the
 * helper names); it stops when the agent quits. What a docker-proxy would log (a
 * container port that refused the proxy's connection, for one) comes back from the agent
 * and goes into the run's notes.
 */
import { planSteps, type Step } from '../core/plan/steps.js';
import type { HelperPlan, Plan } from '../core/plan/types.js';
import type { AgentClient, AgentLog } from './agent-client.js';
import type { AgentCommand } from './agent-protocol.js';
import type { RunNames } from './names.js';

/** The agent's `proxy` command for one helper in a namespace (its real name). */
export function proxyCommand(ns: string, h: HelperPlan): Extract<AgentCommand, { op: 'proxy' }> {
  return {
    op: 'proxy',
    ns,
    proto: h.proto,
    hostIp: h.hostIp,
    hostPort: h.hostPort,
    containerIp: h.containerIp,
    containerPort: h.containerPort,
    version: h.version,
  };
}

/** Starts every helper of the plan; rejects with the agent's reason (a port already taken, for one). */
export async function startHelpers(plan: Plan, names: RunNames, agent: AgentClient): Promise<void> {
  await startHelperSteps(planSteps(plan), names, agent);
}

/** Starts every helper step (core/plan/steps.ts), as startHelpers. */
export async function startHelperSteps(steps: readonly Step[], names: RunNames, agent: AgentClient): Promise<void> {
  const cmds = steps.flatMap((s) => (s.kind === 'helper' ? [proxyCommand(names.ns(s.ns), s.helper)] : []));
  await Promise.all(cmds.map((c) => agent.request(c)));
}

/** The agent's log as notes: `namespace ID: WHO: MESSAGE`, ID being the plan's. */
export function logNotes(log: readonly AgentLog[], names: RunNames): string[] {
  return log.map((l) => `namespace ${names.owns(l.ns) ? names.id(l.ns) : l.ns}: ${l.what}: ${l.message}`);
}
