/**
 * A real Docker 20.10 engine's rules (../shared/docker-oracle: the final rule sets of
 * the oracle daemons of docker-semantics.md, with bridge names replaced by
 * <BR:network>) against twinnet's compiler for engine "20.10". Each scenario rebuilds
 * what the oracle's daemon held: its networks in creation order and the containers in
 * the order of docker-semantics.md 6, so that the addresses match (web is 172.17.0.4
 * because a1 and a2 came first). The filter and nat tables are compared line for line,
 * after the oracle's bridge names are mapped to twinnet's.
 *
 * The oracle's daemon joined a swarm (scenario h): its overlays ov2 and ov1 write no
 * rules, but the docker_gwbridge Docker created for them does (172.23.0.0/16 after
 * netMTU's 172.22, ICC off: the DROP appended at FORWARD's tail), and twinnet creates it
 * after the file's networks. The rules do not depend on when a network was created
 * relative to the containers (network rules are inserted at the top of their chains,
 * port rules appended), so the scenario creates every network first, as twinnet always
 * does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePlan } from '../../core/plan/compile/index.js';
import { formatDiagnostic } from '../../core/scenario/diagnostics.js';
import { load } from '../helpers/scenario.js';
import { planRuleset, renderTables, sharedFolder } from '../helpers/docker-firewall.js';

const ORACLE = sharedFolder('docker-oracle');

const HOST = `
version: 1
hosts:
  dockerhost:
    kind: docker
    docker: DAEMON
    interfaces:
      eth0: { segment: lan, address: 203.0.113.2/24 }
    routes:
      - { to: default, via: 203.0.113.1 }
segments:
  lan: { subnet: 203.0.113.0/24 }
`;

/**
 * dockerd #1 (defaults), with everything of scenarios a to g that writes rules or takes an address
 * before a publisher.
 */
const DOCKERD1 = `${HOST.replace('DAEMON', '{ version: "20.10" }')}
networks:
  netA: {}
  netB: {}
  netI: { internal: true }
  netNoICC: { icc: false }
  netMTU: { mtu: 1400 }
  ov2: { driver: overlay, hosts: [dockerhost], subnet: 10.99.0.0/24, vni: 4242 }
  ov1: { driver: overlay, hosts: [dockerhost] }
containers:
  a1: {}
  a2: {}
  b1: { networks: [netA] }
  b2: { networks: [netA, netB] }
  b3: { networks: [netB] }
  web: { ports: ["8080:80", "127.0.0.1:8082:80", "9999:9999/udp"] }
  webA: { networks: [netA], ports: ["8081:80"] }
  i1: { networks: [netI] }
  i2: { networks: [netI], ports: ["8083:80"] }
  q1: { networks: [netNoICC] }
  q2: { networks: [netNoICC], ports: ["8084:80"] }
  m1: { networks: [netMTU, netA] }
  o1: { networks: [ov1] }
  o2: { networks: [ov1] }
`;

/** dockerd #3: --userland-proxy=false --icc=false --mtu 1400. */
const DOCKERD3 = `${HOST.replace('DAEMON', '{ version: "20.10", userland-proxy: false, icc: false, mtu: 1400 }')}
networks:
  netV: {}
containers:
  v1: { ports: ["8080:80", "127.0.0.1:8082:80"] }
  v2: {}
  vA: { networks: [netV], ports: ["8081:80"] }
  vB: { networks: [netV] }
`;

/** The oracle's rules as twinnet names things: bridges renamed, comments out, no counters. */
function oracleRules(file: string, bridges: Readonly<Record<string, string>>): string {
  return readFileSync(join(ORACLE ?? '', file), 'utf8').split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/<BR:([^>]+)>/g, (_m, net: string) => bridges[net] ?? `?${net}`).replaceAll('<docker0>', 'docker0').replaceAll('<docker_gwbridge>', 'docker_gwbridge').replace(/ \[0:0\]$/, ''))
    .join('\n');
}

function compiledRules(text: string): string {
  const r = load(text);
  const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
  expect(errors).toEqual([]);
  const plan = compilePlan(r.model as NonNullable<typeof r.model>);
  return renderTables(planRuleset(plan, 'dockerhost'), ['filter', 'nat']).replace(/ \[0:0\]$/gm, '');
}

if (ORACLE === undefined) console.warn('test/conformance/docker-oracle: skipped, ../shared/docker-oracle (a real 20.10 engine\'s rules) is not next to the repository');

(ORACLE === undefined ? describe.skip : describe)('a real Docker 20.10 engine (docker-semantics.md oracle)', () => {
  it('dockerd #1, defaults: the rules of scenarios a to h, docker_gwbridge included', () => {
    const bridges = { netA: 'br-netA', netB: 'br-netB', netI: 'br-netI', netNoICC: 'br-netNoICC', netMTU: 'br-netMTU' };
    expect(compiledRules(DOCKERD1)).toBe(oracleRules('normalized-final-dockerd1.iptables.txt', bridges));
  });
  it('dockerd #3, userland-proxy false, icc false, mtu 1400', () => {
    expect(compiledRules(DOCKERD3)).toBe(oracleRules('normalized-variant-dockerd3.iptables.txt', { netV: 'br-netV' }));
  });
});
