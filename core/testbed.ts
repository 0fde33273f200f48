/**
 * The testbed an engine actually built for a plan, as data: where it realised the plan
 * in a way that a reader of its results (the twin comparison, another engine asked to
 * mirror it) must know about. The plan says what a machine holds; the testbed says how
 * this run realised it, where that differs from the plain kernel objects: a cable relayed
 * by a program in userspace instead of a veth pair, a capture whose two directions are
 * not in wire order. An engine that built exactly the plan returns EXACT_TESTBED.
 *
 * Leaves out everything that is the plan's own (addresses, routes, rules, qdiscs) and
 * how an engine names its objects (the emulator's run marker).
 */
import type { DeviceRef } from './plan/types.js';

/**
 * A cable of the plan (a veth pair) that a program relays between two devices of its
 * own, with packet sockets, instead of the kernel moving frames from one end to the
 * other (the emulator's userspace link, on a kernel without netem: emulator/impair.ts).
 */
export interface RelayedCable {
  /** The cable's two ends, as the plan names them. */
  readonly ends: readonly [DeviceRef, DeviceRef];
  /**
   * What crosses: 'bytes' is the frame's bytes alone, as a packet socket re-sends them.
   * What the kernel keeps on a packet beyond its bytes (mark, conntrack entry, checksum
   * state) does not cross, and a capture on the sending end sees each frame when it is
   * sent, before the relay delays or loses it.
   */
  readonly carries: 'bytes';
  /**
   * The most the relay adds, on a loaded machine, to a round trip through the cable
   * beyond the plan's shaping (ns): how far RTTs may part from an engine's that does
   * not relay. The relaying engine measures and documents it.
   */
  readonly addedLatencyBoundNs: number;
}

/** How an engine realised a plan, where a reader of its results must know. */
export interface Testbed {
  /** Cables relayed in userspace rather than carried by the kernel. */
  readonly relayedCables: readonly RelayedCable[];
  /**
   * Devices whose captures do not order the two directions as the wire would (a capture
   * that stamps a relayed frame before its delay): their traffic is compared direction
   * by direction.
   */
  readonly perDirectionCaptures: readonly DeviceRef[];
}

/** The testbed of an engine that built the plan as it is, with nothing relayed. */
export const EXACT_TESTBED: Testbed = { relayedCables: [], perDirectionCaptures: [] };

/** Whether `ref` is one of `refs` (same namespace and device). */
export function refIn(refs: readonly DeviceRef[], ref: DeviceRef): boolean {
  return refs.some((r) => r.ns === ref.ns && r.dev === ref.dev);
}

/**
 * The most any relayed cable of these testbeds adds to a round trip (0 when none relays):
 * the slack the comparison allows RTTs.
 */
export function relayLatencyBoundNs(...testbeds: readonly Testbed[]): number {
  return Math.max(0, ...testbeds.flatMap((t) => t.relayedCables.map((c) => c.addedLatencyBoundNs)));
}
