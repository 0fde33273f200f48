/**
 * The argv of VXLAN devices, static entries and the move of an overlay's vxlan0 from its
 * node's namespace, as the shell form and the emulator both take them.
 */
import { describe, expect, it } from 'vitest';
import { namespace, plan } from '../../test/helpers/plans.js';
import {
  createLink,
  fdbArgs,
  neighbourArgs,
  planCommands,
  vxlanAddArgs,
  vxlanAdoptLines,
  vxlanCreateLines,
  vxlanMoves,
  vxlanTempName,
} from './commands.js';
import type { InterfacePlan, NamespacePlan, VxlanParams } from './types.js';

const DOCKER: VxlanParams = {
  vni: 4097,
  dstPort: 4789,
  srcPortRange: [0, 0],
  underlayNs: 'node1',
  learning: true,
  proxy: true,
  l2miss: true,
  l3miss: true,
  ageingS: 300,
  udpCsum: true,
};

function vxlan(v: VxlanParams, name = 'vxlan0'): InterfacePlan {
  return { name, kind: 'vxlan', mac: '02:00:00:00:00:01', mtu: 1450, up: true, addresses: [], vxlan: v, why: 'test' };
}

describe('vxlanAddArgs', () => {
  it("writes Docker's vxlan0 as ip-link(8) takes it", () => {
    expect(vxlanAddArgs(vxlan(DOCKER), 'vx4097').join(' ')).toBe(
      'link add vx4097 address 02:00:00:00:00:01 mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum',
    );
  });
  it('writes a source port range, a local address, no learning, no checksum and a TTL when the plan has them', () => {
    const v: VxlanParams = {
      ...DOCKER,
      srcPortRange: [32768, 60999],
      local: '192.0.2.1',
      learning: false,
      proxy: false,
      l2miss: false,
      l3miss: false,
      udpCsum: false,
      ttl: 16,
    };
    expect(vxlanAddArgs(vxlan(v), 'vx0').join(' ')).toBe(
      'link add vx0 address 02:00:00:00:00:01 mtu 1450 type vxlan id 4097 dstport 4789 srcport 32768 60999 local 192.0.2.1 nolearning ageing 300 noudpcsum ttl 16',
    );
  });
});

describe("moving an overlay's VXLAN device", () => {
  const p = plan('t', [namespace('node1', 'docker-host', []), namespace('ov', 'overlay', [vxlan(DOCKER)])]);
  it('is made in the underlay namespace under a temporary name and moved, then renamed in its own', () => {
    expect(vxlanTempName(4097)).toBe('vx4097');
    expect(
      vxlanMoves(p)
        .get('node1')
        ?.map((m) => m.ns),
    ).toEqual(['ov']);
    expect(vxlanCreateLines('ov', vxlan(DOCKER))).toEqual([
      vxlanAddArgs(vxlan(DOCKER), 'vx4097'),
      ['link', 'set', 'vx4097', 'netns', { ns: 'ov' }],
    ]);
    expect(vxlanAdoptLines(vxlan(DOCKER))).toEqual([['link', 'set', 'vx4097', 'name', 'vxlan0']]);
    expect(createLink(p.namespaces[1] as NamespacePlan, vxlan(DOCKER), new Set())).toEqual(
      vxlanAdoptLines(vxlan(DOCKER)),
    );
  });
  it("puts the creation in the underlay's link group, before the owner's rename", () => {
    const links = planCommands(p).filter((g) => g.phase === 'links');
    expect(
      links.map((g) => [
        g.ns,
        g.lines.map((l) =>
          l
            .slice(0, 4)
            .map((a) => (typeof a === 'string' ? a : `{${a.ns}}`))
            .join(' '),
        ),
      ]),
    ).toEqual([
      ['node1', ['link add vx4097 address', 'link set vx4097 netns']],
      ['ov', ['link set vx4097 name']],
    ]);
  });
  it('is made in place, with its final name, when its underlay is its own namespace', () => {
    const own = namespace('h', 'host', [vxlan({ ...DOCKER, underlayNs: 'h' }, 'vx0')]);
    expect(createLink(own, own.interfaces[1] as InterfacePlan, new Set())).toEqual([
      vxlanAddArgs(own.interfaces[1] as InterfacePlan, 'vx0'),
    ]);
    expect(vxlanMoves(plan('t', [own])).size).toBe(0);
  });
});

describe('static entries', () => {
  it('are bridge fdb append ... self permanent and ip neigh replace ... nud permanent', () => {
    expect(fdbArgs({ dev: 'vxlan0', mac: '02:42:0a:00:01:05', dst: '203.0.113.3' }).join(' ')).toBe(
      'fdb append 02:42:0a:00:01:05 dev vxlan0 dst 203.0.113.3 self permanent',
    );
    expect(neighbourArgs({ dev: 'vxlan0', address: '10.0.1.5', lladdr: '02:42:0a:00:01:05' }).join(' ')).toBe(
      'neigh replace 10.0.1.5 lladdr 02:42:0a:00:01:05 dev vxlan0 nud permanent',
    );
  });
});
