/**
 * Path MTU through a plan: the devices each path crosses, the smallest MTU, and what
 * happens to the sender's largest packet; then the table `twinnet plan` prints.
 */
import { describe, expect, it } from 'vitest';
import { model, OVERLAY_LAB, plan } from '../../test/helpers/scenario.js';
import { compilePlan } from './compile/index.js';
import { pathMtuTable } from './path-mtu-table.js';
import { lookupRoute, pathMtuOf, tracePath } from './path-mtu.js';
import { renderPathMtuTable } from './render-text.js';
import type { NamespacePlan, Plan } from './types.js';

/** host1 and host2 in two datacentres joined by routers r1 and r2 over a link of MTU `linkMtu`. */
function twoDatacentres(linkMtu: number, extra = ''): string {
  return `
version: 1
hosts:
  host1:
    kind: docker
    interfaces:
      eth0: { segment: dc1, address: 192.0.2.2/24 }
    routes:
      - { to: default, via: 192.0.2.1 }
  host2:
    kind: docker
    interfaces:
      eth0: { segment: dc2, address: 198.51.100.2/24 }
    routes:
      - { to: default, via: 198.51.100.1 }
  r1:
    kind: router
    interfaces:
      eth0: { segment: dc1, address: 192.0.2.1/24 }
      eth1: { address: 10.255.0.1/30 }
    routes:
      - { to: 198.51.100.0/24, via: 10.255.0.2 }
  r2:
    kind: router
    interfaces:
      eth0: { segment: dc2, address: 198.51.100.1/24 }
      eth1: { address: 10.255.0.2/30 }
    routes:
      - { to: 192.0.2.0/24, via: 10.255.0.1 }
segments:
  dc1: { subnet: 192.0.2.0/24 }
  dc2: { subnet: 198.51.100.0/24 }
links:
  - { endpoints: [r1:eth1, r2:eth1], mtu: ${linkMtu} }
networks:
  ov1: { driver: overlay${extra} }
containers:
  o1: { host: host1, networks: [ov1] }
  o3: { host: host2, networks: [ov1] }
`;
}

function ns(p: Plan, id: string): NamespacePlan {
  return p.namespaces.find((n) => n.id === id) as NamespacePlan;
}

describe('lookupRoute', () => {
  const p = plan(twoDatacentres(1500));
  it('takes the longest prefix, then the default', () => {
    expect(lookupRoute(ns(p, 'r1'), 0xc6336402)?.via).toBe('10.255.0.2');
    expect(lookupRoute(ns(p, 'host1'), 0xc0000205)?.proto).toBe('kernel');
    expect(lookupRoute(ns(p, 'host1'), 0x08080808)?.dst).toBe('default');
    expect(lookupRoute(ns(p, 'r1'), 0x08080808)).toBeUndefined();
  });
});

describe('tracePath', () => {
  it('crosses the underlay hop by hop: each output device, each switch port and receiving veth', () => {
    const t = tracePath(plan(twoDatacentres(1400)), 'host1', '198.51.100.2');
    expect(t.ok && t.crossings.map((c) => `${c.at} ${c.ns}:${c.dev} ${c.mtu}`)).toEqual([
      'ip-out host1:eth0 1500',
      'l2 seg-dc1:host1-eth0 1500',
      'l2 seg-dc1:r1-eth0 1500',
      'l2 r1:eth0 1500',
      'ip-out r1:eth1 1400',
      'l2 seg-r1.eth1-r2.eth1:r1-eth1 1400',
      'l2 seg-r1.eth1-r2.eth1:r2-eth1 1400',
      'l2 r2:eth1 1400',
      'ip-out r2:eth0 1500',
      'l2 seg-dc2:r2-eth0 1500',
      'l2 seg-dc2:host2-eth0 1500',
      'l2 host2:eth0 1500',
    ]);
    expect(t.ok && t.to).toBe('host2');
  });
  it('says why there is no path', () => {
    const p = plan(twoDatacentres(1500));
    expect(tracePath(p, 'r1', '8.8.8.8')).toEqual({ ok: false, reason: 'r1 has no route to 8.8.8.8' });
    expect(tracePath(p, 'host1', '192.0.2.77')).toEqual({
      ok: false,
      reason: '192.0.2.77 does not answer on host1:eth0',
    });
  });
  it('crosses an overlay through the tunnel, counting the underlay with 50 bytes off', () => {
    const p = plan(twoDatacentres(1500));
    const t = tracePath(p, 'o1', '10.0.1.4');
    if (!t.ok) throw new Error(t.reason);
    expect(t.to).toBe('o3');
    expect(t.crossings.slice(0, 3).map((c) => `${c.at} ${c.ns}:${c.dev} ${c.mtu}`)).toEqual([
      'ip-out o1:eth0 1450',
      'l2 ov-ov1-host1:veth0 1450',
      'l2 ov-ov1-host1:vxlan0 1450',
    ]);
    expect(t.crossings.filter((c) => c.tunnel !== undefined).map((c) => `${c.ns}:${c.dev} ${c.mtu}`)).toContain(
      'host1:eth0 1450',
    );
    expect(t.crossings.slice(-2).map((c) => `${c.ns}:${c.dev}`)).toEqual(['ov-ov1-host2:veth0', 'o3:eth0']);
    expect(pathMtuOf(t.crossings)).toMatchObject({ mtu: 1450, sent: 1450, fate: 'fits' });
  });
});

describe('pathMtuOf', () => {
  it("finds an overlay too big for its underlay: the limit is the router's output, the outer packet fragmented", () => {
    const t = tracePath(plan(twoDatacentres(1400)), 'o1', '10.0.1.4');
    const v = t.ok ? pathMtuOf(t.crossings) : undefined;
    expect(v).toMatchObject({
      mtu: 1350,
      sent: 1450,
      fate: 'fragmented',
      limit: { ns: 'r1', dev: 'eth1', at: 'ip-out', tunnel: { ns: 'ov-ov1-host1', dev: 'vxlan0' } },
    });
  });
  it('finds a layer-2 MTU mismatch, where frames are dropped', () => {
    const p = plan(
      twoDatacentres(1500).replace(
        'eth0: { segment: dc2, address: 198.51.100.2/24 }',
        'eth0: { segment: dc2, address: 198.51.100.2/24, mtu: 1400 }',
      ),
    );
    const t = tracePath(p, 'host1', '198.51.100.2');
    expect(t.ok && pathMtuOf(t.crossings)).toMatchObject({
      mtu: 1400,
      sent: 1500,
      fate: 'dropped',
      limit: { ns: 'host2', dev: 'eth0', at: 'l2' },
    });
  });
  it('has nothing to say about local delivery', () => {
    expect(pathMtuOf([])).toBeUndefined();
  });
});

describe('pathMtuTable', () => {
  it('gives every pair sharing a network, overlays as min(overlay MTU, underlay - 50), with a note where a full packet does not pass', () => {
    const m = model(
      twoDatacentres(1400, ', mtu: 1350').replace(
        'o3: { host: host2, networks: [ov1] }',
        'o3: { host: host2, networks: [ov1] }\n  o4: { host: host1, networks: [ov1] }',
      ),
    );
    const rows = pathMtuTable(m, compilePlan(m));
    expect(rows).toEqual([
      { a: 'o1', b: 'o3', network: 'ov1', mtu: 1350, note: '' },
      { a: 'o1', b: 'o4', network: 'ov1', mtu: 1350, note: '' },
      { a: 'o3', b: 'o4', network: 'ov1', mtu: 1350, note: '' },
    ]);
    const big = model(twoDatacentres(1400));
    const [row] = pathMtuTable(big, compilePlan(big));
    expect(row).toEqual({
      a: 'o1',
      b: 'o3',
      network: 'ov1',
      mtu: 1350,
      note: "a 1450-byte packet from o1 becomes a 1500-byte VXLAN packet, over the underlay's MTU 1400 at r1:eth1, which is fragmented there (VXLAN sets no DF on outer packets)",
    });
  });
  it('covers bridge networks and leaves docker_gwbridge out', () => {
    const m = model(
      OVERLAY_LAB.replace(
        'o3: { host: host2, networks: [ov1] }',
        'o3: { host: host2, networks: [ov1] }\n  b1: { host: host1, networks: [netMTU] }\n  b2: { host: host1, networks: [netMTU] }',
      ),
    );
    const rows = pathMtuTable(m, compilePlan(m));
    expect(rows.map((r) => `${r.a} ${r.b} ${r.network} ${r.mtu}`)).toEqual([
      'b1 b2 netMTU 1400',
      'o1 o2 ov1 1450',
      'o1 o3 ov1 1450',
      'o2 o3 ov1 1450',
    ]);
    expect(renderPathMtuTable(rows)).toEqual([
      'path MTU between containers that share a network (largest IP packet that passes whole)',
      '  b1 <-> b2  netMTU   1400',
      '  o1 <-> o2  ov1      1450',
      '  o1 <-> o3  ov1      1450',
      '  o2 <-> o3  ov1      1450',
    ]);
  });
});
