/**
 * The build program's order: what each step needs is made by an earlier step. Pure: no
 * namespace is made (test/steps-script.test.ts runs the program on a kernel).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlanSh } from './render-sh.js';
import { isDeviceSysctl, planSteps, type Step } from './steps.js';
import type { Plan } from './types.js';

/** A bundled scenario's plan as test/golden pins it (the golden test checks that the scenario compiles to it). */
const scenario = (file: string): Plan =>
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '../../test/golden/__golden__', file.replace(/\.yaml$/, '.plan.json')),
      'utf8',
    ),
  ) as Plan;

const madeAt = (steps: readonly Step[], ns: string, dev: string) =>
  steps.findIndex((s) => s.kind === 'command' && s.args[1] === 'add' && s.args[2] === dev && s.ns === ns);

describe('the step list', () => {
  // Regression: the printed script wrote net.ipv4.conf.docker0.route_localnet with the
  // namespace-wide sysctls, before docker0 existed, so `sysctl -w` failed ("cannot stat")
  // and `set -e` stopped the script at its first device sysctl.
  it('writes a per-device sysctl only after its device is made (scenario 11)', () => {
    const steps = planSteps(scenario('11-no-proxy-icc-off.yaml'));
    const device = steps.filter((s) => s.kind === 'sysctl' && isDeviceSysctl(s.key));
    expect(device.length).toBeGreaterThan(0);
    for (const s of device) {
      if (s.kind !== 'sysctl') continue;
      const dev = s.key.split('.')[3] as string;
      expect(steps.indexOf(s)).toBeGreaterThan(madeAt(steps, s.ns, dev));
      expect(madeAt(steps, s.ns, dev)).toBeGreaterThanOrEqual(0);
    }
    expect(renderPlanSh(scenario('11-no-proxy-icc-off.yaml'))).toMatch(/# device-sysctls\n.*route_localnet=1/);
  });

  it('puts every namespace-wide sysctl before the first device, and every device into a namespace made before', () => {
    for (const file of ['08-publish-userland-proxy.yaml', '13-overlay-two-hosts.yaml']) {
      const steps = planSteps(scenario(file));
      const firstDevice = steps.findIndex((s) => s.phase === 'links');
      const nsAt = new Map(steps.flatMap((s, i) => (s.kind === 'netns' ? [[s.ns, i] as const] : [])));
      steps.forEach((s, i) => {
        if (s.kind === 'sysctl' && !isDeviceSysctl(s.key)) expect(i).toBeLessThan(firstDevice);
        if (s.kind === 'command') for (const r of s.reaches) expect(nsAt.get(r) ?? Infinity).toBeLessThan(i);
      });
    }
  });

  it('marks the rulesets as steps that may overlap the device steps, and adds the alias only when asked', () => {
    const plan = scenario('08-publish-userland-proxy.yaml');
    expect(
      planSteps(plan)
        .filter((s) => s.kind === 'iptables-restore')
        .every((s) => s.kind === 'iptables-restore' && s.overlaps),
    ).toBe(true);
    const alias = (steps: Step[]) => steps.filter((s) => s.kind === 'command' && s.args.includes('alias'));
    expect(alias(planSteps(plan))).toEqual([]);
    expect(alias(planSteps(plan, { alias: 'twinnet run ab12' })).length).toBeGreaterThan(0);
    expect(planSteps(plan).some((s) => s.kind === 'helper')).toBe(true);
  });
});
