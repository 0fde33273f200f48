/**
 * Building a topology from a plan and changing it at run time (topology.ts): docker network
 * disconnect and connect, applied directly with `Topology.apply`.
 */
import { describe, expect, it } from 'vitest';
import type { ActionPlan } from '../core/plan/types.js';
import { Bridge } from './net/bridge.js';
import { Veth } from './net/veth.js';
import { planOf, probeNamed, runScenario } from './test-helpers.js';
import { Topology } from './topology.js';

const YAML = `
version: 1
hosts:
  dockerhost:
    kind: docker
    interfaces:
      eth0: { segment: lan, address: 203.0.113.2/24 }
segments:
  lan: { subnet: 203.0.113.0/24 }
networks:
  small: { mtu: 1450 }
containers:
  web: { networks: [small], listen: [tcp/80] }
timeline:
  - { at: 1s, disconnect: { container: web, network: small } }
  - { at: 2s, connect: { container: web, network: small } }
  - { at: 3s, name: after, tcp: { from: dockerhost, to: web, port: 80 } }
`;

type Change = Extract<ActionPlan, { kind: 'connect' | 'disconnect' }>['change'];

describe('Topology changes at run time', () => {
  const plan = planOf(YAML);
  const changes = plan.timeline.flatMap((t) =>
    t.action.kind === 'connect' || t.action.kind === 'disconnect' ? [t.action.change] : [],
  ) as Change[];

  it('builds the plan: the container veth is a port of the network bridge, which takes its MTU', () => {
    const w = new Topology(plan);
    const br = w.device('dockerhost', 'br-small') as Bridge;
    expect(br).toBeInstanceOf(Bridge);
    expect(br.ports).toHaveLength(1);
    expect(br.mtu).toBe(1450);
    const eth0 = w.device('web', 'eth0') as Veth;
    expect(eth0.peer.master).toBe(br);
    expect(eth0.carrier).toBe(true);
  });

  it('disconnect deletes the pair, its address and routes; the empty bridge goes back to 1500; connect restores it', () => {
    const w = new Topology(plan);
    const br = w.device('dockerhost', 'br-small') as Bridge;
    w.apply(changes[0] as Change);
    expect(br.ports).toEqual([]);
    expect(br.mtu).toBe(1500);
    expect(w.ns('web').devices.has('eth0')).toBe(false);
    expect(w.ns('web').addresses.filter((a) => a.dev.name !== 'lo')).toEqual([]);
    expect(w.ns('web').routes.all()).toEqual([]);
    w.apply(changes[1] as Change);
    expect(br.ports).toHaveLength(1);
    expect(br.mtu).toBe(1450);
    expect(w.ns('web').routes.lookup(0x08080808)?.dev).toBe('eth1');
  });

  it('the reconnected container answers again', () => {
    expect(probeNamed(runScenario(YAML), 'after').outcome).toBe('delivered');
  });
});
