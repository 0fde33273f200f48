import { describe, expect, it } from 'vitest';
import type { Comparison } from '../core/compare/index.js';
import type { ProbeResult } from '../core/observations.js';
import { renderComparison } from './comparison.js';

const r = (outcome: ProbeResult['outcome']): ProbeResult => ({ name: 'racy', kind: 'tcp', atNs: 1e9, ns: 'a', dst: '10.0.0.2', outcome, detail: 'x', sent: 1, received: 0, rttsNs: [] });

describe('the comparison table', () => {
  it('shows a racy probe the engines ended differently as agreeing by the race, and says why', () => {
    const c: Comparison = {
      agree: true,
      probes: [{ name: 'racy', sim: r('refused'), emu: r('timed-out'), agree: true, differences: [], race: { outcomes: ['refused', 'dropped'], differed: true } }],
      devices: [{ ns: 'a', dev: 'eth0', simPackets: 3, emuPackets: 3, agree: true, raceSkipped: 2 }],
    };
    expect(renderComparison(c)).toBe([
      'probe  simulator  emulator',
      'racy   refused    timed-out  agree (race)',
      '',
      'racy: simulator refused, emulator timed-out: both among refused, dropped, which the scenario accepts (a race in the real kernel); what follows from the outcome, and the devices\' traffic at that time, were not compared',
      '',
      'devices compared: 1, with the same traffic: 1 (2 conversations that began during a race left out)',
      '',
    ].join('\n'));
  });
});
