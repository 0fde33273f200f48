/**
 * Neighbour confirmation carried by TCP segments across a router, as measured with
 * `ip -s neigh` on Linux 6.18: the server's segments carry the confirmation its ACKs
 * earned, and the router, forwarding them, confirms its own entry for the client. A
 * confirmation that comes well after the entry's DELAY began keeps it from being probed;
 * one within the timer wheel's lateness of it does not (the probe still goes out).
 */
import { describe, expect, it } from 'vitest';
import { packetsOn, routedLab, runScenario } from '../test-helpers.js';

function unicastProbesForClient(timeline: string) {
  const r = runScenario(routedLab({ timeline }));
  return packetsOn(r, 'r1', 'eth0').filter((p) => p.d.arp?.op === 1 && p.d.eth?.dst !== 'ff:ff:ff:ff:ff:ff');
}

describe('neighbour confirmation carried by forwarded TCP segments', () => {
  it('one exchange: the router still probes the client about 5 s after first using its entry', () => {
    const probes = unicastProbesForClient(`
  - { at: 1s, name: t1, tcp: { from: client, to: server, port: 443 } }`);
    expect(probes).toHaveLength(1);
    expect(probes[0]?.timeNs).toBeGreaterThan(6e9);
  });

  it('a second exchange a second later confirms the entry through the router: no probe', () => {
    const probes = unicastProbesForClient(`
  - { at: 1s, name: t1, tcp: { from: client, to: server, port: 443 } }
  - { at: 2s, name: t2, tcp: { from: client, to: server, port: 443 } }`);
    expect(probes).toEqual([]);
  });
});
