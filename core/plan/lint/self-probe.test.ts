/**
 * The warning for a probe that expects isolation but targets its own namespace
 * (self-probe.ts): located at the probe's `to`, and silent when docker-proxy or a DNAT
 * rule makes a local address another endpoint, or when the probe expects delivery.
 */
import { describe, expect, it } from 'vitest';
import { LAB, lines } from '../../../test/helpers/scenario.js';

/**
 * The lab with `docker` options on dockerhost, containers web, sidecar (container:web), hostnet
 * (host) and other, and `probe` as the only timeline entry.
 */
const lab = (
  probe: string,
  docker = '',
) => `${LAB.replace('kind: docker', `kind: docker${docker === '' ? '' : `\n    docker: { ${docker} }`}`)}containers:
  web:
    ports: ["8080:80"]
    listen: [tcp/80]
  sidecar:
    network-mode: container:web
  hostnet:
    network-mode: host
  other: {}
timeline:
  - at: 1s
    name: p
${probe}
`;

describe('probes that expect isolation from their own namespace', () => {
  it("warns, at the probe's target, when a container:NAME container expects not to reach NAME", () => {
    const text = lab('    tcp: { from: sidecar, to: web, port: 81 }\n    expect: { reachable: false }');
    expect(text.split('\n')[26]).toContain('to: web');
    expect(lines(text)).toEqual([
      'test.yaml:27:31: warning: timeline[0].tcp.to: probe p expects isolation but targets 172.17.0.2, an address of the namespace sidecar runs in (web\'s) (on eth0), and no docker-proxy or DNAT there leads elsewhere: its packets never leave the source, so the expectation is met or not by the source alone, not by isolation between two endpoints. Target the other endpoint\'s address (got "web")',
    ]);
  });

  it("warns when a host-mode container expects its host's address to drop its pings, and for any of 127.0.0.0/8", () => {
    const [a] = lines(lab('    ping: { from: hostnet, to: 203.0.113.2 }\n    expect: { outcome: dropped }'));
    expect(a).toMatch(
      /^test\.yaml:27:32: warning: timeline\[0\]\.ping\.to: probe p expects isolation but targets 203\.0\.113\.2, an address of the namespace hostnet runs in \(dockerhost's\) \(on eth0\)/,
    );
    const [b] = lines(
      lab('    udp: { from: other, to: 127.1.2.3, port: 53 }\n    expect: { outcome: [refused, timed-out] }'),
    );
    expect(b).toMatch(
      /^test\.yaml:27:\d+: warning: timeline\[0\]\.udp\.to: .* targets 127\.1\.2\.3, an address of other's own namespace \(on lo \(127\.0\.0\.0\/8\)\)/,
    );
  });

  it('says nothing of 127.0.0.1 on a published port: docker-proxy, or without it a DNAT rule, leads to the container', () => {
    const probe = '    tcp: { from: dockerhost, to: 127.0.0.1, port: 8080 }\n    expect: { reachable: false }';
    expect(lines(lab(probe))).toEqual([]);
    expect(lines(lab(probe, 'version: "20.10", userland-proxy: false'))).toEqual([]);
    expect(lines(lab(probe.replace('8080', '8081')))).toHaveLength(1);
  });

  it('says nothing of a probe between two namespaces, or of a self-probe that expects delivery', () => {
    expect(lines(lab('    tcp: { from: other, to: web, port: 81 }\n    expect: { reachable: false }'))).toEqual([]);
    expect(
      lines(lab('    tcp: { from: sidecar, to: 127.0.0.1, port: 80 }\n    expect: { outcome: delivered }')),
    ).toEqual([]);
    expect(lines(lab('    tcp: { from: sidecar, to: 127.0.0.1, port: 80 }'))).toEqual([]);
  });
});
