/**
 * State changes at run time on a real kernel, read back by verify as the oracle: a
 * change that adds a VXLAN device to an overlay namespace (created by its underlay
 * namespace and moved, as at build time) with its FDB entries and neighbour, and the
 * change that withdraws the entries and removes the device again, in one step each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { derivedMac } from '../core/hash.js';
import type { NamespacePlan, Plan, StateChange } from '../core/plan/types.js';
import { emulatorAvailable, itEmulator } from '../test/helpers/emulator.js';
import { buildOnKernel } from '../test/helpers/kernel-lab.js';
import { bridge, namespace, plan, veth, vxlan } from '../test/helpers/plans.js';
import type { AgentClient } from './agent-client.js';
import { applyChange, pairCreators } from './faults.js';
import { RunResources } from './lifecycle.js';
import type { RunNames } from './names.js';
import { verifyPlan } from './verify.js';

const NONE: StateChange = { addInterfaces: [], removeInterfaces: [], addRoutes: [], removeRoutes: [] };
const TUNNEL = vxlan('vxlan0', 4242, 'h1');
const FDB = [
  { dev: 'vxlan0', mac: '00:00:00:00:00:00', dst: '192.0.2.2' },
  { dev: 'vxlan0', mac: '00:00:00:00:00:00', dst: '192.0.2.3' },
  { dev: 'vxlan0', mac: '02:42:0a:00:01:03', dst: '192.0.2.2' },
];
const NEIGHBOUR = { dev: 'vxlan0', address: '10.0.1.3', lladdr: '02:42:0a:00:01:03' };

/**
 * A Docker host and an overlay namespace with br0 only, as before the first endpoint
 * joins. br0's MTU follows its ports (1500 without any), as a bridge whose MTU was given
 * only when it was created does (net/bridge/br_if.c br_mtu_auto_adjust).
 */
const BEFORE = plan('overlay-change', [
  namespace('h1', 'docker-host', []),
  namespace('ov', 'overlay', [bridge('br0', derivedMac('ov/br0'), ['10.0.1.1/24'])]),
]);

/**
 * The plan as it should read after the change: the tunnel (br0 takes its MTU), its flooding
 * entries, one remote endpoint.
 */
function withTunnel(p: Plan): Plan {
  const ov = p.namespaces[1] as NamespacePlan;
  const interfaces = [...ov.interfaces.map((i) => (i.name === 'br0' ? { ...i, mtu: 1450 } : i)), TUNNEL];
  return {
    ...p,
    namespaces: [p.namespaces[0] as NamespacePlan, { ...ov, interfaces, fdb: FDB, neighbours: [NEIGHBOUR] }],
  };
}

describe('state changes with VXLAN devices, FDB entries and neighbours', () => {
  let names: RunNames;
  let agent: AgentClient;
  const res = new RunResources();

  beforeAll(async () => {
    if (!emulatorAvailable()) return;
    ({ names, agent } = await buildOnKernel(BEFORE, res));
  }, 60_000);

  afterAll(() => res.teardown(), 60_000);

  itEmulator(
    'adds a vxlan through its underlay namespace, with its entries, then withdraws them and removes it',
    async () => {
      await verifyPlan(BEFORE, names, agent);
      await applyChange(names, {
        ...NONE,
        addInterfaces: [{ ns: 'ov', iface: TUNNEL }],
        addFdb: FDB.map((fdb) => ({ ns: 'ov', fdb })),
        addNeighbours: [{ ns: 'ov', neighbour: NEIGHBOUR }],
      });
      await verifyPlan(withTunnel(BEFORE), names, agent);
      // Withdrawing one flooding destination leaves the other.
      await applyChange(names, { ...NONE, removeFdb: [{ ns: 'ov', fdb: FDB[1] as (typeof FDB)[number] }] });
      const after = withTunnel(BEFORE);
      await verifyPlan(
        {
          ...after,
          namespaces: after.namespaces.map((n) => (n.id === 'ov' ? { ...n, fdb: [FDB[0], FDB[2]] as typeof FDB } : n)),
        },
        names,
        agent,
      );
      // Entries go before their device, in the same change.
      await applyChange(names, {
        ...NONE,
        removeInterfaces: [{ ns: 'ov', dev: 'vxlan0' }],
        removeFdb: [FDB[0], FDB[2]].map((fdb) => ({ ns: 'ov', fdb: fdb as (typeof FDB)[number] })),
        removeNeighbours: [{ ns: 'ov', neighbour: NEIGHBOUR }],
      });
      await verifyPlan(BEFORE, names, agent);
    },
  );
});

describe('pairCreators', () => {
  it('makes each added pair once, from the end listed first, whichever namespaces the pairs join', () => {
    // A connect to an overlay: the overlay leg (ov <-> c) and the docker_gwbridge leg
    // (host <-> c, listed host side last), as the compiler lists them.
    const items: StateChange['addInterfaces'] = [
      { ns: 'ov', iface: veth('veth0', '02:00:00:00:00:01', [], { ns: 'c', name: 'eth0' }, 'br0') },
      { ns: 'c', iface: veth('eth0', '02:00:00:00:00:02', [], { ns: 'ov', name: 'veth0' }) },
      { ns: 'c', iface: veth('eth1', '02:00:00:00:00:03', [], { ns: 'host', name: 'vethabc' }) },
      { ns: 'host', iface: veth('vethabc', '02:00:00:00:00:04', [], { ns: 'c', name: 'eth1' }, 'docker_gwbridge') },
    ];
    expect([...pairCreators(items)].sort()).toEqual(['c/eth1', 'ov/veth0']);
  });
});
