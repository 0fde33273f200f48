/**
 * Connects, disconnects and the overlay control plane at run time: the veth pairs, the
 * docker_gwbridge leg and the default route Docker moves, and the FDB and neighbour
 * entries other nodes get or lose, including late programming and stale entries.
 */
import { describe, expect, it } from 'vitest';
import { lines, OVERLAY_LAB, plan } from '../../../test/helpers/scenario.js';
import { planViolations } from '../invariants.js';
import type { ActionPlan, Plan, StateChange } from '../types.js';

const LAB = OVERLAY_LAB.replace(/containers:[\s\S]*$/, '');

function changes(p: Plan): Record<string, StateChange> {
  return Object.fromEntries(p.timeline.flatMap((t) => ('change' in t.action ? [[t.name, t.action.change]] : [])));
}

function action(p: Plan, name: string): ActionPlan | undefined {
  return p.timeline.find((t) => t.name === name)?.action;
}

/** A compact view of a change: devices added and removed, routes, entries. */
function brief(c: StateChange | undefined) {
  return {
    add: c?.addInterfaces.map((a) => `${a.ns}:${a.iface.name}`),
    remove: c?.removeInterfaces.map((r) => `${r.ns}:${r.dev}`),
    routes: [
      ...(c?.addRoutes.map((r) => `+${r.ns} ${r.route.dst}${r.route.via ? ` via ${r.route.via}` : ''}`) ?? []),
      ...(c?.removeRoutes.map((r) => `-${r.ns} ${r.route.dst}${r.route.via ? ` via ${r.route.via}` : ''}`) ?? []),
    ],
    fdb: [
      ...(c?.addFdb?.map((f) => `+${f.ns} ${f.fdb.mac} ${f.fdb.dst}`) ?? []),
      ...(c?.removeFdb?.map((f) => `-${f.ns} ${f.fdb.mac} ${f.fdb.dst}`) ?? []),
    ],
    neigh: [
      ...(c?.addNeighbours?.map((n) => `+${n.ns} ${n.neighbour.address}`) ?? []),
      ...(c?.removeNeighbours?.map((n) => `-${n.ns} ${n.neighbour.address}`) ?? []),
    ],
  };
}

describe('connect and disconnect on an overlay', () => {
  const p = plan(
    `${LAB}containers:
  o1: { host: host1, networks: [ov1] }
  o3: { host: host2, networks: [netZ] }
timeline:
  - { at: 1s, name: late, connect: { container: o3, network: ov1, program: none } }
  - { at: 2s, name: deliver, program: { host: host1, network: ov1, container: o3 } }
  - { at: 3s, name: leave, disconnect: { container: o3, network: ov1, unprogram: none } }
  - { at: 4s, name: withdraw, unprogram: { host: host1, network: ov1, container: o3 } }
`.replace('networks: [netZ]', 'networks: []'),
  );

  it('is a consistent plan', () => {
    expect(planViolations(p)).toEqual([]);
  });
  it("a connect adds the overlay leg, the node's first load balancer, and the gwbridge leg with the default route; program none leaves host1 without the endpoint's entries", () => {
    expect(brief(changes(p).late)).toEqual({
      add: [
        'ov-ov1-host2:veth0',
        'o3:eth0',
        'ov-ov1-host2:veth1',
        'lb-ov1-host2:eth0',
        'host2:' + (changes(p).late?.addInterfaces[4]?.iface.name ?? ''),
        'o3:eth1',
      ],
      remove: [],
      routes: ['+o3 10.0.1.0/24', '+lb-ov1-host2 10.0.1.0/24', '+o3 172.18.0.0/16', '+o3 default via 172.18.0.1'],
      // The load balancer is announced with the node joining the network, whatever the container's programming.
      fdb: ['+ov-ov1-host1 02:42:0a:00:01:05 203.0.113.3'],
      neigh: ['+ov-ov1-host1 10.0.1.5'],
    });
  });
  it('program delivers the entries to one node', () => {
    expect(action(p, 'deliver')).toMatchObject({ kind: 'program', host: 'host1', container: 'o3', network: 'ov1' });
    // o3 took .4 and its node's load balancer .5.
    expect(brief(changes(p).deliver)).toMatchObject({
      fdb: ['+ov-ov1-host1 02:42:0a:00:01:04 203.0.113.3'],
      neigh: ['+ov-ov1-host1 10.0.1.4'],
    });
  });
  it("a disconnect with unprogram none removes the pair and the gwbridge leg but leaves host1's entries stale; unprogram withdraws them", () => {
    expect(brief(changes(p).leave)).toMatchObject({
      remove: ['ov-ov1-host2:veth0', expect.stringMatching(/^host2:veth[0-9a-f]{7}$/)],
      routes: ['-o3 default via 172.18.0.1'],
      fdb: [],
      neigh: [],
    });
    expect(brief(changes(p).withdraw)).toMatchObject({
      fdb: ['-ov-ov1-host1 02:42:0a:00:01:04 203.0.113.3'],
      neigh: ['-ov-ov1-host1 10.0.1.4'],
    });
  });
});

describe('default programming', () => {
  const p = plan(`${LAB}containers:
  o1: { host: host1, networks: [ov1] }
  o2: { host: host1, networks: [ov1] }
  o3: { host: host2, networks: [ov1] }
timeline:
  - { at: 1s, name: out, disconnect: { container: o2, network: ov1 } }
  - { at: 2s, name: in, connect: { container: o2, network: ov1 } }
`);
  it('a disconnect withdraws the endpoint from every other node, and a reconnect programs the new address there (serial IPAM)', () => {
    expect(brief(changes(p).out)).toMatchObject({
      fdb: ['-ov-ov1-host2 02:42:0a:00:01:04 203.0.113.2'],
      neigh: ['-ov-ov1-host2 10.0.1.4'],
    });
    expect(brief(changes(p).in)).toMatchObject({
      fdb: ['+ov-ov1-host2 02:42:0a:00:01:07 203.0.113.2'],
      neigh: ['+ov-ov1-host2 10.0.1.7'],
    });
  });
  it('the overlay port names count up and are never reused (libnetwork osl)', () => {
    expect(changes(p).out?.removeInterfaces).toContainEqual({ ns: 'ov-ov1-host1', dev: 'veth2' });
    expect(changes(p).in?.addInterfaces.map((a) => `${a.ns}:${a.iface.name}`)).toContain('ov-ov1-host1:veth3');
  });
});

describe("the docker_gwbridge leg follows the container's gateway (default_gateway.go)", () => {
  const p = plan(`${LAB}containers:
  m1: { host: host1, networks: [ov1, netA] }
timeline:
  - { at: 1s, name: dropA, disconnect: { container: m1, network: netA } }
  - { at: 2s, name: backA, connect: { container: m1, network: netA } }
  - { at: 3s, name: dropOv, disconnect: { container: m1, network: ov1 } }
`);
  it('starts without a leg (netA gives the gateway)', () => {
    expect(p.namespaces.find((n) => n.id === 'm1')?.interfaces.map((i) => i.name)).toEqual(['lo', 'eth0', 'eth1']);
  });
  it('adds the leg when netA goes and moves the default route to it', () => {
    expect(brief(changes(p).dropA)).toMatchObject({
      add: [expect.stringMatching(/^host1:veth/), 'm1:eth2'],
      routes: ['+m1 172.23.0.0/16', '+m1 default via 172.23.0.1', '-m1 default via 172.18.0.1'],
    });
  });
  it('drops the leg again when netA comes back, as eth3', () => {
    expect(brief(changes(p).backA)).toMatchObject({
      add: [expect.stringMatching(/^host1:veth/), 'm1:eth3'],
      remove: [expect.stringMatching(/^host1:veth/)],
      routes: ['+m1 172.18.0.0/16', '+m1 default via 172.18.0.1', '-m1 default via 172.23.0.1'],
    });
  });
  it('leaves the default route alone when the overlay goes', () => {
    expect(brief(changes(p).dropOv)).toMatchObject({ add: [], remove: ['ov-ov1-host1:veth0'], routes: [] });
  });
});

describe('timeline errors of the control plane, each at its field', () => {
  const text = (timeline: string) => `${LAB}containers:
  o1: { host: host1, networks: [ov1, netA] }
  o3: { host: host2, networks: [ov1] }
timeline:
${timeline}`;
  it("program and unprogram name a node of the overlay other than the container's, and an overlay", () => {
    expect(
      lines(
        text(`  - { at: 1s, program: { host: ext, network: ov1, container: o1 } }
  - { at: 1s, program: { host: host1, network: ov1, container: o1 } }
  - { at: 1s, program: { host: host2, network: netA, container: o1 } }
  - { at: 1s, unprogram: { host: host2, network: ov1, container: o9 } }
`),
      ),
    ).toEqual([
      'test.yaml:33:32: error: timeline[0].program.host: overlay ov1 spans host1, host2; expected another node of the overlay (got "ext")',
      'test.yaml:34:32: error: timeline[1].program.host: o1 runs on host1; a node never holds entries for its own endpoints; expected another node of the overlay (got "host1")',
      'test.yaml:35:48: error: timeline[2].program.network: expected an overlay network (ov2, ov1) (got "netA")',
      'test.yaml:36:66: error: timeline[3].unprogram.container: unknown container; expected one of: o1, o3 (got "o9")',
    ]);
  });
  it('program needs a current endpoint not yet programmed; unprogram needs entries to withdraw', () => {
    expect(
      lines(
        text(`  - { at: 1s, program: { host: host2, network: ov1, container: o1 } }
  - { at: 2s, unprogram: { host: host2, network: ov1, container: o1 } }
  - { at: 3s, unprogram: { host: host2, network: ov1, container: o1 } }
  - { at: 4s, disconnect: { container: o1, network: ov1 } }
  - { at: 5s, program: { host: host2, network: ov1, container: o1 } }
`),
      ),
    ).toEqual([
      "test.yaml:33:24: error: timeline[0].program: host2 already holds o1's entries on ov1 at that time",
      'test.yaml:35:26: error: timeline[2].unprogram: host2 holds no entries for o1 on ov1 at that time; expected a container whose entries it holds (current or stale)',
      'test.yaml:37:64: error: timeline[4].program.container: container o1 is not connected to ov1 at that time; only a current endpoint can be programmed (got "o1")',
    ]);
  });
  it('program and unprogram lists on connect and disconnect name other nodes of an overlay', () => {
    expect(
      lines(
        text(`  - { at: 1s, disconnect: { container: o1, network: netA, unprogram: none } }
  - { at: 2s, disconnect: { container: o3, network: ov1, unprogram: [host2, ext] } }
  - { at: 3s, connect: { container: o3, network: ov1, program: [host1] } }
`),
      ),
    ).toEqual([
      'test.yaml:33:70: error: timeline[0].disconnect.unprogram: unprogram is for overlay networks, whose control plane programs the other nodes; netA is not one',
      'test.yaml:34:70: error: timeline[1].disconnect.unprogram[0]: the endpoint is on host2; a node never holds entries for its own endpoints (got "host2")',
      'test.yaml:34:77: error: timeline[1].disconnect.unprogram[1]: overlay ov1 spans host1, host2; expected one of the other nodes: host1 (got "ext")',
    ]);
  });
});

describe('stale entries', () => {
  it('block programming the same address from another node until they are withdrawn', () => {
    const three = LAB.replace(
      '  ext:\n',
      '  host3:\n    kind: docker\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.4/24 }\n  ext:\n',
    ).replace(
      'ov1: { driver: overlay }',
      'ov1: { driver: overlay, subnet: 10.0.1.0/24, hosts: [host1, host2, host3] }',
    );
    const text = `${three}containers:
  o1: { host: host1, networks: [ov1] }
  o3: { host: host2, networks: [{ network: ov1, ipv4-address: 10.0.1.5 }] }
  o4: { host: host3, networks: [] }
timeline:
  - { at: 1s, disconnect: { container: o3, network: ov1, unprogram: none } }
  - { at: 2s, connect: { container: o4, network: ov1, ipv4-address: 10.0.1.5 } }
`;
    expect(lines(text)).toEqual([
      'test.yaml:39:24: error: timeline[1].connect.program: host1 still holds entries for 10.0.1.5 from o3 (another MAC or node); withdraw them first with unprogram',
    ]);
    const fixed = text.replace(
      '  - { at: 2s, connect',
      '  - { at: 2s, unprogram: { host: host1, network: ov1, container: o3 } }\n  - { at: 3s, connect',
    );
    expect(lines(fixed)).toEqual([]);
  });
});
