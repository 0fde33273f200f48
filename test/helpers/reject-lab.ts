/**
 * A Docker 28 host publishing web's tcp/80 on 8080 and udp/9999 on 9999, `ext` beside it,
 * and DOCKER-USER rules of the test's choosing: the lab both engines' tests of REJECT
 * after a DNAT run (sim/ip/netfilter-host.test.ts, emulator/reject-after-dnat.test.ts).
 */
export function rejectLab(rules: readonly string[], timeline: string): string {
  return `
version: 1
hosts:
  dockerhost:
    kind: docker
    docker: { version: "28" }
    interfaces:
      eth0: { segment: lan, address: 203.0.113.2/24 }
    iptables:
${rules.map((r) => `      - "${r}"`).join('\n')}
  ext:
    interfaces:
      eth0: { segment: lan, address: 203.0.113.1/24 }
segments:
  lan: { subnet: 203.0.113.0/24 }
containers:
  web:
    ports: ["8080:80", "9999:9999/udp"]
    listen: [tcp/80, udp/9999]
timeline:
${timeline}
`;
}

/** The rules and probes both engines run: a reset and an ICMP error after DNAT, and a reset for a later packet. */
export const REJECT_CASES = {
  reset: {
    rules: ['-I DOCKER-USER -p tcp --dport 80 -j REJECT --reject-with tcp-reset'],
    timeline: '  - { at: 1s, name: t, tcp: { from: ext, to: dockerhost, port: 8080 } }',
  },
  icmp: {
    rules: ['-I DOCKER-USER -p udp --dport 9999 -j REJECT'],
    timeline: '  - { at: 1s, name: u, udp: { from: ext, to: dockerhost, port: 9999 } }',
  },
  established: {
    rules: ['-I DOCKER-USER -p tcp --dport 80 -m conntrack --ctstate ESTABLISHED -j REJECT --reject-with tcp-reset'],
    timeline: '  - { at: 1s, name: t, tcp: { from: ext, to: dockerhost, port: 8080 } }',
  },
} as const;
