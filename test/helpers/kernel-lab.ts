/**
 * A plan built on this kernel for an emulator test, as `emulate` begins a run: a fresh
 * run marker claimed for this process (so that `twinnet clean` leaves a live test
 * alone), the namespace agent, the namespaces, their sysctls and their devices, all
 * owned by `res` so that `res.teardown()` gives them back. What a test needs beyond that
 * (rulesets, services, helpers, verification) it does itself.
 */
import type { Plan } from '../../core/plan/types.js';
import { AgentClient } from '../../emulator/agent-client.js';
import { addNamespaces, buildLinks, writeSysctls } from '../../emulator/build.js';
import type { RunResources } from '../../emulator/lifecycle.js';
import type { RunNames } from '../../emulator/names.js';

export async function buildOnKernel(p: Plan, res: RunResources): Promise<{ names: RunNames; agent: AgentClient }> {
  const names = res.claimNames();
  const agent = new AgentClient();
  res.agent = agent;
  res.namespaces.push(...p.namespaces.map((n) => names.ns(n.id)));
  await Promise.all([agent.ready, addNamespaces(p, names)]);
  await writeSysctls(p, names, agent);
  await buildLinks(p, names);
  return { names, agent };
}
