/**
 * The benchmark topologies of ../shared/bench (ns3/bridge_bench.cc), as scenario text,
 * so that the benchmark measures the whole pipeline (parse, compile, build):
 * - bridge: N hosts on one segment (each a cable to one switch), 10.1.0.0/16;
 * - router: N/2 hosts on each of two segments (10.1.0.0/16, 10.2.0.0/16) and a router
 *   with one interface on each; every host's default route points at the router;
 * - docker: N containers on one Docker host's default bridge, for build time and
 *   memory per container.
 */

/** Host i's address on a /16: 10.NET.(i div 250).(i mod 250 + 2). */
export function hostAddress(net: number, i: number): string {
  return `10.${net}.${Math.floor(i / 250)}.${(i % 250) + 2}`;
}

export function bridgeScenario(n: number): string {
  const hosts = Array.from(
    { length: n },
    (_, i) => `  h${i}:\n    interfaces:\n      eth0: { segment: lan, address: ${hostAddress(1, i)}/16 }\n`,
  );
  return `version: 1\nname: bench-bridge-${n}\nhosts:\n${hosts.join('')}segments:\n  lan: { subnet: 10.1.0.0/16 }\n`;
}

export function routerScenario(n: number): string {
  const half = n / 2;
  const host = (side: 1 | 2, i: number) =>
    `  ${side === 1 ? 'a' : 'b'}${i}:\n    interfaces:\n      eth0: { segment: side${side}, address: ${hostAddress(side, i)}/16 }\n    routes:\n      - { to: default, via: 10.${side}.255.254 }\n`;
  const hosts = [
    ...Array.from({ length: half }, (_, i) => host(1, i)),
    ...Array.from({ length: half }, (_, i) => host(2, i)),
  ];
  const router = `  r:\n    kind: router\n    interfaces:\n      eth0: { segment: side1, address: 10.1.255.254/16 }\n      eth1: { segment: side2, address: 10.2.255.254/16 }\n`;
  return `version: 1\nname: bench-router-${n}\nhosts:\n${router}${hosts.join('')}segments:\n  side1: { subnet: 10.1.0.0/16 }\n  side2: { subnet: 10.2.0.0/16 }\n`;
}

export function dockerScenario(n: number): string {
  const containers = Array.from({ length: n }, (_, i) => `  c${i}: {}\n`);
  return `version: 1\nname: bench-docker-${n}\nhosts:\n  dockerhost:\n    kind: docker\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.2/24 }\nsegments:\n  lan: {}\ncontainers:\n${containers.join('')}`;
}

/** N containers split over two Docker hosts on one segment. */
export function twoHostScenario(n: number): string {
  const half = Math.ceil(n / 2);
  const containers = Array.from({ length: n }, (_, i) => `  c${i}: { host: ${i < half ? 'd1' : 'd2'} }\n`);
  return `version: 1\nname: bench-twohosts-${n}\nhosts:\n  d1:\n    kind: docker\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.2/24 }\n  d2:\n    kind: docker\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.3/24 }\nsegments:\n  lan: {}\ncontainers:\n${containers.join('')}`;
}

/**
 * A large Docker estate for the command benchmark (bench/commands.ts): `hosts` Docker
 * hosts on one segment, each with its default bridge and two user-defined bridges, and
 * n containers dealt round-robin over hosts and then networks; every 10th container is
 * also on the host's second user network, every 50th publishes a port and listens, and
 * a handful of probes (ping and TCP within a network, TCP to a published port from an
 * outside host, a ping across networks that Docker's isolation drops).
 */
export function estateScenario(n: number, hosts = 4): string {
  const out = [`version: 1\nname: bench-estate-${n}\nhosts:\n`];
  for (let h = 0; h < hosts; h++) {
    out.push(
      `  d${h}:\n    kind: docker\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.${h + 2}/24 }\n    routes:\n      - { to: default, via: 203.0.113.1 }\n`,
    );
  }
  out.push(
    '  ext:\n    interfaces:\n      eth0: { segment: lan, address: 203.0.113.1/24 }\nsegments:\n  lan: { subnet: 203.0.113.0/24 }\nnetworks:\n',
  );
  for (let h = 0; h < hosts; h++) out.push(`  a${h}: { host: d${h} }\n  b${h}: { host: d${h} }\n`);
  out.push('containers:\n');
  for (let i = 0; i < n; i++) {
    const h = i % hosts;
    const k = Math.floor(i / hosts) % 3;
    const nets = [k === 0 ? 'bridge' : k === 1 ? `a${h}` : `b${h}`];
    if (i % 10 === 0 && k !== 2) nets.push(`b${h}`);
    const publish = i % 50 === 1 ? `, ports: ["${20000 + Math.floor(i / 50)}:80"]` : '';
    const listen = i % 50 === 1 || i < 8 * hosts ? ', listen: [tcp/80]' : '';
    out.push(`  c${i}: { host: d${h}, networks: [${nets.join(', ')}]${publish}${listen} }\n`);
  }
  // Container h + hosts*j is on host d(h), network bridge, a(h), b(h) for j mod 3 = 0, 1, 2 (with 4
  // hosts: c0 and c12 on d0's docker0, c5 and c17 on a1, c1 on d1's docker0).
  out.push('timeline:\n');
  out.push('  - { at: 1s, name: same-bridge-ping, ping: { from: c0, to: c12 }, expect: { outcome: delivered } }\n');
  out.push(
    '  - { at: 1.3s, name: user-net-tcp, tcp: { from: c5, to: c17, port: 80 }, expect: { outcome: delivered } }\n',
  );
  out.push(
    '  - { at: 1.6s, name: published-port, tcp: { from: ext, to: d1, port: 20000 }, expect: { outcome: delivered } }\n',
  );
  out.push('  - { at: 1.9s, name: isolated-networks, ping: { from: c1, to: c5 }, expect: { outcome: dropped } }\n');
  return out.join('');
}
