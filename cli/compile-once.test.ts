/**
 * Every command compiles its scenario exactly once (architecture: intent is compiled
 * once, in one place): loading goes through core/plan/load-plan.ts, which validates,
 * compiles, and lints the compiled plan, and the command goes on with that plan. Counted
 * by wrapping compilePlan and the Docker firewall's builder (the largest part of a
 * compile on a Docker host, once built by validation and the compile step each) over the
 * CLI's own code paths: validate, plan, sim, emulate's and compare's planning (the
 * emulator is replaced by one that stops the run), and an explore what-if.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDirs } from '../test/helpers/tmp.js';
import { registerCompare } from './compare.js';
import { registerEmulate } from './emulate.js';
import { runWhatIfs } from './explore/what-if.js';
import { registerPlan } from './plan.js';
import { registerSim } from './sim.js';
import { registerValidate } from './validate.js';

const counts = vi.hoisted(() => ({ compile: 0, dockerFirewall: 0 }));
/** What the replaced emulator throws: the command has planned and would now build. */
const STOP = 'emulator replaced by compile-once.test.ts';

vi.mock('../core/plan/compile/index.js', async (original) => {
  const m = await original<typeof import('../core/plan/compile/index.js')>();
  return { ...m, compilePlan: (...a: Parameters<typeof m.compilePlan>) => (counts.compile++, m.compilePlan(...a)) };
});
vi.mock('../core/plan/compile/docker-firewall/index.js', async (original) => {
  const m = await original<typeof import('../core/plan/compile/docker-firewall/index.js')>();
  return {
    ...m,
    compileDockerFirewall: (...a: Parameters<typeof m.compileDockerFirewall>) => (
      counts.dockerFirewall++,
      m.compileDockerFirewall(...a)
    ),
  };
});
vi.mock('../emulator/run.js', async (original) => {
  const m = await original<Record<string, unknown>>();
  const stop = () => Promise.reject(new Error(STOP));
  return { ...m, emulate: stop, emulatorBackend: () => ({ run: stop }) };
});

const root = join(import.meta.dirname, '..');
/** Two Docker hosts with an overlay: the case that compiled its firewalls three times per `twinnet sim`. */
const FILE = join(root, 'scenarios/13-overlay-two-hosts.yaml');
const DOCKER_HOSTS = 2;
const tmp = tempDirs();

/** Runs a command line as cli/main.ts wires it; what it threw, if anything. */
async function twinnet(...args: string[]): Promise<unknown> {
  const program = new Command('twinnet').exitOverride();
  for (const register of [registerValidate, registerPlan, registerSim, registerEmulate, registerCompare])
    register(program);
  try {
    await program.parseAsync(args, { from: 'user' });
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('one compile per command', () => {
  beforeEach(() => {
    counts.compile = 0;
    counts.dockerFirewall = 0;
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const once = () => {
    expect(counts.compile).toBe(1);
    expect(counts.dockerFirewall).toBe(DOCKER_HOSTS);
  };

  it('validate', async () => {
    expect(await twinnet('validate', FILE)).toBeUndefined();
    once();
  });
  it('plan, in each format', async () => {
    for (const f of ['text', 'sh', 'json']) {
      counts.compile = 0;
      counts.dockerFirewall = 0;
      expect(await twinnet('plan', '-f', f, FILE)).toBeUndefined();
      once();
    }
  });
  it('sim', async () => {
    expect(await twinnet('sim', '-o', join(tmp('twinnet-once-'), 'out'), FILE)).toBeUndefined();
    once();
  });
  it("emulate's planning, up to the build", async () => {
    expect(await twinnet('emulate', '-o', join(tmp('twinnet-once-'), 'out'), FILE)).toEqual(new Error(STOP));
    once();
  });
  it("compare's planning, up to the build", async () => {
    expect(await twinnet('compare', '-o', join(tmp('twinnet-once-'), 'out'), FILE)).toEqual(new Error(STOP));
    once();
  });
  it('an explore what-if', () => {
    const r = runWhatIfs(readFileSync(FILE, 'utf8'), FILE, [
      { label: 'a probe', entry: { at: '9s', name: 'extra', ping: { from: 'host1', to: 'host2' } } },
    ]);
    expect(r.ok).toBe(true);
    once();
  });
});
