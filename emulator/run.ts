/**
 * Running a plan on real namespaces: build it, start the services and captures, play
 * the timeline at its times (in wall-clock time, from the moment everything is ready;
 * faults, connects and the overlay control plane's program/unprogram go to faults.ts),
 * collect the observations in the simulator's shape, and tear everything down whatever
 * happens. `emulatorBackend` is this engine behind the one Backend interface
 * (core/backend.ts). It sees the plan only, never the scenario it came from.
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Backend, RunOptions, RunResult } from '../core/backend.js';
import type { ProbeResult } from '../core/observations.js';
import { isProbeAction, type Plan, type TimelineEntryPlan } from '../core/plan/types.js';
import type { AgentClient } from './agent-client.js';
import { buildRun } from './build-run.js';
import { EmulatorError } from './errors.js';
import { settleNs } from '../core/run-window.js';
import { readCapture, startCapture, stopCapture, type Capture } from './capture.js';
import { logNotes } from './docker-proxy.js';
import { applyChange, setLinks } from './faults.js';
import type { Impairments } from './impair.js';
import { RunResources } from './lifecycle.js';
import { RUN_DIR_PREFIX, type RunNames } from './names.js';
import { recordFolder } from './owner.js';
import { runPing } from './ping.js';
import { runPmtu } from './pmtu.js';
import { setLongTimeout, sleep, type LongTimer } from './timers.js';

/** The emulator's own options, beyond every engine's (given to emulatorBackend, or to emulate with those). */
export interface EmulatorOwnOptions {
  /** Use netem where the kernel has it (default); false forces the userspace link. */
  readonly netem?: boolean;
  /** Skip reading the state back after the build. */
  readonly skipVerify?: boolean;
  /** Called with each phase, for progress. */
  readonly onPhase?: (what: string) => void;
}

export interface EmulateOptions extends RunOptions, EmulatorOwnOptions {}

/**
 * The emulator as a Backend. It builds the plan as it is, except that on a kernel
 * without netem (or with `netem: false`) impaired cables are relayed in userspace, which
 * the result's testbed says. It has nothing to mirror: a `mirror` testbed is ignored.
 */
export function emulatorBackend(own: EmulatorOwnOptions = {}): Backend {
  return { name: 'emulator', run: (plan, options = {}) => emulate(plan, { ...options, ...own }) };
}

/** Runs a plan on this machine's kernel. Needs root. */
export async function emulate(plan: Plan, opts: EmulateOptions = {}): Promise<RunResult> {
  const res = new RunResources();
  let result: RunResult | undefined;
  let failure: unknown;
  try {
    const names = res.claimNames();
    const captureDir = mkdtempSync(join(tmpdir(), `${RUN_DIR_PREFIX}${names.marker}-`));
    res.folders.push(captureDir);
    recordFolder(names.marker, captureDir);
    result = await emulateIn(plan, names, res, captureDir, opts);
  } catch (e) {
    failure = e;
  }
  try {
    await res.teardown();
  } catch (e) {
    failure = failure === undefined ? e : withTeardownFailure(failure, e);
  }
  if (failure !== undefined) throw failure;
  return result as RunResult;
}

/** The run's own failure comes first; a teardown failure after it is added, not lost. */
function withTeardownFailure(runError: unknown, teardownError: unknown): unknown {
  if (!(runError instanceof Error)) return runError;
  const why = teardownError instanceof EmulatorError ? teardownError.describe() : String(teardownError);
  runError.message += `\n(removing the run's namespaces failed as well: ${why})`;
  return runError;
}

async function emulateIn(
  plan: Plan,
  names: RunNames,
  res: RunResources,
  captureDir: string,
  opts: EmulateOptions,
): Promise<RunResult> {
  const phase = opts.onPhase ?? (() => undefined);
  const { agent, impairments } = await buildRun(plan, names, res, opts);
  phase('captures');
  const captures = await startCaptures(plan, names, captureDir, opts, res);
  phase('timeline');
  // The kernel stamps captures with CLOCK_REALTIME; Date.now() reads the same clock (to
  // the millisecond). performance.timeOrigin can be off from it by a large part of a second.
  const originEpochNs = BigInt(Date.now()) * 1_000_000n;
  const t0 = performance.now();
  const probes = await playTimeline(plan, names, agent, impairments, t0);
  const lastNs = Math.round((performance.now() - t0) * 1e6);
  const endNs = plan.durationNs ?? lastNs + settleNs(plan);
  await sleep(t0 + endNs / 1e6 - performance.now());
  await Promise.all(captures.map(stopCapture));
  const packets = captures.map((c) => ({ ns: c.ns, dev: c.dev, packets: readCapture(c.file, originEpochNs) }));
  return {
    observations: {
      engine: 'emulator',
      scenario: plan.scenario.name,
      seed: plan.scenario.seed,
      endNs,
      probes,
      drops: [],
      captures: packets.map((c) => ({ ns: c.ns, dev: c.dev, packets: c.packets.length })),
      notes: [...plan.notes, ...impairments.notes(), ...logNotes(agent.log, names)],
    },
    captures: packets,
    testbed: impairments.testbed(),
  };
}

async function startCaptures(
  plan: Plan,
  names: RunNames,
  dir: string,
  opts: EmulateOptions,
  res: RunResources,
): Promise<Capture[]> {
  const refs =
    opts.captureAll === true
      ? plan.namespaces.flatMap((n) =>
          n.interfaces.filter((i) => i.kind !== 'loopback').map((i) => ({ ns: n.id, dev: i.name })),
        )
      : plan.capture;
  const started = await Promise.all(refs.map((r) => startCapture(dir, r.ns, names.ns(r.ns), r.dev)));
  for (const c of started) res.track(c.child);
  return started;
}

/** Plays every entry at its time; resolves with the probes' results in timeline order. */
/**
 * Fires every entry at its time. Probes run side by side; faults change the network one
 * after another in timeline order, each once the one before is done, as the simulator
 * applies them: two faults at one instant (withdraw a stale entry, then program the new
 * one for the same MAC) must not race.
 */
async function playTimeline(
  plan: Plan,
  names: RunNames,
  agent: AgentClient,
  impairments: Impairments,
  t0: number,
): Promise<ProbeResult[]> {
  const results: (ProbeResult | undefined)[] = [];
  // Entries not yet due are called off when one fails: the run ends at once, and a
  // timer for an entry minutes away must not keep the process alive after it.
  const timers: LongTimer[] = [];
  const at = (atNs: number) =>
    new Promise<void>((r) => timers.push(setLongTimeout(r, t0 + atNs / 1e6 - performance.now())));
  let faultsDone: Promise<unknown> = Promise.resolve();
  const jobs = plan.timeline.map((entry, i) => {
    const due = at(entry.atNs);
    if (isProbeAction(entry.action)) {
      return due.then(async () => {
        results[i] = await fire(entry, names, agent, impairments);
      });
    }
    const done = Promise.all([due, faultsDone]).then(() => fire(entry, names, agent, impairments));
    faultsDone = done.catch(() => undefined);
    return done;
  });
  try {
    await Promise.all(jobs);
  } finally {
    for (const t of timers) t.cancel();
  }
  return results.filter((r): r is ProbeResult => r !== undefined);
}

async function fire(
  entry: TimelineEntryPlan,
  names: RunNames,
  agent: AgentClient,
  impairments: Impairments,
): Promise<ProbeResult | undefined> {
  const a = entry.action;
  const base = { name: entry.name, atNs: entry.atNs };
  switch (a.kind) {
    case 'ping':
      return { ...base, kind: 'ping', ns: a.ns, dst: a.dst, ...(await runPing(names.ns(a.ns), a)) };
    case 'pmtu':
      return { ...base, kind: 'pmtu', ns: a.ns, dst: a.dst, ...(await runPmtu(names.ns(a.ns), a.dst)) };
    case 'tcp':
    case 'udp': {
      const r = await agent.probe(entry.name, {
        ns: names.ns(a.ns),
        kind: a.kind,
        dst: a.dst,
        port: a.port,
        request: a.request,
        timeoutNs: a.timeoutNs,
      });
      return {
        ...base,
        kind: a.kind,
        ns: a.ns,
        dst: a.dst,
        port: a.port,
        outcome: r.outcome,
        detail: r.detail,
        sent: r.sent,
        received: r.received,
        rttsNs: r.rttsNs,
        ...(r.seen !== undefined && { seen: r.seen }),
        ...(r.errorFrom !== undefined && { errorFrom: r.errorFrom }),
      };
    }
    case 'link-down':
    case 'link-up':
      await setLinks(names, { ...a, ends: a.ends.flatMap((e) => impairments.carrierDevices(e)) });
      return undefined;
    case 'impair':
      await impairments.change(a.qdiscs);
      return undefined;
    case 'connect':
    case 'disconnect':
    case 'program':
    case 'unprogram':
      await applyChange(names, a.change);
      return undefined;
  }
}
