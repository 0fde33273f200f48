/**
 * Overlays compiled as Docker builds them, checked against the facts measured on real
 * engines (docker-semantics.md 6h): the two-node lab with ov1 (10.0.1.0/24, VNI 4097),
 * o1 and o2 on host1, o3 on host2, each node's load balancer, docker_gwbridge, the
 * per-node overlay namespace and the static entries for remote endpoints.
 */
import { describe, expect, it } from 'vitest';
import { renderPlanSh } from '../render-sh.js';
import { planViolations } from '../invariants.js';
import type { NamespacePlan, Plan } from '../types.js';
import { lines, model, OVERLAY_LAB, plan } from '../../../test/helpers/scenario.js';
import { formatCidr } from '../../addr.js';

function ns(p: Plan, id: string): NamespacePlan {
  const n = p.namespaces.find((x) => x.id === id);
  if (n === undefined) throw new Error(`no namespace ${id}`);
  return n;
}

function iface(p: Plan, id: string, name: string) {
  return ns(p, id).interfaces.find((i) => i.name === name);
}

describe('overlay addresses and identifiers (docker-semantics.md 6h)', () => {
  const m = model(OVERLAY_LAB);
  const ov1 = m.networks.find((n) => n.name === 'ov1');
  const addr = (c: string, net: string) =>
    m.containers.find((x) => x.name === c)?.endpoints.find((e) => e.network === net);

  it('takes 10.0.1.0/24 and VNI 4097 after ingress, whatever ov2 was given', () => {
    expect(ov1 && formatCidr(ov1.subnet)).toBe('10.0.1.0/24');
    expect(ov1?.vni).toBe(4097);
    expect(m.networks.find((n) => n.name === 'ov2')?.vni).toBe(4242);
  });
  it('gives each node its load balancer right after the first endpoint there: o1 .2, LB host1 .3, o2 .4, o3 .5, LB host2 .6', () => {
    expect(['o1', 'o2', 'o3'].map((c) => formatCidr(addr(c, 'ov1')?.address ?? { addr: 0, len: 0 }))).toEqual([
      '10.0.1.2/24',
      '10.0.1.4/24',
      '10.0.1.5/24',
    ]);
    expect(m.loadBalancers.map((l) => [l.host, formatCidr(l.address), l.mac, l.port])).toEqual([
      ['host1', '10.0.1.3/24', '02:42:0a:00:01:03', 'veth1'],
      ['host2', '10.0.1.6/24', '02:42:0a:00:01:06', 'veth1'],
    ]);
  });
  it('creates docker_gwbridge last on each node: 172.23/16 after five user networks on host1, 172.18/16 on host2', () => {
    const gw = m.networks.filter((n) => n.gwBridge === true);
    expect(gw.map((n) => [n.hosts[0], formatCidr(n.subnet), n.icc, n.masquerade, n.bridgeName])).toEqual([
      ['host1', '172.23.0.0/16', false, true, 'docker_gwbridge'],
      ['host2', '172.18.0.0/16', false, true, 'docker_gwbridge'],
    ]);
    expect(m.networks.at(-1)?.key).toBe('docker_gwbridge@host2');
  });
  it("puts each overlay container on docker_gwbridge from .3 (.2 is swarm's ingress sandbox)", () => {
    expect(
      ['o1', 'o2'].map((c) => addr(c, 'docker_gwbridge@host1')).map((e) => [e?.ifname, e && formatCidr(e.address)]),
    ).toEqual([
      ['eth1', '172.23.0.3/16'],
      ['eth1', '172.23.0.4/16'],
    ]);
    expect(
      addr('o3', 'docker_gwbridge@host2')?.address &&
        formatCidr(addr('o3', 'docker_gwbridge@host2')?.address ?? { addr: 0, len: 0 }),
    ).toBe('172.18.0.3/16');
  });
});

describe('overlay namespaces', () => {
  const p = plan(OVERLAY_LAB);

  it('is a consistent plan', () => {
    expect(planViolations(p)).toEqual([]);
  });
  it('builds br0 with the gateway, vxlan0 as Docker makes it, and one vethN port per local endpoint', () => {
    const o = ns(p, 'ov-ov1-host1');
    expect(o.role).toBe('overlay');
    expect(
      o.interfaces.map((i) => [
        i.name,
        i.kind,
        i.mtu,
        i.master ?? '',
        i.addresses.join(' '),
        i.peer === undefined ? '' : `${i.peer.ns}:${i.peer.name}`,
      ]),
    ).toEqual([
      ['lo', 'loopback', 65536, '', '127.0.0.1/8', ''],
      ['br0', 'bridge', 1450, '', '10.0.1.1/24', ''],
      ['vxlan0', 'vxlan', 1450, 'br0', '', ''],
      ['veth0', 'veth', 1450, 'br0', '', 'o1:eth0'],
      ['veth1', 'veth', 1450, 'br0', '', 'lb-ov1-host1:eth0'],
      ['veth2', 'veth', 1450, 'br0', '', 'o2:eth0'],
    ]);
    expect(iface(p, 'ov-ov1-host1', 'vxlan0')?.vxlan).toEqual({
      vni: 4097,
      dstPort: 4789,
      srcPortRange: [0, 0],
      underlayNs: 'host1',
      learning: true,
      proxy: true,
      l2miss: true,
      l3miss: true,
      ageingS: 300,
      udpCsum: true,
    });
    expect(iface(p, 'ov-ov1-host1', 'br0')?.mtuAuto).toBe(true);
  });
  it('programs a static FDB entry and a permanent neighbour on vxlan0 for every endpoint on the other nodes', () => {
    const h1 = ns(p, 'ov-ov1-host1');
    expect(h1.fdb).toEqual([
      { dev: 'vxlan0', mac: '02:42:0a:00:01:05', dst: '203.0.113.3' },
      { dev: 'vxlan0', mac: '02:42:0a:00:01:06', dst: '203.0.113.3' },
    ]);
    expect(h1.neighbours).toEqual([
      { dev: 'vxlan0', address: '10.0.1.5', lladdr: '02:42:0a:00:01:05' },
      { dev: 'vxlan0', address: '10.0.1.6', lladdr: '02:42:0a:00:01:06' },
    ]);
    expect(ns(p, 'ov-ov1-host2').fdb.map((f) => `${f.mac} ${f.dst}`)).toEqual([
      '02:42:0a:00:01:02 203.0.113.2',
      '02:42:0a:00:01:04 203.0.113.2',
      '02:42:0a:00:01:03 203.0.113.2',
    ]);
    expect(ns(p, 'ov-ov2-host1').fdb).toEqual([]);
  });
  it("gives each node's load balancer a namespace with eth0 on the overlay", () => {
    const lb = ns(p, 'lb-ov1-host2');
    expect(lb.role).toBe('overlay-lb');
    expect(lb.interfaces.map((i) => [i.name, i.mac, i.addresses.join(' '), i.mtu])).toEqual([
      ['lo', undefined, '127.0.0.1/8', 65536],
      ['eth0', '02:42:0a:00:01:06', '10.0.1.6/24', 1450],
    ]);
  });
  it('gives a container eth0 on the overlay (MTU 1450, subnet route only) and eth1 on docker_gwbridge with the default route', () => {
    const o1 = ns(p, 'o1');
    expect(o1.interfaces.map((i) => [i.name, i.mac, i.mtu, i.addresses.join(' '), i.peer?.ns])).toEqual([
      ['lo', undefined, 65536, '127.0.0.1/8', undefined],
      ['eth0', '02:42:0a:00:01:02', 1450, '10.0.1.2/24', 'ov-ov1-host1'],
      ['eth1', '02:42:ac:17:00:03', 1500, '172.23.0.3/16', 'host1'],
    ]);
    expect(o1.routes.filter((r) => r.proto === 'static')).toEqual([
      { dst: 'default', via: '172.23.0.1', dev: 'eth1', proto: 'static', scope: 'global', metric: 0 },
    ]);
    expect(iface(p, 'host1', 'docker_gwbridge')?.addresses).toEqual(['172.23.0.1/16']);
  });
  it('builds nothing for an overlay on the Docker host itself: no overlay route there', () => {
    expect(ns(p, 'host1').routes.some((r) => r.dst.startsWith('10.0.1.'))).toBe(false);
  });
});

describe('the default route of a container on an overlay (libnetwork needDefaultGW, getGatewayEndpoint)', () => {
  const base = OVERLAY_LAB.replace(/containers:[\s\S]*$/, '');
  it('takes no docker_gwbridge leg when a bridge network gives the container a gateway, in either order', () => {
    const p = plan(
      `${base}containers:\n  a1: { host: host1, networks: [ov1, netB] }\n  b1: { host: host1, networks: [netB, ov1] }\n`,
    );
    for (const c of ['a1', 'b1']) {
      expect(ns(p, c).interfaces.map((i) => i.name)).toEqual(['lo', 'eth0', 'eth1']);
      expect(ns(p, c).routes.find((r) => r.dst === 'default')?.via).toBe('172.19.0.1');
    }
  });
  it('takes the leg when the only bridge network is internal, and routes by it, not the internal one', () => {
    const p = plan(`${base}containers:\n  a1: { host: host1, networks: [netI, ov1] }\n`);
    expect(ns(p, 'a1').interfaces.map((i) => `${i.name} ${i.addresses.join(' ')}`)).toEqual([
      'lo 127.0.0.1/8',
      'eth0 172.20.0.2/16',
      'eth1 10.0.1.2/24',
      'eth2 172.23.0.3/16',
    ]);
    // endpoint.Less sorts the gw-bridge leg after every other endpoint, internal ones included: the
    // internal network's gateway wins.
    expect(ns(p, 'a1').routes.find((r) => r.dst === 'default')).toMatchObject({ via: '172.20.0.1', dev: 'eth0' });
  });
  it('takes no leg on an internal overlay alone (no gateway needed)', () => {
    const p = plan(
      `${base.replace('ov1: { driver: overlay }', 'ov1: { driver: overlay, internal: true }')}containers:\n  a1: { host: host1, networks: [ov1] }\n`,
    );
    expect(ns(p, 'a1').interfaces.map((i) => i.name)).toEqual(['lo', 'eth0']);
    expect(ns(p, 'a1').routes.some((r) => r.dst === 'default')).toBe(false);
  });
});

describe('the shell form', () => {
  const sh = renderPlanSh(plan(OVERLAY_LAB));
  it("makes vxlan0 in the node's namespace under a temporary name, moves it and renames it there", () => {
    const at = (s: string) => sh.indexOf(s);
    const add = 'ip -n "${P}host1" link add vx4097 address';
    expect(sh).toMatch(
      /ip -n "\$\{P\}host1" link add vx4097 address [0-9a-f:]+ mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum\n/,
    );
    expect(at(add)).toBeGreaterThan(0);
    expect(at('ip -n "${P}host1" link set vx4097 netns "${P}ov-ov1-host1"')).toBeGreaterThan(at(add));
    expect(at('ip -n "${P}ov-ov1-host1" link set vx4097 name vxlan0')).toBeGreaterThan(at('link set vx4097 netns'));
    expect(at('ip -n "${P}ov-ov1-host1" link set dev vxlan0 master br0')).toBeGreaterThan(
      at('link set vx4097 name vxlan0'),
    );
    expect(sh).toContain('ip -n "${P}host1" link add vx4242 ');
  });
  it('writes the static entries with bridge fdb append and ip neigh replace', () => {
    expect(sh).toContain(
      'bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:01:05 dev vxlan0 dst 203.0.113.3 self permanent',
    );
    expect(sh).toContain(
      'ip -n "${P}ov-ov1-host1" neigh replace 10.0.1.5 lladdr 02:42:0a:00:01:05 dev vxlan0 nud permanent',
    );
  });
});

describe('overlay validation', () => {
  const two = OVERLAY_LAB.replace(/networks:[\s\S]*$/, '');
  it('wants one address to advertise on every node, as docker swarm init does', () => {
    const text = `${two.replace('eth0: { segment: lan, address: 203.0.113.3/24 }', 'eth0: { segment: lan, addresses: [203.0.113.3/24, 203.0.113.4/24] }')}networks:\n  ov1: { driver: overlay }\ncontainers:\n  a1: { host: host1, networks: [ov1] }\n  b1: { host: host2, networks: [ov1] }\n`;
    expect(lines(text)).toEqual([
      expect.stringMatching(
        /^test\.yaml:\d+:\d+: error: hosts\.host2\.docker: an overlay spans host host2, which has several addresses \(203\.0\.113\.3 on eth0, 203\.0\.113\.4 on eth0\) and Docker will not choose one to advertise .*; set docker\.advertise-addr$/,
      ),
    ]);
    const fixed = text.replace(
      'host2:\n    kind: docker\n',
      'host2:\n    kind: docker\n    docker: { advertise-addr: 203.0.113.4 }\n',
    );
    expect(lines(fixed)).toEqual([]);
    expect(plan(fixed).namespaces.find((n) => n.id === 'ov-ov1-host1')?.fdb[0]?.dst).toBe('203.0.113.4');
    expect(lines(fixed.replace('advertise-addr: 203.0.113.4', 'advertise-addr: 198.51.100.9'))).toEqual([
      expect.stringContaining(
        "error: hosts.host2.docker.advertise-addr: expected one of this host's addresses (203.0.113.3, 203.0.113.4)",
      ),
    ]);
  });
  it("refuses a VNI another overlay or swarm's ingress has, and a network named docker_gwbridge", () => {
    const text = `${two}networks:\n  a: { driver: overlay, vni: 4096, hosts: [host1] }\n  b: { driver: overlay, vni: 5000, hosts: [host1] }\n  c: { driver: overlay, vni: 5000, hosts: [host1] }\n  docker_gwbridge: { host: host1 }\n`;
    expect(lines(text)).toEqual([
      expect.stringContaining("error: networks.a.vni: VNI 4096 is already used by swarm's ingress network"),
      expect.stringContaining('error: networks.c.vni: VNI 5000 is already used by overlay b'),
      expect.stringContaining(
        'error: networks.docker_gwbridge: "docker_gwbridge" is the network Docker creates on every swarm node',
      ),
    ]);
  });
  it('refuses names that would give two namespaces one id', () => {
    const text = `${two}networks:\n  a-b: { driver: overlay, hosts: [host1] }\ncontainers:\n  ov-a-b-host1: { host: host1, networks: [a-b] }\n`;
    expect(lines(text)).toContain(
      'test.yaml:24:17: error: containers.ov-a-b-host1: the name "ov-a-b-host1" is the namespace twinnet makes for overlay a-b on host1; rename one of them (got "ov-a-b-host1")',
    );
  });
});
