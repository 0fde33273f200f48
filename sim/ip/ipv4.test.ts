/**
 * The IPv4 paths end to end (input.ts, output.ts, icmp.ts): routing and forwarding
 * through a router, TTL, missing routes, ip_forward=0 and MTUs. Each case is a small
 * scenario (`routedLab`: client - r1 - server) simulated with every device captured;
 * the header checks run on a single namespace whose interfaces record what they send.
 */
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { buildIcmpEchoFrame } from '../../core/wire/frame.js';
import { packetsOn, probeNamed, routedLab, runScenario, stackRig, type StackRig } from '../test-helpers.js';
import { SkBuff } from '../skb.js';

describe('IPv4 forwarding through a router', () => {
  const r = runScenario(
    routedLab({
      timeline: `
  - { at: 1s, name: ok, ping: { from: client, to: server } }
  - { at: 2s, name: ttl1, ping: { from: client, to: server, ttl: 1 } }
  - { at: 2s, name: ttl2, ping: { from: client, to: server, ttl: 2 } }
  - { at: 3s, name: nowhere, ping: { from: client, to: 10.9.9.9 } }
  - { at: 3s, name: no-route, ping: { from: client2, to: 192.0.2.10 } }`,
    }),
  );

  it('decrements the TTL once: the request leaves the router with 63 and the reply arrives with 63', () => {
    expect(probeNamed(r, 'ok')).toMatchObject({ outcome: 'delivered', ttl: 63, received: 1 });
    const fwd = packetsOn(r, 'r1', 'eth1').find((p) => p.d.icmp?.kind === 'echo-request');
    expect(fwd?.d.ipv4?.ttl).toBe(63);
    expect(fwd?.d.ipv4?.checksumOk).toBe(true);
  });

  it('answers TTL 1 with time exceeded from the router, and forwards TTL 2', () => {
    const p = probeNamed(r, 'ttl1');
    expect(p.outcome).toBe('unreachable');
    expect(p.detail).toBe('From 198.51.100.1: Time to live exceeded');
    expect(r.observations.drops.find((d) => d.probe === 'ttl1')).toMatchObject({ ns: 'r1', reason: 'ttl-expired' });
    expect(probeNamed(r, 'ttl2')).toMatchObject({ outcome: 'delivered', ttl: 63 });
  });

  it('answers a destination it has no route to with net unreachable', () => {
    const p = probeNamed(r, 'nowhere');
    expect(p.outcome).toBe('unreachable');
    expect(p.detail).toBe('From 198.51.100.1: Destination Net Unreachable');
  });

  it('a host without a route fails at once with "connect: Network is unreachable" and sends nothing', () => {
    const p = probeNamed(r, 'no-route');
    expect(p).toMatchObject({ outcome: 'unreachable', detail: 'connect: Network is unreachable', sent: 0 });
    expect(packetsOn(r, 'client2', 'eth0')).toEqual([]);
  });
});

describe('IPv4 with ip_forward=0', () => {
  it('drops a packet for another host silently: no ICMP comes back, the drop says forwarding-off', () => {
    const r = runScenario(
      routedLab({ r1Kind: 'linux', timeline: '  - { at: 1s, name: p, ping: { from: client, to: server } }' }),
    );
    const p = probeNamed(r, 'p');
    expect(p.outcome).toBe('dropped');
    expect(p.drop).toMatchObject({ ns: 'r1', dev: 'eth0', reason: 'forwarding-off' });
    expect(
      packetsOn(r, 'client', 'eth0').filter(
        (x) => x.d.ipv4 !== undefined && formatIpv4(x.d.ipv4.dst) === '198.51.100.10',
      ),
    ).toEqual([]);
    expect(packetsOn(r, 'r1', 'eth1').filter((x) => x.d.ipv4 !== undefined)).toEqual([]);
  });

  it('still answers for its own addresses, on any interface', () => {
    const r = runScenario(
      routedLab({ r1Kind: 'linux', timeline: '  - { at: 1s, name: p, ping: { from: client, to: 192.0.2.1 } }' }),
    );
    expect(probeNamed(r, 'p')).toMatchObject({ outcome: 'delivered', ttl: 64 });
  });
});

describe('IPv4 MTUs', () => {
  it('answers DF with a smaller next hop with fragmentation needed, giving the next-hop MTU', () => {
    const r = runScenario(
      routedLab({
        dcMtu: 1400,
        timeline: '  - { at: 1s, name: df, ping: { from: client, to: server, size: 1450, df: true } }',
      }),
    );
    const p = probeNamed(r, 'df');
    expect(p.outcome).toBe('unreachable');
    expect(p.detail).toContain('Frag needed');
    expect(p.detail).toContain('mtu = 1400');
    expect(p.errorFrom).toBe('198.51.100.1');
  });

  it('refuses at the source a DF packet larger than its own device: "local error: message too long"', () => {
    const r = runScenario(
      routedLab({ timeline: '  - { at: 1s, name: df, ping: { from: client, to: server, size: 1600, df: true } }' }),
    );
    expect(probeNamed(r, 'df')).toMatchObject({
      outcome: 'unreachable',
      detail: 'local error: message too long, mtu=1500',
    });
    expect(packetsOn(r, 'client', 'eth0').filter((x) => x.d.icmp !== undefined)).toEqual([]);
  });

  it('fragments a UDP datagram larger than the path MTU instead of refusing it (IP_PMTUDISC_WANT)', () => {
    const request = 'x'.repeat(1600);
    const r = runScenario(
      routedLab({
        dcMtu: 1400,
        timeline: `  - { at: 1s, name: big, udp: { from: client, to: server, port: 53, request: "${request}" } }`,
      }),
    );
    expect(probeNamed(r, 'big')).toMatchObject({ outcome: 'delivered', seen: { address: '198.51.100.10' } });
    const pieces = packetsOn(r, 'client', 'eth0').filter(
      (x) => x.d.ipv4?.protocol === 17 && formatIpv4(x.d.ipv4.src) === '198.51.100.10',
    );
    expect(pieces.map((x) => [x.d.ipv4?.fragOffset, x.d.ipv4?.mf, x.d.ipv4?.df])).toEqual([
      [0, true, false],
      [1480, false, false],
    ]);
  });

  it('a router forwards by its device MTU, not by a path MTU it learned for its own traffic (ip_forward_use_pmtu=0)', () => {
    const yaml = `
version: 1
hosts:
  client:
    interfaces:
      eth0: { address: 10.0.1.10/24 }
    routes:
      - { to: default, via: 10.0.1.1 }
  r1:
    kind: router
    interfaces:
      eth0: { address: 10.0.1.1/24 }
      eth1: { address: 10.0.2.1/24 }
    routes:
      - { to: 10.0.3.0/24, via: 10.0.2.2 }
  r2:
    kind: router
    interfaces:
      eth0: { address: 10.0.2.2/24 }
      eth1: { address: 10.0.3.1/24 }
    routes:
      - { to: default, via: 10.0.2.1 }
  server:
    interfaces:
      eth0: { address: 10.0.3.10/24 }
    routes:
      - { to: default, via: 10.0.3.1 }
links:
  - { endpoints: [client:eth0, r1:eth0] }
  - { endpoints: [r1:eth1, r2:eth0] }
  - { endpoints: [r2:eth1, server:eth0], mtu: 1300 }
timeline:
  - { at: 1s, name: r1-learns, ping: { from: r1, to: server, size: 1372, df: true } }
  - { at: 2s, name: client, ping: { from: client, to: server, size: 1372, df: true } }
`;
    const r = runScenario(yaml);
    expect(probeNamed(r, 'r1-learns').detail).toBe('From 10.0.2.2: Frag needed and DF set (mtu = 1300)');
    expect(probeNamed(r, 'client').detail).toBe('From 10.0.2.2: Frag needed and DF set (mtu = 1300)');
  });
});

describe('IPv4 input checks', () => {
  const echoTo = (r: StackRig, dst: string, dstMac = r.ifs[0]!.macNum) =>
    buildIcmpEchoFrame({
      srcMac: 0x02_00_00_00_00_20,
      dstMac,
      src: parseIpv4('10.0.0.2') as number,
      dst: parseIpv4(dst) as number,
      echoId: 1,
      seq: 1,
    });

  it('answers a packet for its address, and drops one with a bad header checksum (malformed)', () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    r.ifs[0]!.receive(new SkBuff(echoTo(r, '10.0.0.1')));
    const bad = echoTo(r, '10.0.0.1');
    bad[14 + 10] = (bad[14 + 10] as number) ^ 0xff;
    r.ifs[0]!.receive(new SkBuff(bad));
    r.sim.run();
    expect(r.take().map((x) => x.d.icmp?.kind)).toEqual(['echo-reply']);
    expect(r.trace.drops.map((d) => d.reason)).toEqual(['malformed']);
  });

  it("drops a frame for another host's MAC (not-for-us) and a loopback address from outside (martian)", () => {
    const r = stackRig([{ addr: '10.0.0.1/24' }]);
    r.ifs[0]!.receive(new SkBuff(echoTo(r, '10.0.0.1', 0x02_00_00_00_09_99)));
    r.ifs[0]!.receive(new SkBuff(echoTo(r, '127.0.0.1')));
    r.sim.run();
    expect(r.take()).toEqual([]);
    expect(r.trace.drops.map((d) => d.reason)).toEqual(['not-for-us', 'martian']);
  });

  it('reaches its own addresses through loopback, without touching the wire', () => {
    const res = runScenario(
      routedLab({
        timeline: `
  - { at: 1s, name: self, ping: { from: client, to: 198.51.100.10 } }
  - { at: 1s, name: lo, ping: { from: client, to: 127.0.0.1 } }`,
      }),
    );
    expect(probeNamed(res, 'self')).toMatchObject({ outcome: 'delivered', ttl: 64, rttsNs: [0] });
    expect(probeNamed(res, 'lo')).toMatchObject({ outcome: 'delivered', ttl: 64 });
    expect(packetsOn(res, 'client', 'eth0')).toEqual([]);
  });
});
