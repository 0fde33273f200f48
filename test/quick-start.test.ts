/**
 * The README's quick start keeps its promise: `twinnet sim scenarios/01-default-bridge.yaml`
 * writes observations.json and one pcap per captured interface, and every bundled
 * scenario captures the devices that show what it is about (without a `capture:` list,
 * `twinnet sim` writes no pcap at all).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../core/plan/compile/index.js';
import { loadPlanFile } from '../cli/scenario-input.js';
import { writeRunOutput } from '../reports/run-output.js';
import { simulate } from '../sim/run.js';
import { tempDirs } from './helpers/tmp.js';

const tmp = tempDirs();
const dir = join(import.meta.dirname, '../scenarios');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .sort();

describe('the quick start', () => {
  it('simulating scenario 01 writes a pcap of docker0 and of the uplink, each with packets', () => {
    const model = loadPlanFile(join(dir, '01-default-bridge.yaml')).model;
    expect(model).toBeDefined();
    const out = tmp('twinnet-quick-start-');
    const obs = writeRunOutput(out, simulate(compilePlan(model!)));
    expect(existsSync(join(out, 'observations.json'))).toBe(true);
    expect(
      obs.captures.map((c) => [
        `${c.ns}:${c.dev}`,
        c.packets > 0,
        c.file !== undefined && existsSync(join(out, c.file)),
      ]),
    ).toEqual([
      ['dockerhost:docker0', true, true],
      ['dockerhost:eth0', true, true],
    ]);
  });

  it.each(scenarios)('%s captures at least one device, and every one it names sees packets', (file) => {
    const model = loadPlanFile(join(dir, file)).model;
    expect(model).toBeDefined();
    const plan = compilePlan(model!);
    expect(plan.capture.length).toBeGreaterThan(0);
    const { observations } = simulate(plan);
    expect(observations.captures.filter((c) => c.packets === 0).map((c) => `${c.ns}:${c.dev}`)).toEqual([]);
  });
});
