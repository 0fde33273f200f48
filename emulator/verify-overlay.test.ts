/**
 * The overlay read-back: comparing VXLAN parameters, static FDB entries and permanent
 * neighbours with the plan; then on a real kernel, two overlays on one Docker host (two
 * `vxlan0`s, both with their socket in the host's namespace) build and verify, and
 * changes made behind the emulator's back are reported with namespace, object and both
 * values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedMac } from '../core/hash.js';
import type { NamespacePlan, VxlanParams } from '../core/plan/types.js';
import { emulatorAvailable, itEmulator } from '../test/helpers/emulator.js';
import { buildOnKernel } from '../test/helpers/kernel-lab.js';
import { bridge, namespace, plan, vxlan } from '../test/helpers/plans.js';
import type { AgentClient } from './agent-client.js';
import { EmulatorError } from './errors.js';
import { run } from './exec.js';
import { RunResources } from './lifecycle.js';
import type { RunNames } from './names.js';
import { compareFdb, compareNeighbours, compareVxlan, type FdbJson } from './verify-overlay.js';
import { verifyPlan } from './verify.js';

const DOCKER: VxlanParams = {
  vni: 4097,
  dstPort: 4789,
  srcPortRange: [0, 0],
  underlayNs: 'h1',
  learning: true,
  proxy: true,
  l2miss: true,
  l3miss: true,
  ageingS: 300,
  udpCsum: true,
};

/** What iproute2 6.1 prints for Docker's vxlan0 (docker-semantics.md 6(h)). */
const DOCKER_INFO = {
  id: 4097,
  port_range: { low: 0, high: 0 },
  port: 4789,
  learning: true,
  proxy: true,
  l2miss: true,
  l3miss: true,
  ttl: 0,
  ageing: 300,
  udp_csum: true,
};

const ov = (fdb: NamespacePlan['fdb'], neighbours: NamespacePlan['neighbours']) =>
  namespace('ov', 'overlay', [], { fdb, neighbours });
const self = (mac: string, dst: string, ifname = 'vxlan0'): FdbJson => ({
  mac,
  ifname,
  dst,
  flags: ['self'],
  state: 'permanent',
});

describe('comparing overlays', () => {
  it("finds nothing when the kernel holds Docker's vxlan0", () => {
    expect(compareVxlan(DOCKER, DOCKER_INFO, 'h1')).toEqual([]);
    // ip leaves out proxy, l2miss and l3miss when they are off.
    const { proxy: _p, l2miss: _2, l3miss: _3, ...quiet } = DOCKER_INFO;
    expect(compareVxlan({ ...DOCKER, proxy: false, l2miss: false, l3miss: false }, quiet, 'h1')).toEqual([]);
  });
  it('names every parameter that differs, with both values', () => {
    const got = {
      ...DOCKER_INFO,
      id: 4098,
      port: 8472,
      port_range: { low: 1000, high: 2000 },
      local: '192.0.2.9',
      learning: false,
      ageing: 100,
      udp_csum: false,
      ttl: 5,
    };
    expect(compareVxlan(DOCKER, got, 'h2')).toEqual([
      'vxlan id 4098, the plan says 4097',
      'vxlan dstport 8472, the plan says 4789',
      'vxlan srcport 1000 2000, the plan says 0 0',
      'vxlan local 192.0.2.9, the plan says none',
      'vxlan learning off, the plan says on',
      'vxlan ageing 100, the plan says 300',
      'vxlan udpcsum off, the plan says on',
      'vxlan ttl 5, the plan says auto',
      'vxlan underlay namespace h2, the plan says h1',
    ]);
    expect(compareVxlan(DOCKER, DOCKER_INFO, undefined)).toEqual([
      'vxlan underlay namespace one outside this run, the plan says h1',
    ]);
  });
  it("compares a vxlan's static FDB entries both ways, and leaves the kernel's own and learned ones alone", () => {
    const ns = ov(
      [
        { dev: 'vxlan0', mac: '02:42:0a:00:01:03', dst: '192.0.2.2' },
        { dev: 'vxlan0', mac: '00:00:00:00:00:00', dst: '192.0.2.2' },
      ],
      [],
    );
    const kernelOwn: FdbJson[] = [
      { mac: '02:aa:00:00:00:01', ifname: 'vxlan0', flags: [], master: 'br0', state: 'permanent' },
      { mac: '01:00:5e:00:00:01', ifname: 'br0', flags: ['self'], state: 'permanent' },
      { mac: '02:42:0a:00:01:09', ifname: 'vxlan0', dst: '192.0.2.3', flags: ['self'] },
    ];
    expect(
      compareFdb(
        ns,
        [...kernelOwn, self('02:42:0a:00:01:03', '192.0.2.2'), self('00:00:00:00:00:00', '192.0.2.2')],
        new Set(['vxlan0']),
      ),
    ).toEqual([]);
    expect(
      compareFdb(
        ns,
        [self('02:42:0a:00:01:03', '192.0.2.7'), self('02:42:0a:00:01:04', '192.0.2.2')],
        new Set(['vxlan0']),
      ),
    ).toEqual([
      'fdb 02:42:0a:00:01:03 dev vxlan0: dst 192.0.2.7, the plan says 192.0.2.2',
      'fdb 00:00:00:00:00:00 dev vxlan0 dst 192.0.2.2 self permanent is missing',
      'the kernel has fdb 02:42:0a:00:01:04 dev vxlan0 dst 192.0.2.2 self permanent, which is not in the plan',
    ]);
  });
  it('compares permanent neighbours both ways', () => {
    const ns = ov(
      [],
      [
        { dev: 'vxlan0', address: '10.0.1.3', lladdr: '02:42:0a:00:01:03' },
        { dev: 'vxlan0', address: '10.0.1.4', lladdr: '02:42:0a:00:01:04' },
      ],
    );
    const perm = (dst: string, lladdr: string) => ({ dst, dev: 'vxlan0', lladdr, state: ['PERMANENT'] });
    expect(
      compareNeighbours(ns, [perm('10.0.1.3', '02:42:0a:00:01:03'), perm('10.0.1.4', '02:42:0a:00:01:04')]),
    ).toEqual([]);
    expect(
      compareNeighbours(ns, [perm('10.0.1.3', '02:42:0a:00:01:99'), perm('10.0.1.5', '02:42:0a:00:01:05')]),
    ).toEqual([
      'neighbour 10.0.1.3 dev vxlan0: lladdr 02:42:0a:00:01:99, the plan says 02:42:0a:00:01:03',
      'neighbour 10.0.1.4 dev vxlan0 lladdr 02:42:0a:00:01:04 is missing',
      'the kernel has neighbour 10.0.1.5 dev vxlan0 lladdr 02:42:0a:00:01:05, which is not in the plan',
    ]);
  });
});

/**
 * Two overlays on one Docker host: ovA (VNI 4242) and ovB (VNI 4243), each with br0 and vxlan0
 * whose socket is in h1.
 */
function twoOverlays() {
  const overlay = (id: string, vni: number, peerMac: string) =>
    namespace(
      id,
      'overlay',
      [
        { ...bridge('br0', derivedMac(`${id}/br0`), ['10.0.1.1/24']), mtu: 1450, mtuAuto: false },
        vxlan('vxlan0', vni, 'h1'),
      ],
      {
        fdb: [{ dev: 'vxlan0', mac: peerMac, dst: '192.0.2.2' }],
        neighbours: [{ dev: 'vxlan0', address: '10.0.1.3', lladdr: peerMac }],
      },
    );
  return plan('two-overlays', [
    namespace('h1', 'docker-host', []),
    overlay('ovA', 4242, '02:42:0a:00:01:03'),
    overlay('ovB', 4243, '02:42:0a:00:02:03'),
  ]);
}

describe('two overlays on one Docker host, read back', () => {
  const p = twoOverlays();
  let names: RunNames;
  let agent: AgentClient;
  const res = new RunResources();

  beforeAll(async () => {
    if (!emulatorAvailable()) return;
    ({ names, agent } = await buildOnKernel(p, res));
  }, 60_000);

  afterAll(() => res.teardown(), 60_000);

  itEmulator("builds both vxlan0s, their sockets in the host's namespace, and verifies", async () => {
    await verifyPlan(p, names, agent);
    for (const [id, vni] of [
      ['ovA', 4242],
      ['ovB', 4243],
    ] as const) {
      const [l] = JSON.parse((await run(['ip', '-n', names.ns(id), '-d', '-j', 'link', 'show', 'vxlan0'])).stdout) as {
        ifname: string;
        link_netnsid?: number;
        linkinfo: { info_data: { id: number } };
      }[];
      expect(l).toMatchObject({ ifname: 'vxlan0', linkinfo: { info_data: { id: vni } } });
      expect(l?.link_netnsid).toBeDefined();
    }
    // The host keeps no device of them (the temporary names are gone) but holds their one UDP socket.
    const hostLinks = JSON.parse((await run(['ip', '-n', names.ns('h1'), '-j', 'link', 'show'])).stdout) as {
      ifname: string;
    }[];
    expect(hostLinks.map((l) => l.ifname)).toEqual(['lo']);
    const sockets = (await run(['ip', 'netns', 'exec', names.ns('h1'), 'ss', '-Hlun', 'sport', '=', ':4789'])).stdout
      .trim()
      .split('\n')
      .filter((l) => l !== '');
    expect(sockets).toHaveLength(1);
  });

  itEmulator("reports a vxlan parameter, an FDB entry and a neighbour changed behind the emulator's back", async () => {
    await run(['ip', '-n', names.ns('ovA'), 'link', 'set', 'dev', 'vxlan0', 'type', 'vxlan', 'ageing', '100']);
    await run([
      'bridge',
      '-n',
      names.ns('ovB'),
      'fdb',
      'replace',
      '02:42:0a:00:02:03',
      'dev',
      'vxlan0',
      'dst',
      '192.0.2.9',
      'self',
      'permanent',
    ]);
    await run([
      'ip',
      '-n',
      names.ns('ovA'),
      'neigh',
      'replace',
      '10.0.1.3',
      'lladdr',
      '02:42:0a:00:01:99',
      'dev',
      'vxlan0',
      'nud',
      'permanent',
    ]);
    await run(['ip', '-n', names.ns('ovB'), 'neigh', 'del', '10.0.1.3', 'dev', 'vxlan0']);
    const e = await verifyPlan(p, names, agent).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(EmulatorError);
    expect((e as EmulatorError).kind).toBe('verify-mismatch');
    expect(
      (e as EmulatorError).message
        .split('\n')
        .slice(1)
        .map((l) => l.trim())
        .sort(),
    ).toEqual([
      'namespace ovA: interface vxlan0: vxlan ageing 100, the plan says 300',
      'namespace ovA: neighbour 10.0.1.3 dev vxlan0: lladdr 02:42:0a:00:01:99, the plan says 02:42:0a:00:01:03',
      'namespace ovB: fdb 02:42:0a:00:02:03 dev vxlan0: dst 192.0.2.9, the plan says 192.0.2.2',
      'namespace ovB: neighbour 10.0.1.3 dev vxlan0 lladdr 02:42:0a:00:02:03 is missing',
    ]);
  });
});

describe("a vxlan outside its plan's underlay", () => {
  itEmulator('is reported with the namespace that holds its socket', async () => {
    const { master: _m, port: _p, ...alone } = vxlan('vxlan0', 4242, 'h1');
    const p = plan('wrong-underlay', [
      namespace('h1', 'docker-host', []),
      namespace('h2', 'docker-host', []),
      namespace('ov', 'overlay', [alone]),
    ]);
    const res = new RunResources();
    try {
      const { names, agent } = await buildOnKernel(p, res);
      await verifyPlan(p, names, agent);
      // Made again from h2 behind the emulator's back, with the same settings.
      await run(['ip', '-n', names.ns('ov'), 'link', 'del', 'vxlan0']);
      await run([
        'ip',
        '-n',
        names.ns('h2'),
        'link',
        'add',
        'name',
        'tmpx',
        'address',
        alone.mac ?? '',
        'type',
        'vxlan',
        'id',
        '4242',
        'dstport',
        '4789',
        'proxy',
        'l2miss',
        'l3miss',
        'ageing',
        '300',
        'udpcsum',
        'ttl',
        'auto',
      ]);
      await run(['ip', '-n', names.ns('h2'), 'link', 'set', 'dev', 'tmpx', 'netns', names.ns('ov'), 'name', 'vxlan0']);
      await run([
        'ip',
        '-n',
        names.ns('ov'),
        'link',
        'set',
        'dev',
        'vxlan0',
        'mtu',
        '1450',
        'alias',
        names.alias,
        'up',
      ]);
      await expect(verifyPlan(p, names, agent)).rejects.toThrow(
        'namespace ov: interface vxlan0: vxlan underlay namespace h2, the plan says h1',
      );
    } finally {
      await res.teardown();
    }
  });
});
