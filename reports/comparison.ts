/**
 * The comparison as a person reads it: a table of probes with each engine's outcome and
 * whether they agree, then for every disagreement the simulator's decision trace and
 * the differences; then each device whose traffic differs, at the first packet where
 * the two traces part. A racy probe the engines ended differently within the outcomes
 * its expectation accepts shows `agree (race)`, and a line below says which and why.
 */
import type { Comparison } from '../core/compare/index.js';
import { renderTrace } from './probe-table.js';

export function renderComparison(c: Comparison): string {
  const rows = c.probes.map((p) => [p.name, p.sim?.outcome ?? '-', p.emu?.outcome ?? '-', p.agree ? (p.race?.differed === true ? 'agree (race)' : 'agree') : 'DIFFER']);
  const header = ['probe', 'simulator', 'emulator', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
  const line = (cells: string[]) => cells.map((x, i) => x.padEnd(widths[i] as number)).join('  ').trimEnd();
  const out = [line(header), ...rows.map(line)];
  const races = c.probes.filter((p) => p.race?.differed === true);
  if (races.length > 0) out.push('');
  for (const p of races) {
    out.push(`${p.name}: simulator ${p.sim?.outcome}, emulator ${p.emu?.outcome}: both among ${p.race?.outcomes.join(', ')}, which the scenario accepts (a race in the real kernel); what follows from the outcome, and the devices' traffic at that time, were not compared`);
  }
  for (const p of c.probes.filter((x) => !x.agree)) {
    out.push('', `${p.name}: the engines differ`, ...p.differences.map((d) => `  ${d}`));
    if (p.sim !== undefined) out.push(...renderTrace(p.sim).trimEnd().split('\n').map((l) => `  ${l}`));
  }
  const devs = c.devices.filter((d) => !d.agree);
  const skipped = c.devices.reduce((n, d) => n + (d.raceSkipped ?? 0), 0);
  out.push('', `devices compared: ${c.devices.length}, with the same traffic: ${c.devices.length - devs.length}${skipped > 0 ? ` (${skipped} conversations that began during a race left out)` : ''}`);
  for (const d of devs) {
    const v = d.divergence;
    out.push(`  ${d.ns}:${d.dev} (${d.simPackets} packets in the simulator, ${d.emuPackets} in the emulator) part in ${v?.flow}, packet ${(v?.index ?? 0) + 1}:`, `    simulator: ${v?.sim ?? '(nothing)'}`, `    emulator:  ${v?.emu ?? '(nothing)'}`);
  }
  return `${out.join('\n')}\n`;
}
