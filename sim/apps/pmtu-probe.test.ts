/**
 * The path MTU probe (pmtu-probe.ts) over small scenarios: a clean path, a smaller hop
 * that answers with fragmentation-needed, and a black hole that answers nothing.
 */
import { describe, expect, it } from 'vitest';
import { packetsOn, probeNamed, routedLab, runScenario } from '../test-helpers.js';

describe('Path MTU probe', () => {
  it('finds 1500 on a clean path', () => {
    const r = runScenario(routedLab({ timeline: '  - { at: 1s, name: p, pmtu: { from: client, to: server } }' }));
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'delivered', pathMtu: 1500, sent: 1 });
  });

  it('finds 1400 across a 1400-MTU link by following fragmentation-needed', () => {
    const r = runScenario(routedLab({ dcMtu: 1400, timeline: '  - { at: 1s, name: p, pmtu: { from: client, to: server } }' }));
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'delivered', pathMtu: 1400, detail: 'path MTU 1400' });
    const tries = packetsOn(r, 'client', 'eth0').filter((x) => x.d.icmp?.kind === 'echo-request');
    expect(tries.map((x) => [x.data.length - 14, x.d.ipv4?.df])).toEqual([
      [1500, true],
      [1400, true],
    ]);
  });

  it('finds the MTU of a black hole (a segment that silently drops larger frames) by halving', () => {
    const yaml = `
version: 1
hosts:
  a:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.1/24, mtu: 1500 }
  b:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.2/24, mtu: 1500 }
segments:
  lan: { subnet: 10.0.0.0/24, mtu: 1280 }
timeline:
  - { at: 1s, name: p, pmtu: { from: a, to: b } }
`;
    const r = runScenario(yaml);
    const p = probeNamed(r, 'p');
    // A veth takes frames up to MTU + 4 (a VLAN tag's room, is_skb_forwardable), so 1284 passes.
    expect(p).toMatchObject({ outcome: 'delivered', pathMtu: 1284 });
    expect(p.drop).toMatchObject({ ns: 'seg-lan', reason: 'mtu' });
  });

  it('reports "Network is unreachable" without a route', () => {
    const r = runScenario(routedLab({ timeline: '  - { at: 1s, name: p, pmtu: { from: client2, to: server } }' }));
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'unreachable', detail: 'connect: Network is unreachable' });
  });
});
