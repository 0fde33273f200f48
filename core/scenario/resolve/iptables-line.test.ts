import { describe, expect, it } from 'vitest';
import { LAB, lines } from '../../../test/helpers/scenario.js';

/** The LAB with firewall lines on the Docker host. */
function withRules(rules: string[]): string {
  return LAB.replace(
    'kind: docker',
    `kind: docker\n    iptables:\n${rules.map((r) => `      - ${JSON.stringify(r)}`).join('\n')}`,
  );
}

describe("the user's iptables lines are parsed at validation", () => {
  it('names the argument the netfilter model does not understand, and what it expected', () => {
    expect(
      lines(
        withRules([
          '-A DOCKER-USER -m mark --mark 1 -j DROP',
          '-A DOCKER-USER -s 10.0.0.0/33 -j DROP',
          '-A INPUT -p tcp --dport ssh -j ACCEPT',
        ]),
      ),
    ).toEqual([
      'test.yaml:7:9: error: hosts.dockerhost.iptables[0]: the netfilter model does not know match "-m mark"; expected one of: tcp, udp, icmp, multiport, conntrack, state, addrtype, statistic, comment (got "-A DOCKER-USER -m mark --mark 1 -j DROP")',
      'test.yaml:8:9: error: hosts.dockerhost.iptables[1]: "10.0.0.0/33": expected an IPv4 address or prefix such as 10.0.0.0/8 (names and IPv6 are not supported) (got "-A DOCKER-USER -s 10.0.0.0/33 -j DROP")',
      'test.yaml:9:9: error: hosts.dockerhost.iptables[2]: "ssh": expected a port number from 0 to 65535 (service names are not supported) (got "-A INPUT -p tcp --dport ssh -j ACCEPT")',
    ]);
  });
  it('rejects a command that does not build a ruleset, and a line without a command', () => {
    expect(lines(withRules(['-F INPUT', '-s 10.0.0.0/8 -j DROP', '-t security -A INPUT -j DROP']))).toEqual([
      'test.yaml:7:9: error: hosts.dockerhost.iptables[0]: "-F" does not build a ruleset; expected -A, -I, -D, -N or -P (got "-F INPUT")',
      'test.yaml:8:9: error: hosts.dockerhost.iptables[1]: expected a command with its chain: -A CHAIN, -I CHAIN, -D CHAIN, -N CHAIN or -P CHAIN POLICY (got "-s 10.0.0.0/8 -j DROP")',
      'test.yaml:9:9: error: hosts.dockerhost.iptables[2]: unknown table "security"; expected one of: raw, mangle, nat, filter (got "-t security -A INPUT -j DROP")',
    ]);
  });
  it('rejects an unbalanced quote', () => {
    expect(lines(withRules(["-A INPUT -m comment --comment 'oops -j DROP"]))).toEqual([
      'test.yaml:7:9: error: hosts.dockerhost.iptables[0]: unbalanced quote in the rule (got "-A INPUT -m comment --comment \'oops -j DROP")',
    ]);
  });
});
