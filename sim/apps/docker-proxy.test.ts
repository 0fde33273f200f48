/**
 * The simulator's docker-proxy (docker-proxy.ts) on the publishing lab the emulator's
 * test uses (test/helpers/plans.ts publishLab, no firewall rules, so every datagram to a
 * published port meets the proxy), and where its UDP relay differs between engine
 * versions: the source of a reply, and when a client is forgotten.
 */
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../core/addr.js';
import type { HelperPlan, TimelineEntryPlan } from '../../core/plan/types.js';
import { publishLab } from '../../test/helpers/plans.js';
import type { EventHandler } from '../engine/scheduler.js';
import { simulate } from '../run.js';
import { packetsOn, probeNamed, runScenario } from '../test-helpers.js';
import { Topology } from '../topology.js';
import { DOCKER_PROXY_UDP_TIMEOUT_NS, startDockerProxy } from './docker-proxy.js';

const udp = (hostPort: number, containerPort: number, version: HelperPlan['version']): HelperPlan => ({
  kind: 'docker-proxy',
  proto: 'udp',
  hostIp: '0.0.0.0',
  hostPort,
  containerIp: '172.17.0.4',
  containerPort,
  version,
});
const SERVICES = [{ proto: 'udp', port: 9999, owner: 'web' }] as const;

function probe(name: string, i: number, ns: string, port: number): TimelineEntryPlan {
  return {
    atNs: 100_000_000 * (i + 1),
    name,
    action: { kind: 'udp', ns, dst: '203.0.113.2', port, request: 'hello\n', timeoutNs: 2_000_000_000 },
  };
}

describe('docker-proxy UDP replies, per engine version (seed 1)', () => {
  const plan = publishLab([udp(9999, 9999, '28'), udp(9996, 9999, '20.10')], SERVICES, [
    probe('udp-hairpin-28', 0, 'web', 9999),
    probe('udp-hairpin-20.10', 1, 'web', 9996),
    probe('udp-ext-20.10', 2, 'ext', 9996),
  ]);
  const r = simulate(plan, { captureAll: true });
  const get = (n: string) => r.observations.probes.find((p) => p.name === n) ?? expect.fail(`no probe ${n}`);

  it('28 answers a hairpinned container from the address it wrote to', () => {
    expect(get('udp-hairpin-28')).toMatchObject({ outcome: 'delivered', seen: { address: '172.17.0.1' } });
  });

  it("20.10 answers it from the bridge's address, which its connected socket ignores (measured on 20.10.24)", () => {
    expect(get('udp-hairpin-20.10')).toMatchObject({ outcome: 'timed-out', received: 0 });
  });

  it('20.10 answers a client outside from the host address the route picks, the one it wrote to', () => {
    expect(get('udp-ext-20.10')).toMatchObject({ outcome: 'delivered', seen: { address: '172.17.0.1' } });
  });
});

/** Sends one datagram from a fixed client socket each time it fires. */
class Sender implements EventHandler {
  constructor(
    private readonly topology: Topology,
    private readonly port: number,
    private readonly dport: number,
  ) {}
  handleEvent(): void {
    this.topology
      .ns('ext')
      .sockets.sendUdp(this.port, parseIpv4('203.0.113.2') ?? 0, this.dport, new TextEncoder().encode('q'), 0);
  }
}

/** The source ports the container saw, for datagrams from one client 60 s apart (the container never answers). */
function backendPorts(version: HelperPlan['version']): number[] {
  const topology = new Topology(publishLab([udp(9995, 9995, version)], []), 1);
  startDockerProxy(topology.ns('dockerhost'), udp(9995, 9995, version));
  const seen: number[] = [];
  topology.ns('web').sockets.bindUdp(9995, { onDatagram: (_from, fromPort) => void seen.push(fromPort) });
  const client = topology.ns('ext').sockets.bindUdp(0, { onDatagram: () => undefined });
  const sender = new Sender(topology, client, 9995);
  const gap = 60_000_000_000;
  for (let i = 0; i < 4; i++) topology.sim.schedule(1_000_000_000 + i * gap, sender, 0);
  topology.sim.run(1_000_000_000 + 4 * gap);
  expect(gap).toBeLessThan(DOCKER_PROXY_UDP_TIMEOUT_NS);
  return seen;
}

describe('docker-proxy UDP clients, per engine version', () => {
  it('28 keeps a client that keeps writing, even when the container never answers (28.0.2)', () => {
    const ports = backendPorts('28');
    expect(ports).toHaveLength(4);
    expect(new Set(ports).size).toBe(1);
  });

  it('20.10 forgets it 90 s after its first datagram, however often it writes', () => {
    const ports = backendPorts('20.10');
    expect(ports).toHaveLength(4);
    // Sent at 1, 61, 121 and 181 s; forgotten at 91 s: a new socket from 121 s on.
    expect(ports[0]).toBe(ports[1]);
    expect(ports[2]).toBe(ports[3]);
    expect(ports[2]).not.toBe(ports[0]);
  });
});

/** A 20.10 or 28 engine publishing 9999/udp; a1 writes to it at the host's address (hairpin, through the proxy). */
const hairpinScenario = (version: string) => `
version: 1
hosts:
  dockerhost:
    kind: docker
    docker: { version: "${version}" }
    interfaces:
      eth0: { segment: lan, address: 203.0.113.2/24 }
  ext:
    interfaces:
      eth0: { segment: lan, address: 203.0.113.1/24 }
segments:
  lan: { subnet: 203.0.113.0/24 }
containers:
  a1: {}
  web:
    ports: ["9999:9999/udp"]
    listen: [udp/9999]
timeline:
  - { at: 1s, name: a1-hairpin-udp, udp: { from: a1, to: dockerhost, port: 9999 } }
  - { at: 1.3s, name: ext-udp, udp: { from: ext, to: dockerhost, port: 9999 } }
`;

describe('a scenario: UDP hairpin through docker-proxy (seed 1)', () => {
  it('times out on 20.10, whose answer comes from the bridge, and is delivered on 28', () => {
    const old = runScenario(hairpinScenario('20.10'));
    expect(probeNamed(old, 'a1-hairpin-udp')).toMatchObject({ outcome: 'timed-out' });
    expect(probeNamed(old, 'ext-udp')).toMatchObject({ outcome: 'delivered', seen: { address: '203.0.113.1' } });
    const answer = packetsOn(old, 'a1', 'eth0').find((p) => p.d.udp?.srcPort === 9999);
    expect(answer?.d.ipv4?.src).toBe(parseIpv4('172.17.0.1'));
    // a1's socket is connected to 203.0.113.2:9999, so no socket takes the answer and a1's
    // kernel answers it with port unreachable (__udp4_lib_lookup's connected-socket score).
    const icmp = packetsOn(old, 'a1', 'eth0').find((p) => p.d.icmp?.kind === 'dest-unreachable');
    const unreachable = icmp?.d.icmp?.kind === 'dest-unreachable' ? icmp.d.icmp : undefined;
    expect([icmp?.d.ipv4?.dst, unreachable?.code]).toEqual([parseIpv4('172.17.0.1'), 3]);
    const now = runScenario(hairpinScenario('28'));
    expect(probeNamed(now, 'a1-hairpin-udp')).toMatchObject({ outcome: 'delivered', seen: { address: '172.17.0.1' } });
  });
});
