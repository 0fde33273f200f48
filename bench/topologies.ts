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
  const hosts = Array.from({ length: n }, (_, i) => `  h${i}:\n    interfaces:\n      eth0: { segment: lan, address: ${hostAddress(1, i)}/16 }\n`);
  return `version: 1\nname: bench-bridge-${n}\nhosts:\n${hosts.join('')}segments:\n  lan: { subnet: 10.1.0.0/16 }\n`;
}

export function routerScenario(n: number): string {
  const half = n / 2;
  const host = (side: 1 | 2, i: number) =>
    `  ${side === 1 ? 'a' : 'b'}${i}:\n    interfaces:\n      eth0: { segment: side${side}, address: ${hostAddress(side, i)}/16 }\n    routes:\n      - { to: default, via: 10.${side}.255.254 }\n`;
  const hosts = [...Array.from({ length: half }, (_, i) => host(1, i)), ...Array.from({ length: half }, (_, i) => host(2, i))];
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
