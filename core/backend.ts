/**
 * The one interface every engine implements (architecture, firm decision 4): run a plan
 * and its timeline, return Observations. Tests that check behaviour are written once
 * and run over every backend.
 */
import type { Observations } from './observations.js';
import type { Plan } from './plan/types.js';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Capture every device, not only those the scenario names. */
  readonly captureAll?: boolean;
  /** Progress, for long runs: a fraction from 0 to 1 and what is happening. */
  readonly onProgress?: (fraction: number, what: string) => void;
  /**
   * Simulator only: veth ends whose cable another run realised with a userspace link
   * (the emulator's relay on a kernel without netem). A packet crossing one arrives as
   * its bytes alone, as a packet socket re-sends it: what the kernel keeps on a packet
   * beyond them (sim/ip/skb-meta.ts) is lost. `twinnet compare` passes the emulator's,
   * so that both engines run the same testbed.
   */
  readonly userspaceCables?: readonly { readonly ns: string; readonly dev: string }[];
}

/** A packet seen on a device, for captures and comparisons. */
export interface CapturedPacket {
  readonly timeNs: number;
  readonly data: Uint8Array;
}

/** What a run produced besides the observations: the captured packets per device. */
export interface RunResult {
  readonly observations: Observations;
  readonly captures: readonly { readonly ns: string; readonly dev: string; readonly packets: readonly CapturedPacket[] }[];
  /**
   * Devices whose captures do not order the two directions as the wire would (the
   * emulator's userspace link stamps a packet before its delay): compared direction by
   * direction.
   */
  readonly perDirection?: readonly { readonly ns: string; readonly dev: string }[];
  /** The emulator's: veth ends of cables its userspace link carried (RunOptions.userspaceCables). */
  readonly userspaceCables?: readonly { readonly ns: string; readonly dev: string }[];
}

export interface Backend {
  readonly name: 'sim' | 'emulator';
  run(plan: Plan, options?: RunOptions): Promise<RunResult>;
}
