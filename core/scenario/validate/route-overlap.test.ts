import { describe, expect, it } from 'vitest';
import { LAB, lines } from '../../../test/helpers/scenario.js';

const withRoute = (route: string, networks: string) =>
  `${LAB.replace('      - { to: default, via: 203.0.113.1 }\n', `      - { to: default, via: 203.0.113.1 }\n      - ${route}\n`)}networks:\n${networks}`;

describe('Docker subnets under host routes', () => {
  it('warns, at the network, when a dynamic subnet lands under a route via a gateway', () => {
    expect(lines(withRoute('{ to: 172.16.0.0/12, via: 203.0.113.1 }', '  netA: {}\n'))).toEqual([
      "test.yaml:5:5: warning: hosts.dockerhost.docker: the default bridge's subnet 172.17.0.0/16 overlaps host dockerhost's route 172.16.0.0/12 via 203.0.113.1: Docker keeps the subnets it chooses clear only of on-link routes, and takes a given subnet or bip as it is; the bridge's connected route is more specific or has the lower metric, so dockerhost sends traffic for 172.17.0.0/16 to the bridge instead of along that route (got \"172.17.0.0/16\")",
      "test.yaml:17:9: warning: networks.netA: network netA's subnet 172.18.0.0/16 overlaps host dockerhost's route 172.16.0.0/12 via 203.0.113.1: Docker keeps the subnets it chooses clear only of on-link routes, and takes a given subnet or bip as it is; the bridge's connected route is more specific or has the lower metric, so dockerhost sends traffic for 172.18.0.0/16 to the bridge instead of along that route (got \"172.18.0.0/16\")",
    ]);
  });
  it('warns at the subnet field when a given subnet contains a narrower on-link route', () => {
    const out = lines(withRoute('{ to: 10.9.4.0/24, dev: eth0 }', '  netA: { subnet: 10.9.0.0/16 }\n'));
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /^test\.yaml:17:19: warning: networks\.netA\.subnet: network netA's subnet 10\.9\.0\.0\/16 overlaps host dockerhost's route 10\.9\.4\.0\/24 dev eth0: .*the route is more specific than the bridge's connected route, so dockerhost sends traffic for 10\.9\.4\.0\/24 along the route instead of to the network's containers/,
    );
  });
  it('on a tie of prefixes, lets the lower metric win, and leaves metric 0 to the File exists error', () => {
    const out = lines(withRoute('{ to: 172.18.0.0/16, via: 203.0.113.1, metric: 10 }', '  netA: {}\n'));
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(
      "network netA's subnet 172.18.0.0/16 overlaps host dockerhost's route 172.18.0.0/16 via 203.0.113.1: Docker keeps the subnets it chooses clear only of on-link routes, and takes a given subnet or bip as it is; the bridge's connected route is more specific or has the lower metric, so dockerhost sends traffic for 172.18.0.0/16 to the bridge",
    );
    const tie = lines(withRoute('{ to: 172.18.0.0/16, via: 203.0.113.1 }', '  netA: {}\n'));
    expect(tie).toHaveLength(1);
    expect(tie[0]).toContain('error: hosts.dockerhost.routes[1]: 172.18.0.0/16 is already routed on host dockerhost');
  });
  it("points at bip when docker0's subnet was given", () => {
    const text = withRoute('{ to: 10.0.0.0/8, via: 203.0.113.1 }', '  netA: { subnet: 192.168.7.0/24 }\n').replace(
      '    kind: docker\n',
      '    kind: docker\n    docker: { bip: 10.1.0.1/16 }\n',
    );
    expect(lines(text)).toEqual([
      expect.stringMatching(
        /^test\.yaml:6:20: warning: hosts\.dockerhost\.docker\.bip: the default bridge's subnet 10\.1\.0\.0\/16 overlaps host dockerhost's route 10\.0\.0\.0\/8 via 203\.0\.113\.1: /,
      ),
    ]);
  });
  it('says nothing for routes clear of every Docker subnet, nor for the default route', () => {
    expect(lines(withRoute('{ to: 198.51.100.0/24, via: 203.0.113.1 }', '  netA: {}\n'))).toEqual([]);
  });
});
