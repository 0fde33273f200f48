/**
 * The comparison as a person reads it: a table of probes with each engine's outcome and
 * whether they agree, then for every disagreement the simulator's decision trace and
 * the differences; then each device whose traffic differs, at the first packet where
 * the two traces part.
 */
import type { Comparison } from '../core/compare/index.js';
import { renderTrace } from './probe-table.js';

export function renderComparison(c: Comparison): string {
  const rows = c.probes.map((p) => [p.name, p.sim?.outcome ?? '-', p.emu?.outcome ?? '-', p.agree ? 'agree' : 'DIFFER']);
  const header = ['probe', 'simulator', 'emulator', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i] as number)).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  for (const p of c.probes.filter((x) => !x.agree)) {
    out.push('', `${p.name}: the engines differ`, ...p.differences.map((d) => `  ${d}`));
    if (p.sim !== undefined) out.push(...renderTrace(p.sim).trimEnd().split('\n').map((l) => `  ${l}`));
  }
  const devs = c.devices.filter((d) => !d.agree);
  out.push('', `devices compared: ${c.devices.length}, with the same traffic: ${c.devices.length - devs.length}`);
  for (const d of devs) {
    const v = d.divergence;
    out.push(`  ${d.ns}:${d.dev} (${d.simPackets} packets in the simulator, ${d.emuPackets} in the emulator) part in ${v?.flow}, packet ${(v?.index ?? 0) + 1}:`, `    simulator: ${v?.sim ?? '(nothing)'}`, `    emulator:  ${v?.emu ?? '(nothing)'}`);
  }
  return `${out.join('\n')}\n`;
}
