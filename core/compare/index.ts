/**
 * The twin comparison: probe by probe and device by device, whether the simulator's run
 * of a plan agrees with the emulator's. Compared as values, never log text (Batfish's
 * lesson in anchors-style.md).
 */
import type { RunResult } from '../backend.js';
import type { Plan } from '../plan/types.js';
import { compareDevice, type DeviceComparison } from './packets.js';
import { allowancesOf, compareProbe, type ProbeComparison } from './probes.js';

export interface Comparison {
  readonly probes: readonly ProbeComparison[];
  readonly devices: readonly DeviceComparison[];
  readonly agree: boolean;
}

export function compareRuns(plan: Plan, sim: RunResult, emu: RunResult): Comparison {
  const allow = { ...allowancesOf(plan), relayed: (emu.userspaceCables ?? []).length > 0 };
  const names = [...new Set([...sim.observations.probes, ...emu.observations.probes].map((p) => p.name))];
  const probes = names.map((n) => compareProbe(n, sim.observations.probes.find((p) => p.name === n), emu.observations.probes.find((p) => p.name === n), allow));
  const devices = sim.captures.flatMap((c) => {
    const other = emu.captures.find((e) => e.ns === c.ns && e.dev === c.dev);
    const loose = [...(sim.perDirection ?? []), ...(emu.perDirection ?? [])].some((d) => d.ns === c.ns && d.dev === c.dev);
    return other === undefined ? [] : [compareDevice(c.ns, c.dev, c.packets, other.packets, loose)];
  });
  // Random loss picks different packets in each engine, so their captures legitimately part.
  const devicesCount = !allow.randomLoss;
  return { probes, devices, agree: probes.every((p) => p.agree) && (!devicesCount || devices.every((d) => d.agree)) };
}

export type { DeviceComparison, ProbeComparison };
