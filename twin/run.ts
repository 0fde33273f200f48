/**
 * The twin run: one plan on two engines, the second mirroring the testbed the first
 * built, then the comparison (core/compare). This module sits above the engines and is
 * the one place that knows both: it decides what the mirroring engine must copy (the
 * first engine's testbed, core/testbed.ts, passed as the engine-neutral `mirror` option),
 * so that neither engine encodes the other. A difference between the two runs is then a
 * difference between the engines' models of Linux, not between two testbeds.
 *
 * The real system runs first (its testbed is only known once built: whether the kernel
 * had netem), the model second. Leaves out reporting (reports/, cli/compare.ts).
 */
import type { Backend, RunResult } from '../core/backend.js';
import { compareRuns, type Comparison } from '../core/compare/index.js';
import type { Plan } from '../core/plan/types.js';
import { emulatorBackend } from '../emulator/run.js';
import { simBackend } from '../sim/run.js';

/** The two engines of a twin run. */
export interface TwinEngines {
  /** Runs first and builds the testbed (the emulator; later, a real Docker engine). */
  readonly real: Backend;
  /** Runs second, mirroring the real engine's testbed (the simulator). */
  readonly model: Backend;
}

export interface TwinResult {
  readonly real: RunResult;
  /** The model's run, on the real engine's testbed. */
  readonly model: RunResult;
  readonly comparison: Comparison;
}

/** The usual pair: the emulator (netem where the kernel has it, unless `netem` is false) and the simulator. */
export function emulatorAndSim(opts: { readonly netem?: boolean } = {}): TwinEngines {
  return { real: emulatorBackend({ netem: opts.netem !== false }), model: simBackend() };
}

/**
 * Runs `plan` on the real engine, then on the model mirroring the real engine's testbed,
 * every device captured in both, and compares them. An engine's failure is thrown as it
 * is (the model does not run when the real engine failed).
 */
export async function runTwin(plan: Plan, engines: TwinEngines = emulatorAndSim()): Promise<TwinResult> {
  const real = await engines.real.run(plan, { captureAll: true });
  const model = await engines.model.run(plan, { captureAll: true, mirror: real.testbed });
  return { real, model, comparison: compareRuns(plan, model, real) };
}
