/**
 * TCP (tcp.ts) end to end through the tcp probe and the scenario services: refusal,
 * SYN retransmission timing, recovery from loss, and what the server sees. Captures are
 * decoded and read segment by segment.
 */
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../core/addr.js';
import { TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from '../../core/wire/tcp.js';
import { packetsOn, probeNamed, routedLab, runScenario, s, type SeenPacket } from '../test-helpers.js';

const from = (addr: string) => (p: SeenPacket) => p.d.tcp !== undefined && formatIpv4(p.d.ipv4?.src ?? 0) === addr;
const isSyn = (p: SeenPacket) => p.d.tcp !== undefined && (p.d.tcp.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN;

describe('TCP refusal', () => {
  const r = runScenario(
    routedLab({ timeline: '  - { at: 1s, name: closed, tcp: { from: client, to: server, port: 444 } }' }),
  );

  it('a SYN to a closed port is answered with RST+ACK acknowledging it: "Connection refused"', () => {
    expect(probeNamed(r, 'closed')).toMatchObject({ outcome: 'refused', detail: 'Connection refused' });
    const seen = packetsOn(r, 'client', 'eth0').filter((p) => p.d.tcp !== undefined);
    expect(seen.map((p) => p.d.tcp!.flags)).toEqual([TCP_SYN, TCP_RST | TCP_ACK]);
    const [syn, rst] = seen as [SeenPacket, SeenPacket];
    expect(rst.d.tcp!.ack).toBe((syn.d.tcp!.seq + 1) >>> 0);
    expect(rst.d.tcp!.seq).toBe(0);
    expect(r.observations.drops.find((d) => d.probe === 'closed')).toMatchObject({
      ns: 'server',
      reason: 'no-listener',
    });
  });
});

describe('TCP SYN retransmission', () => {
  it('retransmits an unanswered SYN at t0 + 1, 2 and 3 s within the default timeout (100% loss; linear timeouts)', () => {
    const r = runScenario(
      routedLab({
        timeline: `
  - { at: 0.5s, name: warm, ping: { from: client, to: server } }
  - { at: 0.9s, impair: { target: uplink, loss: 100% } }
  - { at: 1s, name: hole, tcp: { from: client, to: server, port: 443 } }`,
      }),
    );
    const syns = packetsOn(r, 'client', 'eth0').filter(isSyn);
    expect(syns.map((p) => p.timeNs)).toEqual([s(1), s(2), s(3), s(4)]);
    expect(new Set(syns.map((p) => p.d.tcp!.seq)).size).toBe(1);
    expect(probeNamed(r, 'hole')).toMatchObject({ outcome: 'dropped', drop: { reason: 'loss' } });
  });

  it('keeps 1 s for 4 retransmissions (tcp_syn_linear_timeouts), then doubles, and gives up after 6 (tcp_syn_retries)', () => {
    const r = runScenario(
      routedLab({
        timeline: `
  - { at: 0.5s, name: warm, ping: { from: client, to: server } }
  - { at: 0.9s, impair: { target: uplink, loss: 100% } }
  - { at: 1s, name: hole, tcp: { from: client, to: server, port: 443, timeout: 300s } }`,
      }),
    );
    const syns = packetsOn(r, 'client', 'eth0').filter(isSyn);
    expect(syns.map((p) => (p.timeNs - s(1)) / 1e9)).toEqual([0, 1, 2, 3, 4, 5, 7]);
    expect(probeNamed(r, 'hole').outcome).toBe('dropped');
  });

  it('doubles from the start with tcp_syn_linear_timeouts = 0, as kernels before 6.5 do', () => {
    const yaml = routedLab({
      timeline: `
  - { at: 0.5s, name: warm, ping: { from: client, to: server } }
  - { at: 0.9s, impair: { target: uplink, loss: 100% } }
  - { at: 1s, name: hole, tcp: { from: client, to: server, port: 443, timeout: 300s } }`,
    }).replace(
      '      - { to: default, via: 198.51.100.1 }\n  client2:',
      '      - { to: default, via: 198.51.100.1 }\n    sysctls: { net.ipv4.tcp_syn_linear_timeouts: 0 }\n  client2:',
    );
    const syns = packetsOn(runScenario(yaml), 'client', 'eth0').filter(isSyn);
    expect(syns.map((p) => (p.timeNs - s(1)) / 1e9)).toEqual([0, 1, 3, 7, 15, 31, 63]);
  });

  it('with the cable pulled (link-down), the neighbour is forgotten, the SYNs wait for an ARP answer that cannot come, and connect times out', () => {
    const r = runScenario(
      routedLab({
        timeline: `
  - { at: 0.5s, name: warm, ping: { from: client, to: server } }
  - { at: 0.9s, link-down: uplink }
  - { at: 1s, name: cut, tcp: { from: client, to: server, port: 443 } }`,
      }),
    );
    // Measured on Linux 6.18 (veth peer down, then connect): INCOMPLETE, and a timeout.
    expect(packetsOn(r, 'client', 'eth0').filter((p) => p.timeNs > s(0.9))).toEqual([]);
    const dead = r.observations.drops.filter((d) => d.probe === 'cut');
    const arps = dead.filter((d) => d.reason === 'no-carrier');
    const syns = dead.filter((d) => d.reason === 'arp-failed');
    expect([arps.length > 0, arps.every((d) => d.summary.includes('ARP'))]).toEqual([true, true]);
    expect([syns.length > 0, syns.every((d) => d.summary.includes('Flags [S]'))]).toEqual([true, true]);
    expect(probeNamed(r, 'cut').outcome).toBe('dropped');
  });

  it('gives up at once with "No route to host" when an ICMP host unreachable answers the SYN', () => {
    const r = runScenario(
      routedLab({ timeline: '  - { at: 1s, name: p, tcp: { from: client, to: 192.0.2.99, port: 443 } }' }),
    );
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'unreachable', detail: 'No route to host' });
  });
});

describe('TCP over a lossy link', () => {
  // Seed 12 loses the request twice and an ACK of the reply on the way.
  const r = runScenario(
    routedLab({
      seed: 12,
      uplink: 'loss: 20%',
      timeline: '  - { at: 1s, name: t, tcp: { from: client, to: server, port: 443, timeout: 30s } }',
    }),
  );

  it('still completes the request and reply, by retransmitting (seed 12)', () => {
    expect(probeNamed(r, 't')).toMatchObject({ outcome: 'delivered', seen: { address: '198.51.100.10' } });
    expect(r.observations.drops.filter((d) => d.reason === 'loss').length).toBeGreaterThan(0);
    const data = (addr: string) =>
      packetsOn(r, 'client', 'eth0').filter((p) => from(addr)(p) && p.d.tcp!.payloadLen > 0);
    const requests = data('198.51.100.10');
    const replies = data('192.0.2.10');
    expect(requests.length).toBeGreaterThan(1);
    expect(new Set(requests.map((p) => p.d.tcp!.seq)).size).toBe(1);
    expect(replies.length).toBeGreaterThanOrEqual(1);
    expect(requests.every((p) => (p.d.tcp!.flags & (TCP_PSH | TCP_ACK)) === (TCP_PSH | TCP_ACK))).toBe(true);
  });

  it('closes both ways: each side sends its FIN (seed 12)', () => {
    const fins = packetsOn(r, 'client', 'eth0').filter((p) => p.d.tcp !== undefined && (p.d.tcp.flags & TCP_FIN) !== 0);
    expect(new Set(fins.map((p) => formatIpv4(p.d.ipv4!.src)))).toEqual(new Set(['198.51.100.10', '192.0.2.10']));
  });
});

describe('TCP tail loss probe', () => {
  it('resends a lost request after min(2 SRTT + 200 ms, RTO), then after an RTO, then after twice that', () => {
    // The uplink adds 5 ms each way: SRTT 10 ms, RTO 210 ms, PTO min(220, 210) = 210 ms.
    const r = runScenario(
      routedLab({
        uplink: 'delay: 5ms',
        timeline: `
  - { at: 0.5s, name: warm, ping: { from: client, to: server } }
  - { at: 1s, name: t, tcp: { from: client, to: server, port: 443, timeout: 5s } }
  - { at: 1008ms, impair: { target: uplink, loss: 100% } }
  - { at: 1500ms, impair: { target: uplink, loss: 0% } }`,
      }),
    );
    const requests = packetsOn(r, 'client', 'eth0').filter((p) => from('198.51.100.10')(p) && p.d.tcp!.payloadLen > 0);
    const sent = (requests[0] as SeenPacket).timeNs;
    expect(requests.map((p) => p.timeNs - sent)).toEqual([0, 210e6, 420e6, 840e6]);
    expect(probeNamed(r, 't').outcome).toBe('delivered');
  });
});

describe('TIME-WAIT', () => {
  it('re-acknowledges a FIN retransmitted because the last ACK was lost, instead of resetting (seeds 3, 13, 14)', () => {
    for (const seed of [3, 13, 14]) {
      const r = runScenario(
        routedLab({
          seed,
          uplink: 'loss: 20%',
          timeline: '  - { at: 1s, name: t, tcp: { from: client, to: server, port: 443, timeout: 30s } }',
        }),
      );
      const resets = packetsOn(r, 'client', 'eth0').filter(
        (p) => p.d.tcp !== undefined && (p.d.tcp.flags & TCP_RST) !== 0,
      );
      expect({ seed, resets: resets.length }).toEqual({ seed, resets: 0 });
    }
  });
});

describe('TCP handshake and what the server sees', () => {
  const r = runScenario(
    routedLab({
      dcMtu: 1400,
      timeline: '  - { at: 1s, name: t, tcp: { from: client, to: server, port: 443, request: "hello" } }',
    }),
  );

  it("the server sees the client's address and the ephemeral port of its SYN", () => {
    const p = probeNamed(r, 't');
    expect(p.outcome).toBe('delivered');
    const syn = packetsOn(r, 'server', 'eth0').find(isSyn);
    expect(p.seen).toEqual({ address: '198.51.100.10', port: syn?.d.tcp?.srcPort });
    expect(syn?.d.tcp?.srcPort).toBeGreaterThanOrEqual(32768);
    expect(syn?.d.tcp?.srcPort).toBeLessThanOrEqual(60999);
  });

  it("each side announces an MSS of its route's MTU minus 40, and carries the request as data", () => {
    const seen = packetsOn(r, 'server', 'eth0').filter((p) => p.d.tcp !== undefined);
    const synAck = seen.find((p) => p.d.tcp!.flags === (TCP_SYN | TCP_ACK));
    expect(seen.find(isSyn)?.d.tcp?.mss).toBe(1460);
    expect(synAck?.d.tcp?.mss).toBe(1360);
    const req = seen.find((p) => from('198.51.100.10')(p) && p.d.tcp!.payloadLen > 0);
    expect(new TextDecoder().decode(req?.data.subarray(req.d.payloadOffset))).toBe('hello');
  });
});
