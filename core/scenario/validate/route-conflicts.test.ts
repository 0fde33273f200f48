/**
 * Host routes Linux refuses with "RTNETLINK answers: File exists" are located errors at
 * validation, not build failures of the emulator: a second route to one prefix with one
 * metric, and a route over a connected prefix of the host (an interface's, or a Docker
 * network's bridge).
 */
import { describe, expect, it } from 'vitest';
import { lines } from '../../../test/helpers/scenario.js';

const host = (routes: string, kind = 'linux') => `
version: 1
hosts:
  h:
    kind: ${kind}
    interfaces:
      eth0: { segment: lan, address: 192.0.2.2/24 }
    routes:
${routes}
  gw1:
    interfaces:
      eth0: { segment: lan, address: 192.0.2.1/24 }
segments:
  lan: { subnet: 192.0.2.0/24 }
`;

describe('routes Linux refuses as duplicates', () => {
  it('two default routes with one metric: an error at the second, naming the first', () => {
    expect(lines(host('      - { to: default, via: 192.0.2.1 }\n      - { to: default, via: 192.0.2.3 }'))).toEqual([
      'test.yaml:10:9: error: hosts.h.routes[1]: host h already has a route to default with metric 0 (routes[0]); Linux keeps one route per prefix and metric and refuses a second ("RTNETLINK answers: File exists"); give one of them another metric (the lower wins), or remove one (got "default")',
    ]);
  });

  it('two default routes with different metrics are what Linux takes', () => {
    expect(
      lines(host('      - { to: default, via: 192.0.2.1 }\n      - { to: default, via: 192.0.2.3, metric: 100 }')),
    ).toEqual([]);
  });

  it("a route to an interface's own subnet with metric 0: an error naming the connected route", () => {
    expect(lines(host('      - { to: 192.0.2.0/24, dev: eth0 }'))).toEqual([
      'test.yaml:9:9: error: hosts.h.routes[0]: 192.0.2.0/24 is already routed on host h: Linux added it for the address 192.0.2.2 of eth0 (the connected route, metric 0), and refuses a second route with the same prefix and metric ("RTNETLINK answers: File exists"); give this one a metric above 0 (the connected route then wins, as on Linux), or remove it (got "192.0.2.0/24")',
    ]);
    expect(lines(host('      - { to: 192.0.2.0/24, dev: eth0, metric: 10 }'))).toEqual([]);
  });

  it("a route equal to a Docker network's subnet (docker0's connected route): an error", () => {
    const diags = lines(
      host('      - { to: default, via: 192.0.2.1 }\n      - { to: 172.17.0.0/16, via: 192.0.2.1 }', 'docker'),
    );
    expect(diags.filter((d) => d.includes('error'))).toEqual([
      'test.yaml:10:9: error: hosts.h.routes[1]: 172.17.0.0/16 is already routed on host h: Linux added it for the address 172.17.0.1 of docker0 (the connected route, metric 0), and refuses a second route with the same prefix and metric ("RTNETLINK answers: File exists"); give this one a metric above 0 (the connected route then wins, as on Linux), or remove it (got "172.17.0.0/16")',
    ]);
    const ok = lines(
      host(
        '      - { to: default, via: 192.0.2.1 }\n      - { to: 172.17.0.0/16, via: 192.0.2.1, metric: 5 }',
        'docker',
      ),
    );
    expect(ok.filter((d) => d.includes('error'))).toEqual([]);
  });
});
