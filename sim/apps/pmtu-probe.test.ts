/**
 * The path MTU probe (pmtu-probe.ts) over small scenarios: a clean path, a smaller hop
 * that answers with fragmentation-needed, a black hole that answers nothing, and a path
 * that goes away (for good, or for a while) during the search.
 */
import { describe, expect, it } from 'vitest';
import { packetsOn, probeNamed, routedLab, runScenario } from '../test-helpers.js';

/**
 * a and b on a segment whose switch silently drops frames over 1280 bytes; a probe from a at 1 s,
 * then `more` timeline entries.
 */
function blackHoleLab(more = '', bExtra = ''): string {
  return `
version: 1
hosts:
  a:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.1/24, mtu: 1500 }
  b:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.2/24, mtu: 1500 }${bExtra}
segments:
  lan: { subnet: 10.0.0.0/24, mtu: 1280 }
timeline:
  - { at: 1s, name: p, pmtu: { from: a, to: b } }
${more}
`;
}

describe('Path MTU probe', () => {
  it('finds 1500 on a clean path', () => {
    const r = runScenario(routedLab({ timeline: '  - { at: 1s, name: p, pmtu: { from: client, to: server } }' }));
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'delivered', pathMtu: 1500, sent: 1 });
  });

  it('finds 1400 across a 1400-MTU link by following fragmentation-needed', () => {
    const r = runScenario(
      routedLab({ dcMtu: 1400, timeline: '  - { at: 1s, name: p, pmtu: { from: client, to: server } }' }),
    );
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'delivered', pathMtu: 1400, detail: 'path MTU 1400' });
    const tries = packetsOn(r, 'client', 'eth0').filter((x) => x.d.icmp?.kind === 'echo-request');
    expect(tries.map((x) => [x.data.length - 14, x.d.ipv4?.df])).toEqual([
      [1500, true],
      [1400, true],
    ]);
  });

  it('finds the MTU of a black hole (a segment that silently drops larger frames) by halving', () => {
    const r = runScenario(blackHoleLab());
    const p = probeNamed(r, 'p');
    // A veth takes frames up to MTU + 4 (a VLAN tag's room, is_skb_forwardable), so 1284 passes.
    expect(p).toMatchObject({ outcome: 'delivered', pathMtu: 1284 });
    expect(p.drop).toMatchObject({ ns: 'seg-lan', reason: 'mtu' });
  });

  it('reports that nothing gets through when the path is cut during the search, not an MTU (was "path MTU 1265")', () => {
    const r = runScenario(blackHoleLab('  - { at: 3100ms, link-down: b:eth0 }'));
    const p = probeNamed(r, 'p');
    expect(p).toMatchObject({ outcome: 'dropped' });
    expect(p.pathMtu).toBeUndefined();
    expect(p.detail).toMatch(
      /^no answer at any size, 3 times in a row, though \d+ bytes had passed before; dropped in seg-lan at b-eth0: link-down$/,
    );
  });

  it('asks a vanished size again when a smaller control vanished with it, so a cut that heals still finds 1284', () => {
    const r = runScenario(blackHoleLab('  - { at: 3100ms, link-down: b:eth0 }\n  - { at: 5s, link-up: b:eth0 }'));
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'delivered', pathMtu: 1284 });
  });

  it('reports a destination that never answers as silent after the bounded retries (3 rounds of a size and a control)', () => {
    const r = runScenario(blackHoleLab('', '\n    iptables: ["-A INPUT -p icmp -j DROP"]'));
    const p = probeNamed(r, 'p');
    expect(p).toMatchObject({ outcome: 'dropped', sent: 6, received: 0 });
    expect(p.detail).toMatch(/^no answer at any size, 3 times in a row; dropped in b at eth0: filtered/);
  });

  it('reports "Network is unreachable" without a route', () => {
    const r = runScenario(routedLab({ timeline: '  - { at: 1s, name: p, pmtu: { from: client2, to: server } }' }));
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'unreachable', detail: 'connect: Network is unreachable' });
  });
});
