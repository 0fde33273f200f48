/**
 * The packet object (skb.ts): what a copy keeps, what a tunnel and a namespace crossing
 * drop; and, end to end, the neighbour confirmation carried by TCP segments across a router, as measured with
 * `ip -s neigh` on Linux 6.18: the server's segments carry the confirmation its ACKs
 * earned, and the router, forwarding them, confirms its own entry for the client. A
 * confirmation that comes well after the entry's DELAY began keeps it from being probed;
 * one within the timer wheel's lateness of it does not (the probe still goes out).
 */
import { describe, expect, it } from 'vitest';
import { SkBuff } from './skb.js';
import { simulate } from './run.js';
import { packetsOn, planOf, routedLab, runScenario } from './test-helpers.js';

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

describe('SkBuff', () => {
  const loaded = () => {
    const skb = new SkBuff(new Uint8Array([1, 2, 3]), 4);
    skb.pendingConfirm = true;
    skb.setHash(0xabc);
    skb.ct = { conn: {} as never, dir: 0, info: 'new' };
    skb.fragMax = 1400;
    skb.bridgeFragMax = 1300;
    return skb;
  };

  it('a copy has bytes of its own and every piece of metadata (skb_copy, ip_copy_metadata)', () => {
    const a = loaded();
    const b = a.copy();
    expect(b.data).toEqual(a.data);
    expect(b.data).not.toBe(a.data);
    expect([b.flow, b.pendingConfirm, b.l4Hash, b.hash, b.ct, b.fragMax, b.bridgeFragMax]).toEqual([
      4,
      true,
      true,
      0xabc,
      a.ct,
      1400,
      1300,
    ]);
  });

  it('a tunnel keeps the hash and the confirmation, not the conntrack entry or the control block (iptunnel_xmit)', () => {
    const outer = loaded().encapsulated(new Uint8Array(9));
    expect([outer.flow, outer.pendingConfirm, outer.hash, outer.ct, outer.fragMax, outer.bridgeFragMax]).toEqual([
      4,
      true,
      0xabc,
      undefined,
      0,
      0,
    ]);
  });

  it('a namespace crossing clears conntrack and bridge state, and keeps the hash and the confirmation (skb_scrub_packet)', () => {
    const a = loaded();
    a.scrub();
    expect([a.flow, a.pendingConfirm, a.hash, a.ct, a.fragMax, a.bridgeFragMax]).toEqual([
      4,
      true,
      0xabc,
      undefined,
      0,
      0,
    ]);
  });
});

describe('a packet nobody shares is rewritten in place (skb_cow)', () => {
  it('a run sees the same probes, drops and traces with every device captured (bytes shared) as without', () => {
    const plan = planOf(
      routedLab({
        timeline: `
  - { at: 1s, name: p1, ping: { from: client, to: server, count: 3 } }
  - { at: 1s, name: t1, tcp: { from: client, to: server, port: 443 } }
  - { at: 2s, name: u1, udp: { from: client2, to: server, port: 53 } }`,
      }),
    );
    const plain = simulate(plan, { traceProbes: ['p1', 't1', 'u1'] });
    const captured = simulate(plan, { captureAll: true, traceProbes: ['p1', 't1', 'u1'] });
    expect(captured.captures.some((c) => c.packets.length > 0)).toBe(true);
    const seen = (r: typeof plain) => JSON.stringify({ ...r.observations, captures: [] });
    expect(seen(plain)).toBe(seen(captured));
  });

  it('a captured packet is copied before a router rewrites it: each capture keeps the bytes as they crossed', () => {
    const r = runScenario(
      routedLab({
        timeline: `
  - { at: 1s, name: p1, ping: { from: client, to: server, count: 1 } }`,
      }),
    );
    const ttls = (ns: string, dev: string) =>
      packetsOn(r, ns, dev)
        .filter((p) => p.d.icmp?.kind === 'echo-request')
        .map((p) => p.d.ipv4?.ttl);
    expect([ttls('client', 'eth0'), ttls('r1', 'eth0'), ttls('r1', 'eth1'), ttls('server', 'eth0')]).toEqual([
      [64],
      [64],
      [63],
      [63],
    ]);
  });
});
