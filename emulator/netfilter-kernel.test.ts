/**
 * The netfilter model's text against the real kernel: random rules of the model are
 * loaded with iptables-restore into a scratch namespace of this test's own, read back
 * with iptables-save, and must come back exactly as the model renders them. This is
 * what makes the plan's rules the ones `iptables-save` shows after an emulator run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { ruleText } from '../core/netfilter/render.js';
import { forwardRuleArb } from '../test/helpers/netfilter-arbitraries.js';
import { emulatorAvailable, itEmulator } from '../test/helpers/emulator.js';
import { run } from './exec.js';
import { RunResources } from './lifecycle.js';

describe("iptables-save of the model's rules", () => {
  // A marker claimed for this process, so that a `twinnet clean` meanwhile leaves the namespace alone.
  const res = new RunResources();
  let NS = '';
  beforeAll(async () => {
    if (!emulatorAvailable()) return;
    NS = res.claimNames().ns('nfcheck');
    res.namespaces.push(NS);
    await run(['ip', 'netns', 'add', NS]);
  });
  afterAll(async () => {
    await res.teardown();
  });

  itEmulator('a real kernel prints 300 random rules as the model renders them (seed 11)', async () => {
    const rules = fc.sample(forwardRuleArb, { seed: 11, numRuns: 300 });
    const expected = rules.map((r) => `-A FORWARD ${ruleText(r)}`);
    const restore = [
      '*filter',
      ':INPUT ACCEPT [0:0]',
      ':FORWARD ACCEPT [0:0]',
      ':OUTPUT ACCEPT [0:0]',
      ':USERCHAIN - [0:0]',
      ...expected,
      'COMMIT',
      '',
    ].join('\n');
    await run(['ip', 'netns', 'exec', NS, 'iptables-restore'], { stdin: restore });
    const saved = await run(['ip', 'netns', 'exec', NS, 'iptables-save', '-t', 'filter']);
    const got = saved.stdout.split('\n').filter((l) => l.startsWith('-A FORWARD '));
    expect(got).toEqual(expected);
  });
});
