/**
 * One emulator build and teardown, printed as one JSON line: N containers on one Docker
 * host's default bridge ("bridge"), or split over two Docker hosts on one segment
 * ("twohosts"), built by the very function `twinnet emulate` builds with
 * (emulator/build-run.ts: namespace agent, namespaces, sysctls, devices, addresses,
 * routes, the Docker firewall's iptables rulesets, impairments, listeners and proxy
 * helpers), read back and checked against the plan (timed apart, as `verify`), and
 * torn down as a run is (agent stopped, one `ip -batch` deleting every namespace), in a
 * finally: a failed build leaves nothing behind. The run claims its marker as runs do
 * (emulator/owner.ts), so `twinnet clean` leaves it alone while it lives.
 * Fields: marker (the run's, gone when it ends), build (everything but verify), teardown,
 * verify, buildPlusTeardown, and phases (seconds per step of build-run.ts:
 * `namespacesAndAgent` starts the agent, `devices` runs the step list's namespaces,
 * sysctls, devices and, alongside them, the Docker firewall's rulesets, `agent` waits for
 * the agent and writes the per-device sysctls; `sysctls` is non-zero only past 32
 * namespaces, when the agent writes them, and `firewall` is 0 since the rulesets overlap
 * the devices, so buildWithoutFirewall equals build).
 * Needs root.
 *
 * Usage: node dist/bench/emu-build.js bridge|twohosts N
 */
import { performance } from 'node:perf_hooks';
import { loadPlan } from '../core/plan/load-plan.js';
import { buildRun, type BuildStep } from '../emulator/build-run.js';
import { RunResources } from '../emulator/lifecycle.js';
import { dockerScenario, twoHostScenario } from './topologies.js';

const [topo = 'bridge', nText = '100'] = process.argv.slice(2);
const n = Number(nText);
if (!['bridge', 'twohosts'].includes(topo) || !Number.isInteger(n) || n < 1) {
  process.stderr.write('usage: emu-build.js bridge|twohosts N (N >= 1)\n');
  process.exit(2);
}
const loaded = loadPlan(topo === 'twohosts' ? twoHostScenario(n) : dockerScenario(n), `${topo}.yaml`);
if (loaded.plan === undefined) throw new Error(loaded.diagnostics.map((d) => d.message).join('\n'));
const plan = loaded.plan;

const ms = new Map<BuildStep, number>();
let current: { step: BuildStep; at: number } | undefined;
const onStep = (step: BuildStep | 'done') => {
  const now = performance.now();
  if (current !== undefined) ms.set(current.step, (ms.get(current.step) ?? 0) + now - current.at);
  current = step === 'done' ? undefined : { step, at: now };
};

const res = new RunResources();
const names = res.claimNames();
let teardownMs = 0;
try {
  await buildRun(plan, names, res, { onStep });
} finally {
  const t = performance.now();
  await res.teardown();
  teardownMs = performance.now() - t;
}

const s = (x: number) => Math.round(x) / 1000;
const step = (k: BuildStep) => s(ms.get(k) ?? 0);
const verifyMs = ms.get('verify') ?? 0;
const buildMs = [...ms.values()].reduce((a, b) => a + b, 0) - verifyMs;
const phases = {
  namespacesAndAgent: step('namespaces'),
  sysctls: step('sysctls'),
  devices: step('devices'),
  firewall: step('firewall'),
  agent: step('agent'),
  impairments: step('impairments'),
  services: step('services'),
};
process.stdout.write(
  `${JSON.stringify({
    engine: 'twinnet-emulator',
    topo,
    containers: n,
    marker: names.marker,
    namespaces: plan.namespaces.length,
    build: s(buildMs),
    phases,
    verify: s(verifyMs),
    teardown: s(teardownMs),
    buildPlusTeardown: s(buildMs + teardownMs),
    buildWithoutFirewall: s(buildMs - (ms.get('firewall') ?? 0)),
  })}\n`,
);
