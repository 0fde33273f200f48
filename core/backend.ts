/**
 * The one interface every engine implements (architecture, firm decision 4): run a plan
 * and its timeline, return Observations, the captures, and the testbed the engine built
 * (core/testbed.ts). The simulator (sim/run.ts simBackend) and the emulator
 * (emulator/run.ts emulatorBackend) implement it, and so will an engine that drives a
 * real Docker engine. Tests that check behaviour are written once and run over every
 * backend; the twin run (twin/run.ts) runs two of them on one plan and compares.
 *
 * Options that only one engine understands (the simulator's trace budget, the emulator's
 * choice of netem) are given to that engine's factory, not to `run`.
 */
import type { Observations } from './observations.js';
import type { Plan } from './plan/types.js';
import type { Testbed } from './testbed.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Capture every device, not only those the scenario names. */
  readonly captureAll?: boolean;
  /** Progress, for long runs: a fraction from 0 to 1 and what is happening. */
  readonly onProgress?: (fraction: number, what: string) => void;
  /**
   * A testbed another engine built for this plan, to be realised the same way, so that
   * both engines run one testbed (the twin run passes the first engine's to the second).
   * An engine mirrors what it can model (the simulator: cables relayed in userspace) and
   * says in its own result's testbed what it mirrored.
   */
  readonly mirror?: Testbed;
}

/** A packet seen on a device, for captures and comparisons. */
export interface CapturedPacket {
  readonly timeNs: number;
  readonly data: Uint8Array;
}

/** What a run produced: the observations, the captured packets per device, and the testbed it ran on. */
export interface RunResult {
  readonly observations: Observations;
  readonly captures: readonly {
    readonly ns: string;
    readonly dev: string;
    readonly packets: readonly CapturedPacket[];
  }[];
  /** How the engine realised the plan, where a reader of the results must know. */
  readonly testbed: Testbed;
}

export interface Backend {
  readonly name: 'sim' | 'emulator';
  run(plan: Plan, options?: RunOptions): Promise<RunResult>;
}
