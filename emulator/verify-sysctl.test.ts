/**
 * Verify reads sysctls back as the kernel keeps them: a plan that turns forwarding off
 * by `net.ipv4.ip_forward` and on by `net.ipv4.conf.all.forwarding` (the scenario's own
 * sysctl after twinnet's) reads 1 under both names and under `default`, because they are
 * one value (devinet.c, devinet_sysctl_forward). Verify used to call that a mismatch.
 */
import { afterAll, describe, expect } from 'vitest';
import { derivedMac } from '../core/hash.js';
import { itEmulator } from '../test/helpers/emulator.js';
import { buildOnKernel } from '../test/helpers/kernel-lab.js';
import { namespace, plan, veth } from '../test/helpers/plans.js';
import { RunResources } from './lifecycle.js';
import { verifyPlan } from './verify.js';

const FORWARDING = [
  { key: 'net.ipv4.ip_forward', value: '0', why: 'twinnet: a linux host does not forward' },
  { key: 'net.ipv4.conf.all.forwarding', value: '1', why: 'set in the scenario' },
];

describe('verify and the forwarding alias', () => {
  const res = new RunResources();
  afterAll(() => res.teardown(), 60_000);

  itEmulator('accepts ip_forward=0 then conf.all.forwarding=1, and still finds a real difference', async () => {
    const base = plan('fwd-alias', [
      namespace('r', 'host', [veth('eth0', derivedMac('r/eth0'), ['192.0.2.1/24'], { ns: 'x', name: 'eth0' })]),
      namespace('x', 'host', [veth('eth0', derivedMac('x/eth0'), ['192.0.2.2/24'], { ns: 'r', name: 'eth0' })]),
    ]);
    const p = {
      ...base,
      namespaces: base.namespaces.map((n) => (n.id === 'r' ? { ...n, sysctls: [...n.sysctls, ...FORWARDING] } : n)),
    };
    const { names, agent } = await buildOnKernel(p, res);
    await verifyPlan(p, names, agent);
    // The namespace forwards: a plan that says ip_forward 0 alone is now wrong.
    const wrong = {
      ...p,
      namespaces: p.namespaces.map((n) =>
        n.id === 'r'
          ? {
              ...n,
              sysctls: [
                ...n.sysctls.filter((s) => !s.key.includes('forward')),
                FORWARDING[0] as (typeof FORWARDING)[number],
              ],
            }
          : n,
      ),
    };
    await expect(verifyPlan(wrong, names, agent)).rejects.toThrow(/sysctl net.ipv4.ip_forward is 1, the plan says 0/);
  });
});
