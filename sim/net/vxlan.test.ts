/**
 * The VXLAN device in a hand-written two-host overlay (the shapes Docker builds,
 * docker-semantics 6h): two hosts on one cable, on each an overlay namespace with a
 * bridge, a VXLAN device whose socket lives in the host, and one container.
 */
import { describe, expect, it } from 'vitest';
import type {
  FdbPlan,
  InterfacePlan,
  NeighbourPlan,
  Plan,
  TimelineEntryPlan,
  VxlanParams,
} from '../../core/plan/types.js';
import { decodeFrame } from '../../core/wire/decode.js';
import { TCP_SYN } from '../../core/wire/tcp.js';
import { bridge, namespace, plan, veth } from '../../test/helpers/plans.js';
import { simulate } from '../run.js';
import { floodOrder } from './vxlan.js';
import { packetsOn, runScenario } from '../test-helpers.js';

const MAC = { c1: '02:42:0a:00:01:02', c2: '02:42:0a:00:01:03' };

function vxlan(underlayNs: string, mtu: number, learning: boolean): InterfacePlan {
  const params: VxlanParams = {
    vni: 4242,
    dstPort: 4789,
    srcPortRange: [0, 0],
    underlayNs,
    learning,
    proxy: !learning,
    l2miss: !learning,
    l3miss: !learning,
    ageingS: 300,
    udpCsum: true,
  };
  return {
    name: 'vxlan0',
    kind: 'vxlan',
    mac: underlayNs === 'h1' ? '02:00:00:00:0a:01' : '02:00:00:00:0a:02',
    mtu,
    up: true,
    addresses: [],
    master: 'br0',
    port: { hairpin: false, learning: true, flood: true },
    vxlan: params,
    why: 'overlay',
  };
}

function ping(at: number, size: number, df: boolean, count = 1): TimelineEntryPlan {
  return {
    atNs: at,
    name: `ping-${size}${df ? '-df' : ''}`,
    action: { kind: 'ping', ns: 'c1', dst: '10.0.1.3', count, intervalNs: 1e9, size, df, ttl: 64, timeoutNs: 2e9 },
  };
}

/** Two hosts, an overlay of MTU `mtu` across them, c1 on h1 and c2 on h2. */
function overlayLab(opts: { mtu: number; learning: boolean; timeline: TimelineEntryPlan[] }): Plan {
  const side = (
    h: 'h1' | 'h2',
    peer: 'h1' | 'h2',
    c: 'c1' | 'c2',
    other: 'c1' | 'c2',
    addr: string,
    otherAddr: string,
  ) => {
    const fdb: FdbPlan[] = opts.learning
      ? [{ dev: 'vxlan0', mac: '00:00:00:00:00:00', dst: peer === 'h1' ? '192.0.2.1' : '192.0.2.2' }]
      : [{ dev: 'vxlan0', mac: MAC[other], dst: peer === 'h1' ? '192.0.2.1' : '192.0.2.2' }];
    const neighbours: NeighbourPlan[] = opts.learning
      ? []
      : [{ dev: 'vxlan0', address: otherAddr, lladdr: MAC[other] }];
    const ov = namespace(
      `ov-${h}`,
      'overlay',
      [
        { ...bridge('br0', h === 'h1' ? '02:00:00:00:0b:01' : '02:00:00:00:0b:02', []), mtu: opts.mtu },
        vxlan(h, opts.mtu, opts.learning),
        {
          ...veth(
            `veth${c}`,
            h === 'h1' ? '02:00:00:00:0c:01' : '02:00:00:00:0c:02',
            [],
            { ns: c, name: 'eth0' },
            'br0',
          ),
          mtu: opts.mtu,
        },
      ],
      { fdb, neighbours },
    );
    const ctr = namespace(c, 'container', [
      { ...veth('eth0', MAC[c], [addr], { ns: `ov-${h}`, name: `veth${c}` }), mtu: opts.mtu },
    ]);
    return [ov, ctr];
  };
  const h1 = namespace('h1', 'docker-host', [
    veth('eth0', '02:00:c0:00:02:01', ['192.0.2.1/24'], { ns: 'h2', name: 'eth0' }),
  ]);
  const h2 = namespace('h2', 'docker-host', [
    veth('eth0', '02:00:c0:00:02:02', ['192.0.2.2/24'], { ns: 'h1', name: 'eth0' }),
  ]);
  return {
    ...plan(
      'overlay-lab',
      [
        h1,
        h2,
        ...side('h1', 'h2', 'c1', 'c2', '10.0.1.2/24', '10.0.1.3'),
        ...side('h2', 'h1', 'c2', 'c1', '10.0.1.3/24', '10.0.1.2'),
      ],
      opts.timeline,
    ),
    capture: [{ ns: 'h1', dev: 'eth0' }],
  };
}

function underlay(r: ReturnType<typeof simulate>) {
  const cap = r.captures.find((c) => c.ns === 'h1' && c.dev === 'eth0');
  return (cap?.packets ?? []).map((p) => decodeFrame(p.data));
}

describe('the VXLAN device', () => {
  it("carries a ping across the tunnel with the control plane's static entries: no ARP crosses it", () => {
    const r = simulate(overlayLab({ mtu: 1450, learning: false, timeline: [ping(1e9, 56, false)] }));
    expect(r.observations.probes[0]?.outcome).toBe('delivered');
    const wire = underlay(r);
    expect(wire.filter((d) => d.inner?.arp !== undefined)).toEqual([]);
    const tunnel = wire.filter((d) => d.vxlan !== undefined);
    expect(tunnel).toHaveLength(2);
    expect(tunnel.map((d) => [d.udp?.dstPort, d.vxlan?.vni, d.inner?.icmp?.kind, d.ipv4?.df])).toEqual([
      [4789, 4242, 'echo-request', false],
      [4789, 4242, 'echo-reply', false],
    ]);
    expect(tunnel[0]?.udp?.srcPort).toBeGreaterThanOrEqual(32768);
  });

  it("answers a DF packet too big for the underlay with fragmentation needed, from the destination, with the tunnel's MTU", () => {
    const r = simulate(overlayLab({ mtu: 1500, learning: false, timeline: [ping(1e9, 1472, true)] }));
    const p = r.observations.probes[0];
    expect(p?.outcome).toBe('unreachable');
    expect(p?.detail).toBe('From 10.0.1.3: Frag needed and DF set (mtu = 1450)');
  });

  it("without -M do, ping learns the tunnel's MTU from the first error and fragments the next request itself", () => {
    // ping sets DF while a packet fits the route (IP_PMTUDISC_WANT): the first request
    // meets the tunnel's check, the error lowers the path MTU, the second leaves in two
    // fragments that each fit the tunnel.
    const r = simulate(overlayLab({ mtu: 1500, learning: false, timeline: [ping(1e9, 1472, false, 2)] }));
    const p = r.observations.probes[0];
    expect([p?.outcome, p?.received]).toEqual(['delivered', 1]);
    const wire = underlay(r);
    // The second request: two inner fragments, each in a tunnel packet that fits.
    const requestPieces = wire
      .filter((d) => d.vxlan !== undefined && d.inner?.ipv4?.src === 0x0a000102)
      .map((d) => [d.inner?.ipv4?.mf, d.inner?.ipv4?.fragOffset]);
    expect(requestPieces).toEqual([
      [true, 0],
      [false, 1424],
    ]);
    // The reply leaves c2 whole and without DF (ICMP replies never set it), so it is the
    // outer packet that h2 fragments on the underlay, and h1 that reassembles it.
    const outerPieces = wire.filter((d) => d.ipv4?.src === 0xc0000202 && (d.ipv4.mf || d.ipv4.fragOffset > 0));
    expect(outerPieces).toHaveLength(2);
  });

  it('in learning mode floods the first ARP to its peers and learns where the answer came from', () => {
    const r = simulate(overlayLab({ mtu: 1450, learning: true, timeline: [ping(1e9, 56, false)] }));
    expect(r.observations.probes[0]?.outcome).toBe('delivered');
    const inner = underlay(r)
      .filter((d) => d.vxlan !== undefined)
      .map((d) => (d.inner?.arp !== undefined ? `arp-${d.inner.arp.op}` : d.inner?.icmp?.kind));
    expect(inner.slice(0, 4)).toEqual(['arp-1', 'arp-2', 'echo-request', 'echo-reply']);
  });

  it('picks outer source ports as the kernel did: one for both directions of a ping, one per TCP socket, a new one after a timeout', () => {
    const r = runScenario(`
version: 1
hosts:
  host1: { kind: docker, interfaces: { eth0: { segment: dc, address: 192.0.2.11/24 } } }
  host2: { kind: docker, interfaces: { eth0: { segment: dc, address: 192.0.2.12/24 } } }
segments:
  dc: { subnet: 192.0.2.0/24 }
networks:
  ov1: { driver: overlay }
containers:
  web: { host: host2, networks: [ov1], listen: [tcp/80] }
  c1: { host: host1, networks: [ov1] }
timeline:
  - { at: 1s, name: ping, ping: { from: c1, to: web } }
  - { at: 2s, name: tcp, tcp: { from: c1, to: web, port: 80 } }
  - { at: 3s, name: closed, tcp: { from: c1, to: web, port: 81, timeout: 1500ms } }
  - { at: 3s, link-down: "host2:eth0" }
  - { at: 3500ms, link-up: "host2:eth0" }
`);
    const outer = packetsOn(r, 'host1', 'eth0')
      .filter((p) => p.d.vxlan !== undefined)
      .map((p) => ({ port: p.d.udp?.srcPort, inner: p.d.inner }));
    const icmp = outer.filter((o) => o.inner?.icmp !== undefined).map((o) => o.port);
    expect(new Set(icmp).size).toBe(1);
    const syn = (dport: number) =>
      outer.filter((o) => o.inner?.tcp?.dstPort === dport && (o.inner.tcp.flags & TCP_SYN) !== 0).map((o) => o.port);
    const synAck = outer.find((o) => o.inner?.tcp?.srcPort === 80 && (o.inner.tcp.flags & TCP_SYN) !== 0)?.port;
    expect(syn(80)).toHaveLength(1);
    expect(synAck).not.toBe(syn(80)[0]);
    // The SYN to port 81 goes out while host2's cable is down, and again after 1 s.
    expect(syn(81)).toHaveLength(2);
    expect(syn(81)[0]).not.toBe(syn(81)[1]);
  });

  it('floods as vxlan_xmit does: the first remote gets the original packet, last', () => {
    expect([floodOrder([]), floodOrder([1]), floodOrder([1, 2]), floodOrder([1, 2, 3])]).toEqual([
      [],
      [1],
      [2, 1],
      [2, 3, 1],
    ]);
  });
});
