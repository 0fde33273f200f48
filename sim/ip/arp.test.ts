/**
 * ARP end to end (arp.ts with neighbour.ts): small scenarios simulated with every device
 * captured; the captures are decoded and read as a person reads tcpdump.
 */
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../core/addr.js';
import { packetsOn, probeNamed, routedLab, runScenario, s, type SeenPacket } from '../test-helpers.js';
import { wheelDelay } from '../engine/timer-wheel.js';
import { NEIGH_RETRANS_NS } from './neighbour.js';

const kindOf = (p: SeenPacket) =>
  p.d.arp !== undefined
    ? `arp ${p.d.arp.op === 1 ? 'request' : 'reply'} ${formatIpv4(p.d.arp.targetIp)}`
    : (p.d.icmp?.kind ?? 'other');

describe('ARP resolution', () => {
  it('asks for the next hop before the first packet: who-has, is-at, then the echo request', () => {
    const r = runScenario(routedLab({ timeline: '  - { at: 1s, name: p, ping: { from: client, to: 198.51.100.1 } }' }));
    expect(probeNamed(r, 'p').outcome).toBe('delivered');
    // Within the probe's second: later the router re-checks the client (NUD probe, 5 s on).
    const seen = packetsOn(r, 'client', 'eth0')
      .filter((p) => p.timeNs < s(2))
      .map(kindOf);
    expect(seen).toEqual(['arp request 198.51.100.1', 'arp reply 198.51.100.10', 'echo-request', 'echo-reply']);
    const first = packetsOn(r, 'client', 'eth0')[0] as SeenPacket;
    expect(first.d.eth?.dst).toBe('ff:ff:ff:ff:ff:ff');
    expect(formatIpv4(first.d.arp?.senderIp ?? 0)).toBe('198.51.100.10');
  });

  it('asks once: the second packet to the same next hop goes straight out', () => {
    const r = runScenario(
      routedLab({
        timeline: '  - { at: 1s, name: p, ping: { from: client, to: 198.51.100.1, count: 3, interval: 100ms } }',
      }),
    );
    expect(probeNamed(r, 'p').received).toBe(3);
    expect(packetsOn(r, 'client', 'eth0').filter((p) => p.d.arp !== undefined && p.timeNs < s(2))).toHaveLength(2);
  });

  it('answers a request for any of its addresses on any interface (weak host model, arp_ignore=0)', () => {
    const yaml = `
version: 1
hosts:
  a:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.2/24 }
    routes:
      - { to: 10.0.1.0/24, dev: eth0 }
  b:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.1/24 }
      eth1: { segment: other, address: 10.0.1.1/24 }
segments:
  lan: { subnet: 10.0.0.0/24 }
  other: { subnet: 10.0.1.0/24 }
timeline:
  - { at: 1s, name: p, ping: { from: a, to: 10.0.1.1 } }
`;
    const r = runScenario(yaml);
    expect(probeNamed(r, 'p').outcome).toBe('delivered');
    const reply = packetsOn(r, 'b', 'eth0').find((p) => p.d.arp?.op === 2);
    expect(formatIpv4(reply?.d.arp?.senderIp ?? 0)).toBe('10.0.1.1');
    expect(reply?.d.arp?.senderMac).toBe(
      packetsOn(r, 'b', 'eth0').find((p) => p.d.icmp?.kind === 'echo-reply')?.d.eth?.src,
    );
  });
});

/** ARP retries: every retrans_time (1 s), each late as the kernel's timer wheel rounds it. */
function retries(from: number, n: number): number[] {
  const out = [from];
  for (let i = 1; i < n; i++) out.push((out[i - 1] as number) + wheelDelay(out[i - 1] as number, NEIGH_RETRANS_NS));
  return out;
}

describe('ARP failure', () => {
  const r = runScenario(
    routedLab({
      timeline: `
  - { at: 1s, name: via-router, ping: { from: client, to: 192.0.2.99, timeout: 5s } }
  - { at: 1s, name: on-link, ping: { from: client, to: 198.51.100.99, timeout: 5s } }`,
    }),
  );

  it('a router asks 3 times, about 1 s apart (timer wheel), then tells the sender the host is unreachable', () => {
    const asks = packetsOn(r, 'r1', 'eth1').filter(
      (p) => p.d.arp?.op === 1 && formatIpv4(p.d.arp.targetIp) === '192.0.2.99',
    );
    const [a1, a2, a3, fail] = retries(s(1), 4) as [number, number, number, number];
    expect(asks.map((p) => p.timeNs)).toEqual([a1, a2, a3]);
    const err = packetsOn(r, 'client', 'eth0').filter((p) => p.d.icmp?.kind === 'dest-unreachable');
    expect(
      err.map((p) => [
        p.timeNs,
        p.d.icmp?.kind === 'dest-unreachable' && p.d.icmp.code,
        formatIpv4(p.d.ipv4?.src ?? 0),
      ]),
    ).toEqual([[fail, 1, '198.51.100.1']]);
    const p = probeNamed(r, 'via-router');
    expect(p.outcome).toBe('unreachable');
    expect(p.detail).toContain('Destination Host Unreachable');
    expect(p.errorFrom).toBe('198.51.100.1');
  });

  it('on its own link, the sender reports it to itself after about 3 s, from its own address', () => {
    const p = probeNamed(r, 'on-link');
    expect(p.outcome).toBe('unreachable');
    expect(p.detail).toBe('From 198.51.100.10: Destination Host Unreachable');
    const drop = r.observations.drops.find((d) => d.probe === 'on-link');
    const times = retries(s(1), 4);
    expect([drop?.reason, drop?.ns, drop?.timeNs]).toEqual(['arp-failed', 'client', times[3]]);
    const asks = packetsOn(r, 'client', 'eth0').filter(
      (x) => x.d.arp?.op === 1 && formatIpv4(x.d.arp.targetIp) === '198.51.100.99',
    );
    expect(asks.map((x) => x.timeNs)).toEqual(times.slice(0, 3));
  });
});
