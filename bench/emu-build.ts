/**
 * One emulator build and teardown, printed as one JSON line: N containers on one Docker
 * host's default bridge ("bridge"), or split over two Docker hosts on one segment
 * ("twohosts"), built exactly as `twinnet emulate` builds them (namespace agent,
 * namespaces, sysctls, devices, addresses, routes; one `ip -n NS -batch` per namespace,
 * several at a time), read back and checked against the plan (timed apart), and torn
 * down as the emulator does (agent stopped, one `ip -batch` deleting every namespace).
 * Needs root.
 *
 * Usage: node dist/bench/emu-build.js bridge|twohosts N
 */
import { compilePlan } from '../core/plan/compile/index.js';
import { loadScenarioText } from '../core/scenario/load.js';
import { AgentClient } from '../emulator/agent-client.js';
import { addNamespaces, buildLinks, writeSysctls } from '../emulator/build.js';
import { RunResources } from '../emulator/lifecycle.js';
import { verifyPlan } from '../emulator/verify.js';
import { dockerScenario, twoHostScenario } from './topologies.js';

const [topo = 'bridge', nText = '100'] = process.argv.slice(2);
const n = Number(nText);
const loaded = loadScenarioText(topo === 'twohosts' ? twoHostScenario(n) : dockerScenario(n), `${topo}.yaml`);
if (loaded.model === undefined) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
const plan = compilePlan(loaded.model);
const res = new RunResources();
const names = res.claimNames();

const t0 = performance.now();
const agent = new AgentClient();
res.agent = agent;
res.namespaces.push(...plan.namespaces.map((ns) => names.ns(ns.id)));
await Promise.all([agent.ready, addNamespaces(plan, names)]);
const ta = performance.now();
await writeSysctls(plan, names, agent);
const tb = performance.now();
await buildLinks(plan, names);
const t1 = performance.now();
await verifyPlan(plan, names, agent);
const t2 = performance.now();
await res.teardown();
const t3 = performance.now();

const s = (ms: number) => Math.round(ms) / 1000;
process.stdout.write(`${JSON.stringify({ engine: 'twinnet-emulator', topo, containers: n, namespaces: plan.namespaces.length, build: s(t1 - t0), phases: { namespacesAndAgent: s(ta - t0), sysctls: s(tb - ta), devices: s(t1 - tb) }, verify: s(t2 - t1), teardown: s(t3 - t2), buildPlusTeardown: s(t1 - t0 + t3 - t2) })}\n`);
