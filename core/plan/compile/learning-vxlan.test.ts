/**
 * Learning-mode VXLAN on plain hosts (no control plane): the device, its flooding
 * entries, its place on a bridge, the shell form, and the checks on the file.
 */
import { describe, expect, it } from 'vitest';
import { lines, plan } from '../../../test/helpers/scenario.js';
import { planViolations } from '../invariants.js';
import { tracePath, pathMtuOf } from '../path-mtu.js';
import { renderPlanSh } from '../render-sh.js';
import { renderPlanText } from '../render-text.js';

/** Two sites: h1 bridges its LAN into VNI 100, h2 has an address on its VXLAN device. */
const SITES = `
version: 1
hosts:
  h1:
    interfaces:
      eth0: { segment: dc, address: 192.0.2.1/24 }
      eth1: { segment: lanA }
    vxlans:
      vx0: { vni: 100, local: 192.0.2.1, remotes: [192.0.2.2], mtu: 1450 }
    bridges:
      br0: { interfaces: [vx0, eth1], address: 10.10.0.1/24 }
  h2:
    interfaces:
      eth0: { segment: dc, address: 192.0.2.2/24 }
    vxlans:
      vx0: { vni: 100, remotes: [192.0.2.1], learning: false, mtu: 1450, address: 10.10.0.2/24 }
  pc:
    interfaces:
      eth0: { segment: lanA, address: 10.10.0.9/24, mtu: 1450 }
segments:
  dc: { subnet: 192.0.2.0/24 }
  lanA: { mtu: 1450 }
`;

describe('learning-mode VXLAN', () => {
  const p = plan(SITES);
  const h1 = p.namespaces.find((n) => n.id === 'h1');
  const h2 = p.namespaces.find((n) => n.id === 'h2');

  it('is a consistent plan', () => {
    expect(planViolations(p)).toEqual([]);
  });
  it("makes the device in the host's own namespace, as a bridge port or with its address", () => {
    const vx = h1?.interfaces.find((i) => i.name === 'vx0');
    expect(vx).toMatchObject({ kind: 'vxlan', mtu: 1450, master: 'br0', addresses: [] });
    expect(vx?.vxlan).toEqual({
      vni: 100,
      dstPort: 4789,
      srcPortRange: [0, 0],
      underlayNs: 'h1',
      local: '192.0.2.1',
      learning: true,
      proxy: false,
      l2miss: false,
      l3miss: false,
      ageingS: 300,
      udpCsum: true,
    });
    expect(h1?.interfaces.find((i) => i.name === 'br0')).toMatchObject({
      mtu: 1450,
      mtuAuto: true,
      addresses: ['10.10.0.1/24'],
    });
    expect(h2?.interfaces.find((i) => i.name === 'vx0')).toMatchObject({
      addresses: ['10.10.0.2/24'],
      vxlan: { learning: false, underlayNs: 'h2' },
    });
    expect(h2?.routes.map((r) => `${r.dst} dev ${r.dev}`)).toContain('10.10.0.0/24 dev vx0');
  });
  it('floods to each remote with an all-zeros FDB entry', () => {
    expect(h1?.fdb).toEqual([{ dev: 'vx0', mac: '00:00:00:00:00:00', dst: '192.0.2.2' }]);
    expect(h2?.fdb).toEqual([{ dev: 'vx0', mac: '00:00:00:00:00:00', dst: '192.0.2.1' }]);
  });
  it('is made with its final name in place, and its flooding entries with bridge fdb append', () => {
    const sh = renderPlanSh(p);
    expect(sh).toMatch(
      /ip -n "\$\{P\}h1" link add vx0 address [0-9a-f:]+ mtu 1450 type vxlan id 100 dstport 4789 local 192\.0\.2\.1 ageing 300 udpcsum\n/,
    );
    expect(sh).toMatch(
      /ip -n "\$\{P\}h2" link add vx0 address [0-9a-f:]+ mtu 1450 type vxlan id 100 dstport 4789 nolearning ageing 300 udpcsum\n/,
    );
    expect(sh).toContain('ip -n "${P}h1" link set dev vx0 master br0');
    expect(sh).toContain('bridge -n "${P}h1" fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.2 self permanent');
  });
  it('reads in the text form with its VXLAN parameters', () => {
    expect(renderPlanText(p)).toMatch(
      /vx0 +vxlan +mtu 1450 .* master br0 {2}id 100 dstport 4789 local 192\.0\.2\.1 learning udpcsum ageing 300 underlay h1/,
    );
  });
  it("carries a LAN host's packets to the other site through the tunnel", () => {
    const t = tracePath(p, 'pc', '10.10.0.2');
    expect(t.ok && t.to).toBe('h2');
    expect(t.ok && pathMtuOf(t.crossings)).toMatchObject({ mtu: 1450, fate: 'fits' });
  });
});

describe('learning-mode VXLAN checks', () => {
  it("refuses VXLAN devices on a Docker host, a local address not the host's, the host's own address as a remote, a VNI twice and a name twice", () => {
    const text = `
version: 1
hosts:
  d:
    kind: docker
    interfaces:
      eth0: { segment: dc, address: 192.0.2.5/24 }
    vxlans:
      vx0: { vni: 1 }
  h:
    interfaces:
      eth0: { segment: dc, address: 192.0.2.1/24 }
    vxlans:
      eth0: { vni: 7 }
      vx1: { vni: 100, remotes: [192.0.2.1] }
      vx2: { vni: 100, remotes: [192.0.2.2] }
      vx3: { vni: 5, local: 192.0.2.9 }
segments:
  dc: { subnet: 192.0.2.0/24 }
`;
    expect(lines(text)).toEqual([
      "test.yaml:9:7: error: hosts.d.vxlans: a Docker host's VXLAN devices are its overlays' (networks with driver: overlay)",
      'test.yaml:14:13: error: hosts.h.vxlans.eth0: interface name "eth0" on host h is already used by interface eth0; expected a unique name (got "eth0")',
      'test.yaml:15:34: error: hosts.h.vxlans.vx1.remotes[0]: this is the host\'s own address; expected a remote tunnel endpoint (got "192.0.2.1")',
      'test.yaml:16:19: error: hosts.h.vxlans.vx2.vni: vxlan vx1 already has VNI 100 on port 4789; Linux refuses a second one ("A VXLAN device with the specified VNI already exists") (got 100)',
      'test.yaml:17:29: error: hosts.h.vxlans.vx3.local: expected one of this host\'s addresses (192.0.2.1) (got "192.0.2.9")',
    ]);
  });
});
