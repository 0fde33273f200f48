import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../addr.js';
import { LAB, lines, model } from '../../test/helpers/scenario.js';

describe('structural errors', () => {
  it('names file, line, column, path and a suggestion for an unknown field', () => {
    const out = lines('version: 1\nhosts:\n  h:\n    knd: docker\n');
    expect(out).toEqual([
      'test.yaml:4:5: error: hosts.h.knd: unknown field "knd" (did you mean "kind"?); expected one of: kind, description, docker, interfaces, bridges, vxlans, routes, sysctls, iptables, listen',
    ]);
  });
  it('explains the YAML float trap for the engine version', () => {
    const out = lines('version: 1\nhosts:\n  h: { kind: docker, docker: { version: 20.10 } }\n');
    expect(out[0]).toMatch(
      /^test.yaml:3:41: error: hosts.h.docker.version: expected "20.10", "28" or "29" \(quote 20.10/,
    );
  });
  it('reports a YAML syntax error with its position', () => {
    const out = lines('version: 1\nhosts:\n  h: [\n');
    expect(out[0]).toMatch(/^test.yaml:\d+:\d+: error: \(top level\): YAML: /);
  });
  it('reports every structural problem at once', () => {
    const out = lines(
      'version: 2\nhosts:\n  h:\n    interfaces:\n      averyveryverylongname: {}\ntimeline:\n  - at: 2\n',
    );
    expect(out).toHaveLength(3);
    expect(out[0]).toContain('version: expected version: 1');
    expect(out[1]).toContain('bad name "averyveryverylongname": expected an interface name');
    expect(out[1]).toContain('at most 11 characters');
    expect(out[2]).toContain('timeline[0].at: expected a duration with a unit');
  });
  it('rejects an empty file', () => {
    expect(lines('')).toEqual([
      'test.yaml:1:1: error: (top level): the file is empty; expected a scenario with version: 1',
    ]);
  });
});

describe('semantic errors', () => {
  it('rejects an address outside its segment, an uncabled interface and an unreachable gateway', () => {
    const out = lines(
      `${LAB}  h2:\n    interfaces:\n      eth0: { segment: lan, address: 198.51.100.9/24 }\n      eth1: {}\n    routes:\n      - { to: default, via: 192.0.2.1 }\n`.replace(
        'segments:\n  lan: { subnet: 203.0.113.0/24 }\n',
        '',
      ) + 'segments:\n  lan: { subnet: 203.0.113.0/24 }\n',
    );
    expect(out.join('\n')).toContain("address outside its segment's subnet 203.0.113.0/24");
    expect(out.join('\n')).toContain('interface h2:eth1 is not cabled');
    expect(out.join('\n')).toContain('Nexthop has invalid gateway');
  });
  it('rejects overlapping subnets on one engine, naming the network Docker allocated first', () => {
    const out = lines(`${LAB}networks:\n  netA: {}\n  netB: { subnet: 172.18.0.0/16 }\n`);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(
      'networks.netB.subnet: overlaps 172.18.0.0/16 of network netA, created earlier on host dockerhost',
    );
  });
  it('rejects a static address on the default bridge or on a network without a user subnet', () => {
    const out = lines(
      `${LAB}networks:\n  netA: {}\ncontainers:\n  c1:\n    networks: [{ network: bridge, ipv4-address: 172.17.0.9 }, { network: netA, ipv4-address: 172.18.0.9 }]\n`,
    );
    expect(out[0]).toContain('supported on user defined networks only');
    expect(out[1]).toContain('only when connecting to networks with user configured subnets');
  });
  it('rejects a static address Docker already handed to an earlier container', () => {
    const out = lines(
      `${LAB}networks:\n  n: { subnet: 10.9.0.0/24 }\ncontainers:\n  a1: { networks: [n] }\n  b1: { networks: [{ network: n, ipv4-address: 10.9.0.2 }] }\n`,
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain(
      '10.9.0.2 is already taken by a1 (Docker hands out addresses in start order, so a1 got it first)',
    );
  });
  it('rejects a host port published twice, with the wildcard address clashing with a specific one', () => {
    const out = lines(
      `${LAB}containers:\n  a1: { ports: ["8080:80"] }\n  b1: { ports: ["127.0.0.1:8080:80", "8080:80/udp"] }\n`,
    );
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('Bind for 127.0.0.1:8080 failed: port is already allocated');
  });
  it('rejects an interface name used twice in one namespace', () => {
    const out = lines(`${LAB}networks:\n  n: { bridge-name: eth0 }\n`);
    expect(out[0]).toContain('interface name "eth0" on host dockerhost is already used by interface eth0');
  });
  it('rejects a layer-2 loop of two hosts bridging two segments', () => {
    const text = `version: 1
hosts:
  s1:
    interfaces: { e0: { segment: x }, e1: { segment: y } }
    bridges: { br0: { interfaces: [e0, e1] } }
  s2:
    interfaces: { e0: { segment: x }, e1: { segment: y } }
    bridges: { br0: { interfaces: [e0, e1] } }
segments: { x: {}, y: {} }
`;
    const out = lines(text);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(
      /error: hosts.s1.bridges.br0: layer-2 loop through bridge s1:br0, bridge s2:br0, segment x, segment y/,
    );
    expect(lines(text.replace(/ {2}s2:[\s\S]*?(?=segments)/, ''))).toEqual([]);
  });
  it('rejects expectations that do not fit the probe', () => {
    const out = lines(
      `${LAB}timeline:\n  - at: 1s\n    ping: { from: ext, to: dockerhost }\n    expect: { outcome: refused, reachable: true, seen-source: 1.2.3.4 }\n`,
    );
    expect(out.join('\n')).toContain('reachable: contradicts outcome: refused');
    expect(out.join('\n')).toContain('seen-source is checked for tcp and udp probes only');
  });
  it('rejects a container: chain that loops and conflicting network options', () => {
    const out = lines(
      `${LAB}containers:\n  a1: { network-mode: "container:b1" }\n  b1: { network-mode: "container:a1" }\n  c1: { network-mode: host, networks: [bridge] }\n`,
    );
    expect(out.join('\n')).toContain('the container: chain loops');
    expect(out.join('\n')).toContain('conflicting options: network-mode host and networks');
  });
});

describe('resolution', () => {
  it('carves user networks from the pools in file order, per engine', () => {
    const m = model(`${LAB}networks:\n  netA: {}\n  netB: {}\n  fixed: { subnet: 192.168.50.0/24 }\n`);
    expect(m.networks.map((n) => `${n.name} ${formatIpv4(n.subnet.addr)}/${n.subnet.len} ${n.bridgeName}`)).toEqual([
      'bridge 172.17.0.0/16 docker0',
      'netA 172.18.0.0/16 br-netA',
      'netB 172.19.0.0/16 br-netB',
      'fixed 192.168.50.0/24 br-fixed',
    ]);
  });
  it('hands out ephemeral host ports from 32768, skipping taken ones', () => {
    const m = model(`${LAB}containers:\n  a1: { ports: ["32768:1", "80", "53/udp"] }\n  b1: { ports: ["80"] }\n`);
    expect(m.containers.flatMap((c) => c.ports.map((p) => `${c.name} ${p.hostPort}/${p.proto}`))).toEqual([
      'a1 32768/tcp',
      'a1 32769/tcp',
      'a1 32768/udp',
      'b1 32770/tcp',
    ]);
  });
  it('reallocates serially on reconnect and never reuses an ethN name', () => {
    const m = model(
      `${LAB}networks:\n  n: {}\ncontainers:\n  a1: { networks: [n, bridge] }\n  b1: { networks: [n] }\ntimeline:\n  - at: 1s\n    disconnect: { container: a1, network: n }\n  - at: 2s\n    connect: { container: a1, network: n }\n`,
    );
    const connect = m.timeline[1]?.fault;
    expect(connect?.kind).toBe('connect');
    if (connect?.kind !== 'connect') return;
    expect(connect.endpoint.ifname).toBe('eth2');
    expect(formatIpv4(connect.endpoint.address.addr)).toBe('172.18.0.4');
  });
  it('resolves a name to the address on a network shared with the prober', () => {
    const m = model(
      `${LAB}networks:\n  n: {}\ncontainers:\n  a1: { networks: [bridge, n] }\n  b1: { networks: [n] }\ntimeline:\n  - at: 1s\n    ping: { from: b1, to: a1 }\n  - at: 1s\n    ping: { from: ext, to: a1 }\n`,
    );
    expect(m.timeline.map((e) => formatIpv4(e.probe?.to.address ?? 0))).toEqual(['172.18.0.2', '172.17.0.2']);
  });
  it('resolves a published target to the host address and the mapped host port', () => {
    const m = model(
      `${LAB}containers:\n  web: { ports: ["80", "127.0.0.1:8082:81"] }\ntimeline:\n  - at: 1s\n    tcp: { from: ext, to: { container: web, published: 80 } }\n  - at: 1s\n    tcp: { from: dockerhost, to: { container: web, published: 81 } }\n`,
    );
    expect(m.timeline.map((e) => e.probe?.to.label)).toEqual([
      'web:80 published at 203.0.113.2:32768',
      'web:81 published at 127.0.0.1:8082',
    ]);
  });
});

describe('checks added after review of the format reference', () => {
  it('checks capture points against the devices the plan will have', () => {
    const ok = `${LAB}containers:\n  c1: {}\ncapture: [dockerhost:docker0, c1:eth0, ext:eth0]\n`;
    expect(lines(ok)).toEqual([]);
    const out = lines(`${LAB}containers:\n  c1: {}\ncapture: [c1:eth9]\n`);
    expect(out[0]).toContain('capture[0]: c1 has no interface "eth9"; expected one of: lo, eth0');
  });
  it('rejects a host named like the namespace of a segment', () => {
    const out = lines(LAB.replace('  ext:', '  seg-lan:'));
    expect(out.join('\n')).toContain('the name "seg-lan" is the namespace twinnet makes for segment lan');
  });
  it('runs a container sharing a host-mode container in the host namespace', () => {
    const m = model(
      `${LAB}containers:\n  h1: { network-mode: host }\n  s1: { network-mode: "container:h1", listen: [tcp/81] }\n`,
    );
    expect(m.containers.map((c) => c.namespace)).toEqual(['dockerhost', 'dockerhost']);
  });
  it('refuses impairments both on a link and on its endpoint', () => {
    const text = `version: 1\nhosts:\n  a: { interfaces: { e0: { delay: 1ms } } }\n  b: { interfaces: { e0: {} } }\nlinks:\n  - { endpoints: ["a:e0", "b:e0"], delay: 5ms }\n`;
    expect(lines(text)[0]).toContain('cabled to link "a.e0-b.e0"; give the impairments on one of the two');
  });
  it('checks the address of a published target', () => {
    const base = `${LAB}containers:\n  web: { ports: ["127.0.0.1:8082:80", "8080:81"] }\ntimeline:\n  - at: 1s\n    tcp: { from: ext, to: { container: web, published: `;
    expect(lines(`${base}80, address: 203.0.113.2 } }\n`)[0]).toContain('the mapping is published on 127.0.0.1 only');
    expect(lines(`${base}81, address: 192.0.2.7 } }\n`)[0]).toContain(
      'expected an address of Docker host dockerhost (203.0.113.2, 172.17.0.1, or 127.0.0.1)',
    );
    expect(lines(`${base}81, address: 172.17.0.1 } }\n`)).toEqual([]);
  });
  it('reports a bad static address of a timeline connect at its field', () => {
    const out = lines(
      `${LAB}networks:\n  n: { subnet: 10.9.0.0/24 }\ncontainers:\n  a1: {}\ntimeline:\n  - at: 1s\n    connect: { container: a1, network: n, ipv4-address: 10.8.0.1 }\n`,
    );
    expect(out[0]).toMatch(/timeline\[0\]\.connect\.ipv4-address: address is not a usable host address/);
  });
  it('rejects rtt bounds on a pmtu probe, and reads rates in any case', () => {
    expect(
      lines(
        `${LAB}timeline:\n  - at: 1s\n    pmtu: { from: ext, to: dockerhost }\n    expect: { rtt: { max: 1s } }\n`,
      )[0],
    ).toContain('rtt is checked for ping, tcp and udp probes only');
    expect(
      lines(
        LAB.replace(
          '{ segment: lan, address: 203.0.113.1/24 }',
          '{ segment: lan, address: 203.0.113.1/24, rate: 10Mbit }',
        ),
      ),
    ).toEqual([]);
  });
  it('says bounds in words', () => {
    expect(lines(`${LAB}timeline:\n  - at: 1s\n    ping: { from: ext, to: dockerhost, count: 0 }\n`)[0]).toContain(
      'count: expected a number at least 1',
    );
  });
  it("keeps dynamically allocated networks clear of the Docker host's own routes", () => {
    const m = model(
      LAB.replace(
        '203.0.113.2/24 }',
        '203.0.113.2/24 }\n      eth1: { segment: lan2, address: 172.18.5.2/24 }',
      ).replace('segments:', 'segments:\n  lan2: {}') + 'networks:\n  a: {}\n',
    );
    expect(m.networks.map((n) => formatIpv4(n.subnet.addr))).toEqual(['172.17.0.0', '172.19.0.0']);
  });
});

describe('what Docker itself refuses', () => {
  it('refuses a container name of one character, as Docker does ("Invalid container name")', () => {
    expect(lines(`${LAB}containers:\n  a: {}\n  ab: {}\n`)).toEqual([
      'test.yaml:16:6: error: containers.a: Docker refuses this container name ("Invalid container name (a), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"): expected at least two characters, a letter or digit and then letters, digits, "_", "." or "-" (got "a")',
    ]);
  });
  it('refuses gw-priority on an engine older than 28, at the field, naming both versions', () => {
    const text = (v: string) =>
      `${LAB.replace('    kind: docker\n', `    kind: docker\n    docker: { version: "${v}" }\n`)}networks:\n  n: {}\ncontainers:\n  c1:\n    networks: [{ network: n, gw-priority: 10 }]\n  c2: {}\ntimeline:\n  - at: 1s\n    connect: { container: c2, network: n, gw-priority: 5 }\n`;
    const out = lines(text('20.10'));
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(
      /^test\.yaml:20:43: error: containers\.c1\.networks\[0\]\.gw-priority: gw-priority needs Docker 28 or newer \(docker network connect --gw-priority came with 28\.0, API 1\.48\); host dockerhost runs 20\.10, /,
    );
    expect(out[1]).toMatch(
      /^test\.yaml:24:56: error: timeline\[0\]\.connect\.gw-priority: gw-priority needs Docker 28 or newer .*host dockerhost runs 20\.10/,
    );
    expect(lines(text('28'))).toEqual([]);
    expect(lines(text('29'))).toEqual([]);
  });
});
