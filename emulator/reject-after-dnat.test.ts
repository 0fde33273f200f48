/**
 * The kernel's REJECT after a DNAT, which the simulator's model follows
 * (sim/ip/netfilter-host.test.ts runs the same labs): a reset or an ICMP error built
 * from the translated packet is attached to its connection and leaves translated back,
 * so the client hears it from the address it wrote to and is refused.
 */
import { describe, expect } from 'vitest';
import { itEmulator } from '../test/helpers/emulator.js';
import { REJECT_CASES, rejectLab } from '../test/helpers/reject-lab.js';
import { plan } from '../test/helpers/scenario.js';
import { emulate } from './run.js';

describe('REJECT after DNAT on a real kernel (seed 1)', () => {
  itEmulator('a tcp-reset in DOCKER-USER refuses the client', async () => {
    const { observations: o } = await emulate(plan(rejectLab(REJECT_CASES.reset.rules, REJECT_CASES.reset.timeline)));
    expect(o.probes.find((p) => p.name === 't')).toMatchObject({ outcome: 'refused' });
  });

  itEmulator('an ICMP port unreachable in DOCKER-USER refuses a UDP client, from the host address', async () => {
    const { observations: o } = await emulate(plan(rejectLab(REJECT_CASES.icmp.rules, REJECT_CASES.icmp.timeline)));
    expect(o.probes.find((p) => p.name === 'u')).toMatchObject({ outcome: 'refused', errorFrom: '203.0.113.2' });
  });

  itEmulator('a reset for a later packet of an accepted connection refuses it too', async () => {
    const { observations: o } = await emulate(
      plan(rejectLab(REJECT_CASES.established.rules, REJECT_CASES.established.timeline)),
    );
    expect(o.probes.find((p) => p.name === 't')?.outcome).toBe('refused');
  });
});
