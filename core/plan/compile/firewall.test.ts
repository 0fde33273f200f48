import { describe, expect, it } from 'vitest';
import { LAB, lines, plan } from '../../../test/helpers/scenario.js';
import type { NamespacePlan } from '../types.js';

/** The LAB's Docker host with daemon options and firewall lines. */
function lab(daemon: string, rules: string[], more = ''): string {
  const iptables =
    rules.length === 0 ? '' : `\n    iptables:\n${rules.map((r) => `      - ${JSON.stringify(r)}`).join('\n')}`;
  return `${LAB.replace('kind: docker', `kind: docker\n    docker: { ${daemon} }${iptables}`)}${more}`;
}

function host(text: string, id = 'dockerhost'): NamespacePlan {
  const ns = plan(text).namespaces.find((n) => n.id === id);
  if (ns === undefined) throw new Error(`no namespace ${id}`);
  return ns;
}

const sysctl = (ns: NamespacePlan, key: string) => ns.sysctls.find((s) => s.key === key)?.value;

describe("the user's rules on top of Docker's", () => {
  it("are applied after Docker's: -I DOCKER-USER lands above 20.10's RETURN", () => {
    const ns = host(lab('version: "20.10"', ['-I DOCKER-USER -s 198.51.100.0/24 -j DROP']));
    expect(ns.netfilter).toContain('-A DOCKER-USER -s 198.51.100.0/24 -j DROP\n-A DOCKER-USER -j RETURN\n');
  });
  it('warn when 20.10 would put an appended DOCKER-USER rule after its RETURN, and on FORWARD rules', () => {
    expect(
      lines(
        lab('version: "20.10"', ['-A DOCKER-USER -s 198.51.100.0/24 -j DROP', '-A FORWARD -s 198.51.100.0/24 -j DROP']),
      ),
    ).toEqual([
      'test.yaml:8:9: warning: hosts.dockerhost.iptables[0]: engine 20.10 ends DOCKER-USER with "-j RETURN", so a rule appended after it never matches; insert it instead (-I DOCKER-USER) (got "-A DOCKER-USER -s 198.51.100.0/24 -j DROP")',
      'test.yaml:9:9: warning: hosts.dockerhost.iptables[1]: Docker re-inserts its FORWARD jumps above rules added here whenever it creates a network; put forwarding rules in DOCKER-USER (got "-A FORWARD -s 198.51.100.0/24 -j DROP")',
    ]);
  });
  it("do not warn about appending to 28's DOCKER-USER, which has no RETURN", () => {
    expect(lines(lab('version: "28"', ['-A DOCKER-USER -s 198.51.100.0/24 -j DROP']))).toEqual([]);
  });
  it('report what iptables refuses at the line: a missing chain, a rule to delete that is not there', () => {
    expect(lines(lab('version: "29"', ['-A NOPE -j DROP', '-D INPUT -j DROP', '-D DOCKER-USER -j RETURN']))).toEqual([
      'test.yaml:8:9: error: hosts.dockerhost.iptables[0]: no chain NOPE in table filter (iptables: "Chain \'NOPE\' does not exist") (got "-A NOPE -j DROP")',
      'test.yaml:9:9: error: hosts.dockerhost.iptables[1]: no such rule in INPUT to delete (iptables: "Bad rule (does a matching rule exist in that chain?)") (got "-D INPUT -j DROP")',
      'test.yaml:10:9: error: hosts.dockerhost.iptables[2]: no such rule in DOCKER-USER to delete (iptables: "Bad rule (does a matching rule exist in that chain?)") (got "-D DOCKER-USER -j RETURN")',
    ]);
  });
  it("report what the kernel refuses at the line that causes it, naming another chain's rule when a jump makes it invalid", () => {
    expect(
      lines(
        lab('', [
          '-A INPUT -j DNAT --to-destination 192.0.2.1',
          '-t nat -N X',
          '-t nat -A X -j MASQUERADE',
          '-t nat -A PREROUTING -j X',
          '-N L',
          '-A L -j L',
        ]),
      ),
    ).toEqual([
      'test.yaml:8:9: error: hosts.dockerhost.iptables[0]: the kernel would refuse this: DNAT is only valid in the nat table (got "-A INPUT -j DNAT --to-destination 192.0.2.1")',
      'test.yaml:11:9: error: hosts.dockerhost.iptables[3]: the kernel would refuse this: MASQUERADE is only valid in POSTROUTING, but this chain runs in PREROUTING (at "-A X -j MASQUERADE" in table nat) (got "-t nat -A PREROUTING -j X")',
      'test.yaml:13:9: error: hosts.dockerhost.iptables[5]: the kernel would refuse this: jumps loop: L -> L (the kernel refuses loops) (got "-A L -j L")',
    ]);
  });
  it('say so when DOCKER-USER is missing because the engine writes no rules', () => {
    expect(lines(lab('iptables: false', ['-I DOCKER-USER -j DROP']))).toEqual([
      'test.yaml:8:9: error: hosts.dockerhost.iptables[0]: no chain DOCKER-USER in table filter (iptables: "Chain \'DOCKER-USER\' does not exist"); with iptables: false the engine creates none of its chains (got "-I DOCKER-USER -j DROP")',
    ]);
  });
  it('on a plain host, need their chains created first, as iptables does', () => {
    const text = `
version: 1
hosts:
  r1:
    kind: router
    iptables: ["-A LOGDROP -j DROP", "-N LOGDROP", "-A LOGDROP -j DROP"]
`;
    expect(lines(text)).toEqual([
      'test.yaml:6:16: error: hosts.r1.iptables[0]: no chain LOGDROP in table filter (iptables: "Chain \'LOGDROP\' does not exist") (got "-A LOGDROP -j DROP")',
    ]);
  });
});

describe('what goes with the firewall', () => {
  it('one docker-proxy per published IPv4 binding with the userland proxy, none without', () => {
    const more = '\ncontainers:\n  web: { ports: ["8080:80", "127.0.0.1:8082:80"] }\n';
    expect(host(lab('version: "29"', [], more)).helpers).toEqual([
      {
        kind: 'docker-proxy',
        proto: 'tcp',
        hostIp: '0.0.0.0',
        hostPort: 8080,
        containerIp: '172.17.0.2',
        containerPort: 80,
        version: '29',
      },
      {
        kind: 'docker-proxy',
        proto: 'tcp',
        hostIp: '127.0.0.1',
        hostPort: 8082,
        containerIp: '172.17.0.2',
        containerPort: 80,
        version: '29',
      },
    ]);
    expect(host(lab('version: "20.10"', [], more)).helpers.map((h) => h.version)).toEqual(['20.10', '20.10']);
    expect(host(lab('userland-proxy: false', [], more)).helpers).toEqual([]);
  });
  it('no docker-proxy for a routed network, which binds no host port', () => {
    const more =
      '\nnetworks:\n  r: { gateway-mode: routed }\ncontainers:\n  web: { networks: [r], ports: ["8080:80"] }\n';
    expect(host(lab('version: "28"', [], more)).helpers).toEqual([]);
  });
  it('route_localnet on every Docker bridge without the userland proxy', () => {
    const ns = host(lab('userland-proxy: false', [], '\nnetworks:\n  n1: {}\n'));
    expect(ns.sysctls.filter((s) => s.key.endsWith('route_localnet')).map((s) => `${s.key}=${s.value}`)).toEqual([
      'net.ipv4.conf.docker0.route_localnet=1',
      'net.ipv4.conf.br-n1.route_localnet=1',
    ]);
    expect(
      host(lab('userland-proxy: true', [], '\nnetworks:\n  n1: {}\n')).sysctls.some((s) =>
        s.key.endsWith('route_localnet'),
      ),
    ).toBe(false);
  });
  it('iptables false: no rules at all, forwarding still on, no DROP policy', () => {
    const ns = host(lab('iptables: false', []));
    expect(ns.netfilter).toBe('');
    expect(sysctl(ns, 'net.ipv4.ip_forward')).toBe('1');
  });
  it('28 and 29 with no bridge network (bridge: none) leave forwarding off and FORWARD accepting', () => {
    const ns = host(lab('version: "29", bridge: none', []));
    expect(sysctl(ns, 'net.ipv4.ip_forward')).toBe('0');
    expect(ns.netfilter).toContain(':FORWARD ACCEPT [0:0]');
    expect(ns.interfaces.map((i) => i.name)).not.toContain('docker0');
  });
  it('FORWARD stays ACCEPT when the scenario turned forwarding on before dockerd could', () => {
    const text = lab('version: "20.10"', []).replace(
      '    routes:',
      '    sysctls: { net.ipv4.ip_forward: 1 }\n    routes:',
    );
    expect(host(text).netfilter).toContain(':FORWARD ACCEPT [0:0]');
  });
  it('a plain host with bridges and rules pins bridge-nf-call-iptables to 0; its own sysctls win', () => {
    const text = (sysctls: string) => `
version: 1
hosts:
  sw:
    interfaces:
      eth0: { segment: a }
      eth1: { segment: b }
    bridges:
      br0: { interfaces: [eth0, eth1] }
    iptables: ["-P FORWARD DROP"]${sysctls}
segments:
  a: {}
  b: {}
`;
    expect(sysctl(host(text(''), 'sw'), 'net.bridge.bridge-nf-call-iptables')).toBe('0');
    expect(
      sysctl(
        host(text('\n    sysctls: { net.bridge.bridge-nf-call-iptables: 1 }'), 'sw'),
        'net.bridge.bridge-nf-call-iptables',
      ),
    ).toBe('1');
  });
});

describe('daemon and network options that change what exists', () => {
  it('bridge: none has no default network to join', () => {
    expect(lines(lab('bridge: none', [], '\ncontainers:\n  web: {}\n'))).toEqual([
      'test.yaml:18:8: error: containers.web: host dockerhost has no default bridge (bridge: none), so there is no network bridge to join (Docker: "network bridge not found"); declare a network under networks and connect the container to it (got "bridge")',
    ]);
  });
  it('bridge: none frees 172.17.0.0/16 for the first user network, and refuses bip', () => {
    expect(
      host(lab('bridge: none', [], '\nnetworks:\n  n1: {}\n')).interfaces.find((i) => i.name === 'br-n1')?.addresses,
    ).toEqual(['172.17.0.1/16']);
    expect(lines(lab('bridge: none, bip: 10.0.0.1/24', []))).toEqual([
      'test.yaml:6:34: error: hosts.dockerhost.docker.bip: bip sets up the default bridge, which bridge: none disables; dockerd refuses both ("You specified -b & --bip, mutually incompatible options") (got "10.0.0.1/24")',
    ]);
  });
  it('20.10 has no gateway modes', () => {
    expect(lines(lab('version: "20.10"', [], '\nnetworks:\n  r: { gateway-mode: nat }\n'))).toEqual([
      'test.yaml:18:22: error: networks.r.gateway-mode: engine 20.10 (host dockerhost) has no gateway modes; they came with Docker 27 (com.docker.network.bridge.gateway_mode_ipv4). Remove gateway-mode, or use version "28" or "29" (got "nat")',
    ]);
  });
});
