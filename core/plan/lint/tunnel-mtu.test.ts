/**
 * The warning for tunnels too big for their underlay: overlays between each pair of
 * nodes, learning-mode VXLAN devices toward each remote, and tunnels with no path.
 */
import { describe, expect, it } from 'vitest';
import { lines } from '../../../test/helpers/scenario.js';

/** host1 and host2 on two segments joined by router r over `eth1` of MTU `mtu`. */
function routed(mtu: number, overlay: string): string {
  return `
version: 1
hosts:
  host1:
    kind: docker
    interfaces:
      eth0: { segment: a, address: 192.0.2.2/24 }
    routes:
      - { to: default, via: 192.0.2.1 }
  host2:
    kind: docker
    interfaces:
      eth0: { segment: b, address: 198.51.100.2/24 }
    routes:
      - { to: default, via: 198.51.100.1 }
  r:
    kind: router
    interfaces:
      eth0: { segment: a, address: 192.0.2.1/24 }
      eth1: { segment: b, address: 198.51.100.1/24, mtu: ${mtu} }
segments:
  a: { subnet: 192.0.2.0/24 }
  b: { subnet: 198.51.100.0/24, mtu: ${mtu} }
networks:
  ov1: { driver: overlay${overlay} }
containers:
  o1: { host: host1, networks: [ov1] }
  o2: { host: host2, networks: [ov1] }
`;
}

describe('overlay MTU against its underlay', () => {
  it('says nothing when the overlay fits (1450 + 50 on a 1500 underlay)', () => {
    expect(lines(routed(1500, ''))).toEqual([]);
  });
  it('names the overlay, both nodes, the limiting interface and the MTU that would fit', () => {
    expect(lines(routed(1400, ''))).toEqual([
      'test.yaml:25:8: warning: networks.ov1: overlay ov1 (MTU 1450) needs 1500-byte packets between host1 and host2 (VXLAN adds 50), but r:eth1 on the way from host1 to host2 has MTU 1400; mtu: 1350 would fit (got 1450)',
    ]);
    expect(lines(routed(1400, ', mtu: 1350'))).toEqual([]);
  });
  it("reports an overlay whose nodes cannot reach each other's tunnel endpoint", () => {
    expect(lines(routed(1500, '').replace(/ {4}routes:\n {6}- \{ to: default, via: 198\.51\.100\.1 \}\n/, ''))).toEqual(
      [
        "test.yaml:23:8: warning: networks.ov1: overlay ov1 (MTU 1450) has no underlay path from host2 to host1's tunnel endpoint 192.0.2.2: host2 has no route to 192.0.2.2",
      ],
    );
  });
});

describe('learning-mode VXLAN MTU', () => {
  const text = (mtu: string) => `
version: 1
hosts:
  h1:
    interfaces:
      eth0: { segment: dc, address: 192.0.2.1/24 }
    vxlans:
      vx0: { vni: 9, remotes: [192.0.2.2, 192.0.2.3]${mtu} }
  h2:
    interfaces:
      eth0: { segment: dc, address: 192.0.2.2/24 }
segments:
  dc: { subnet: 192.0.2.0/24 }
`;
  it("warns at Linux's default MTU of 1500, and for a remote no one has", () => {
    expect(lines(text(''))).toEqual([
      'test.yaml:8:12: warning: hosts.h1.vxlans.vx0: vxlan vx0 (MTU 1500) needs 1550-byte packets toward 192.0.2.2 (VXLAN adds 50), but h1:eth0 on the way has MTU 1500; mtu: 1450 would fit (got 1500)',
      'test.yaml:8:12: warning: hosts.h1.vxlans.vx0: vxlan vx0 (MTU 1500) has no underlay path to its remote 192.0.2.3: 192.0.2.3 does not answer on h1:eth0',
    ]);
    expect(lines(text(', mtu: 1450'))).toEqual([
      'test.yaml:8:12: warning: hosts.h1.vxlans.vx0: vxlan vx0 (MTU 1450) has no underlay path to its remote 192.0.2.3: 192.0.2.3 does not answer on h1:eth0',
    ]);
  });
});
