import { describe, expect, it } from 'vitest';
import { formatCidr, formatIpv4 } from '../../addr.js';
import type { ScenarioModel } from '../model.js';
import { LAB, lines, model } from '../../../test/helpers/scenario.js';

/** Each bridge network of the model as "name subnet gateway". */
function bridges(m: ScenarioModel): string[] {
  return m.networks.map((n) => `${n.name} ${formatCidr(n.subnet)} ${formatIpv4(n.gateway)}`);
}

/** LAB with daemon options on dockerhost, extra lines under its interfaces and routes, and two user networks. */
function lab(docker: string, opts: { iface?: string; route?: string } = {}): string {
  let text = LAB.replace('    kind: docker\n', `    kind: docker\n    docker: ${docker}\n`);
  if (opts.iface !== undefined)
    text = text
      .replace(
        'eth0: { segment: lan, address: 203.0.113.2/24 }',
        `eth0: { segment: lan, address: 203.0.113.2/24 }\n      ${opts.iface}`,
      )
      .replace('segments:\n', 'segments:\n  lan2: {}\n');
  if (opts.route !== undefined)
    text = text.replace(
      '      - { to: default, via: 203.0.113.1 }\n',
      `      - { to: default, via: 203.0.113.1 }\n      - ${opts.route}\n`,
    );
  return `${text}networks:\n  netA: {}\n  netB: {}\n`;
}

describe('the default bridge without bip', () => {
  it('takes the first prefix of default-address-pools, with its first address as gateway (dockerd, no bip)', () => {
    const m = model(lab('{ default-address-pools: [{ base: 10.10.0.0/16, size: 24 }] }'));
    expect(bridges(m)).toEqual([
      'bridge 10.10.0.0/24 10.10.0.1',
      'netA 10.10.1.0/24 10.10.1.1',
      'netB 10.10.2.0/24 10.10.2.1',
    ]);
  });
  it('moves off 172.17.0.0/16 when the host is on-link there', () => {
    const m = model(lab('{ version: "20.10" }', { iface: 'eth1: { segment: lan2, address: 172.17.5.2/24 }' }));
    expect(bridges(m)).toEqual([
      'bridge 172.18.0.0/16 172.18.0.1',
      'netA 172.19.0.0/16 172.19.0.1',
      'netB 172.20.0.0/16 172.20.0.1',
    ]);
  });
  it('keeps bip as given, even on an on-link prefix', () => {
    const m = model(lab('{ bip: 172.17.9.1/24 }', { iface: 'eth1: { segment: lan2, address: 172.17.5.2/24 }' }));
    expect(bridges(m)[0]).toBe('bridge 172.17.9.0/24 172.17.9.1');
  });
  it('reports a host whose pools are all on-link (dockerd: "no available network")', () => {
    const out = lines(
      lab('{ default-address-pools: [{ base: 172.17.0.0/16, size: 24 }] }', {
        iface: 'eth1: { segment: lan2, address: 172.17.5.2/16 }',
      }),
    );
    expect(out[0]).toContain(
      "error: hosts.dockerhost.docker: every prefix of host dockerhost's address pools overlaps one of its on-link routes",
    );
  });
  it("tries the pools in daemon.json's order on 20.10 and in address order on 28 and 29", () => {
    const pools = 'default-address-pools: [{ base: 192.168.0.0/16, size: 24 }, { base: 10.20.0.0/16, size: 24 }]';
    expect(bridges(model(lab(`{ version: "20.10", ${pools} }`)))).toEqual([
      'bridge 192.168.0.0/24 192.168.0.1',
      'netA 192.168.1.0/24 192.168.1.1',
      'netB 192.168.2.0/24 192.168.2.1',
    ]);
    expect(bridges(model(lab(`{ version: "28", ${pools} }`)))).toEqual([
      'bridge 10.20.0.0/24 10.20.0.1',
      'netA 10.20.1.0/24 10.20.1.1',
      'netB 10.20.2.0/24 10.20.2.1',
    ]);
  });
});

describe("dynamic subnets and the host's routes", () => {
  for (const version of ['20.10', '28', '29']) {
    it(`avoid an on-link route (dev, no gateway) on ${version}`, () => {
      const m = model(lab(`{ version: "${version}" }`, { route: '{ to: 172.18.0.0/16, dev: eth0 }' }));
      expect(bridges(m).map((b) => b.split(' ')[1])).toEqual(['172.17.0.0/16', '172.19.0.0/16', '172.20.0.0/16']);
    });
    it(`do not avoid a route via a gateway on ${version} (only scope-link routes are reserved)`, () => {
      const m = model(lab(`{ version: "${version}" }`, { route: '{ to: 172.16.0.0/12, via: 203.0.113.1 }' }));
      expect(bridges(m).map((b) => b.split(' ')[1])).toEqual(['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16']);
    });
  }
  it('ignore a /32 address, which adds no prefix route', () => {
    const m = model(lab('{}', { iface: 'eth1: { segment: lan2, address: 172.18.0.7/32 }' }));
    expect(bridges(m).map((b) => b.split(' ')[1])).toEqual(['172.17.0.0/16', '172.18.0.0/16', '172.19.0.0/16']);
  });
});
