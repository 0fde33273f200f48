/**
 * Isolation between user-defined bridge networks, as a property of the whole pipeline
 * (scenario -> Docker's rules for the chosen engine -> the simulator's netfilter): for
 * any containers on two networks, any published ports, under every engine version and
 * daemon and network option, no container reaches a container of the other network at
 * its address: not by ping, not at a published container port, not at an unpublished
 * one, in either direction.
 *
 * Where Docker opts out of isolation by design the property does not claim it: gateway
 * mode `routed` (moby 28+ accepts published ports and ICMP into a routed network from
 * anywhere, network.go setICMP and setPerPortForwarding), and `nat-unprotected` under
 * engine 29 (29 dropped the isolation chains: its DOCKER chain accepts everything into
 * an unprotected network, network.go setDefaultForwardRule). Those modes are left out
 * of the generator, and the test says so in its name.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { simulate } from '../../sim/run.js';
import { planOf } from '../../sim/test-helpers.js';

type Version = '20.10' | '28' | '29';

interface NetOpts {
  internal: boolean;
  icc: boolean;
  masquerade: boolean;
  snat: boolean;
  unprotected: boolean;
}

interface Case {
  version: Version;
  proxy: boolean;
  icc: boolean;
  nets: [NetOpts, NetOpts];
  /** Containers per network: how many, and which publish their port 80. */
  members: [boolean[], boolean[]];
}

const netArb = (version: Version): fc.Arbitrary<NetOpts> =>
  fc.record({
    internal: fc.boolean(),
    icc: fc.boolean(),
    masquerade: fc.boolean(),
    snat: version === '20.10' ? fc.constant(false) : fc.boolean(),
    unprotected: version === '28' ? fc.boolean() : fc.constant(false),
  });

const caseArb: fc.Arbitrary<Case> = fc.constantFrom<Version>('20.10', '28', '29').chain((version) =>
  fc.record({
    version: fc.constant(version),
    proxy: fc.boolean(),
    icc: fc.boolean(),
    nets: fc.tuple(netArb(version), netArb(version)),
    members: fc.tuple(
      fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
      fc.array(fc.boolean(), { minLength: 1, maxLength: 2 }),
    ),
  }),
);

function scenario(c: Case): string {
  const nets = ['netA', 'netB'];
  const networks = Object.fromEntries(
    c.nets.map((n, i) => [
      nets[i],
      {
        subnet: `172.${18 + i}.0.0/16`,
        internal: n.internal,
        icc: n.icc,
        masquerade: n.masquerade,
        ...(n.snat && { 'host-ipv4': '203.0.113.2' }),
        ...(n.unprotected && { 'gateway-mode': 'nat-unprotected' }),
      },
    ]),
  );
  let port = 8080;
  const containers = Object.fromEntries(
    c.members.flatMap((list, i) =>
      list.map((published, j) => [
        `c${i}${j}`,
        {
          networks: [nets[i]],
          listen: ['tcp/80', 'udp/53'],
          ...(published && { ports: [`${port++}:80`, `${port++}:53/udp`] }),
        },
      ]),
    ),
  );
  const names = Object.keys(containers);
  const timeline = names.flatMap((from) =>
    names
      .filter((to) => to[1] !== from[1])
      .flatMap((to, k) => [
        { at: `${1 + k * 0.01}s`, name: `cross-${from}-ping-${to}`, ping: { from, to } },
        { at: `${1 + k * 0.01}s`, name: `cross-${from}-tcp-${to}`, tcp: { from, to, port: 80 } },
        { at: `${1 + k * 0.01}s`, name: `cross-${from}-udp-${to}`, udp: { from, to, port: 53 } },
      ]),
  );
  // Controls, so that a harness where nothing works cannot pass: each container pings
  // its gateway (always allowed: INPUT is untouched), and the outside (unless internal).
  names.forEach((from, k) =>
    timeline.push(
      { at: `${2 + k * 0.01}s`, name: `gw-${from}`, ping: { from, to: `172.${18 + Number(from[1])}.0.1` } } as never,
      { at: `${2 + k * 0.01}s`, name: `ext-${from}`, ping: { from, to: '203.0.113.1' } } as never,
    ),
  );
  return stringify({
    version: 1,
    hosts: {
      dockerhost: {
        kind: 'docker',
        docker: { version: c.version, 'userland-proxy': c.proxy, icc: c.icc },
        interfaces: { eth0: { segment: 'lan', address: '203.0.113.2/24' } },
        routes: [{ to: 'default', via: '203.0.113.1' }],
      },
      // The route back lets the control pings return from networks without masquerade.
      ext: {
        interfaces: { eth0: { segment: 'lan', address: '203.0.113.1/24' } },
        routes: [{ to: '172.16.0.0/12', via: '203.0.113.2' }],
      },
    },
    segments: { lan: { subnet: '203.0.113.0/24' } },
    networks,
    containers,
    timeline,
  });
}

/**
 * Whether a container's ping to the outside comes back: not from an internal network;
 * and without masquerade the reply comes back to the container's own address,
 * which engines 28 and 29 drop in raw PREROUTING unless the network is unprotected
 * (endpoint.go filterDirectAccess).
 */
function reachesOutside(c: Case, n: NetOpts): boolean {
  if (n.internal) return false;
  // host-ipv4 (SNAT) takes the place of MASQUERADE only when masquerade is on (network.go).
  return n.masquerade || c.version === '20.10' || n.unprotected;
}

describe('isolation between user-defined bridges', () => {
  it('holds for any containers and published ports, every version and option (routed mode and 29 nat-unprotected excluded by design) (seed 31)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = simulate(planOf(scenario(c)));
        const delivered = new Set(r.observations.probes.filter((p) => p.outcome === 'delivered').map((p) => p.name));
        expect([...delivered].filter((n) => n.startsWith('cross-'))).toEqual([]);
        c.members.forEach((list, i) =>
          list.forEach((_, j) => {
            expect(delivered.has(`gw-c${i}${j}`)).toBe(true);
            expect(delivered.has(`ext-c${i}${j}`)).toBe(reachesOutside(c, c.nets[i] as NetOpts));
          }),
        );
      }),
      { seed: 31, numRuns: 200 },
    );
  });
});
