/**
 * VXLAN devices in the emulator: which namespace makes each one, so that the build
 * orders namespaces right and a run-time change makes a device where it belongs.
 *
 * The commands are the plan's (core/plan/commands.ts), made the way Docker's overlay
 * driver makes them (docker-semantics.md 6(h); libnetwork drivers/overlay ov_utils.go
 * createVxlan): the device is created, with its MTU, in the namespace that is to hold
 * its UDP socket and route its outer packets (the plan's `underlayNs`, the Docker host's
 * namespace, which the run owns) under a temporary name unique there
 * (`vxlanCreateLines`: two overlays on one host both want `vxlan0`), moved into its own
 * namespace, and renamed there (`createLink`, `vxlanAdoptLines`) before that namespace
 * sets its master and brings it up. It keeps its socket in the namespace it was made in
 * (`ip -d link` shows `link-netnsid`), which is what makes the overlay's outer packets
 * the host's.
 *
 * So a vxlan's creator is its underlay namespace: the namespace that holds the device is
 * configured in a later build wave (build.ts `buildWaves`), and in a state change the
 * underlay namespaces run their lines before any namespace configures its devices.
 */
import { vxlanCreateLines, type Arg, type VxlanMove } from '../core/plan/commands.js';
import type { InterfacePlan } from '../core/plan/types.js';

/** The namespace that makes a device of namespace `ns`, when that is another one (a vxlan's underlay). */
export function vxlanCreator(ns: string, i: InterfacePlan): string | undefined {
  if (i.kind !== 'vxlan') return undefined;
  if (i.vxlan === undefined)
    throw new Error(`internal: the plan's ${ns}:${i.name} is a vxlan device without vxlan parameters`);
  return i.vxlan.underlayNs === ns ? undefined : i.vxlan.underlayNs;
}

/** Devices that other namespaces make, grouped by the namespace that makes them, in the order given. */
export function movesByCreator(items: readonly VxlanMove[]): Map<string, VxlanMove[]> {
  const out = new Map<string, VxlanMove[]>();
  for (const m of items) {
    const creator = vxlanCreator(m.ns, m.iface);
    if (creator !== undefined) out.set(creator, [...(out.get(creator) ?? []), m]);
  }
  return out;
}

/** The lines a namespace runs to make the vxlans it hands to others (`moves`: what it makes). */
export function creatorLines(moves: readonly VxlanMove[] = []): Arg[][] {
  return moves.flatMap((m) => vxlanCreateLines(m.ns, m.iface));
}
