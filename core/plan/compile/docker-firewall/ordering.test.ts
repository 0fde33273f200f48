/**
 * The order of Docker's rules, version by version, where a real engine's order follows
 * from the order of its calls rather than from anything a golden pins down: several
 * networks, several containers, several published ports, and what the replay leaves out.
 */
import { describe, expect, it } from 'vitest';
import { parseSave } from '../../../netfilter/parse-save.js';
import { ruleText } from '../../../netfilter/render.js';
import type { TableName } from '../../../netfilter/types.js';
import { LAB, plan } from '../../../../test/helpers/scenario.js';

/** The LAB's Docker host with a daemon version and more YAML (networks, containers, timeline). */
function lab(version: string, more: string, daemon = ''): string {
  return `${LAB.replace('kind: docker', `kind: docker\n    docker: { version: "${version}"${daemon} }`)}${more}`;
}

/** The rules of one chain of dockerhost, as iptables-save prints them after `-A CHAIN`. */
function chain(text: string, table: TableName, name: string): string[] {
  const ns = plan(text).namespaces.find((n) => n.id === 'dockerhost');
  const rs = parseSave(ns?.netfilter ?? '');
  return (
    rs.tables
      .get(table)
      ?.chains.find((c) => c.name === name)
      ?.rules.map(ruleText) ?? []
  );
}

const THREE_NETWORKS = `
networks:
  n1: {}
  n2: { icc: false }
  n3: { icc: false }
`;

describe('several networks', () => {
  it('20.10: each network block is inserted at the top of FORWARD, so the newest comes first, under the re-pinned jumps', () => {
    const forward = chain(lab('20.10', THREE_NETWORKS), 'filter', 'FORWARD');
    expect(forward.slice(0, 2)).toEqual(['-j DOCKER-USER', '-j DOCKER-ISOLATION-STAGE-1']);
    const blocks = forward.filter((r) => r.endsWith('-j DOCKER') && r.startsWith('-o'));
    expect(blocks).toEqual(['-o br-n3 -j DOCKER', '-o br-n2 -j DOCKER', '-o br-n1 -j DOCKER', '-o docker0 -j DOCKER']);
  });
  it('20.10: ICC DROP rules are appended, so they sit at the tail of FORWARD, oldest first', () => {
    const forward = chain(lab('20.10', THREE_NETWORKS), 'filter', 'FORWARD');
    expect(forward.slice(-2)).toEqual(['-i br-n2 -o br-n2 -j DROP', '-i br-n3 -o br-n3 -j DROP']);
  });
  it('20.10: the isolation chains and DOCKER-USER end with RETURN', () => {
    const text = lab('20.10', THREE_NETWORKS);
    for (const c of ['DOCKER-ISOLATION-STAGE-1', 'DOCKER-ISOLATION-STAGE-2', 'DOCKER-USER'])
      expect(chain(text, 'filter', c).at(-1)).toBe('-j RETURN');
    expect(chain(text, 'filter', 'DOCKER-ISOLATION-STAGE-2')).toEqual([
      '-o br-n3 -j DROP',
      '-o br-n2 -j DROP',
      '-o br-n1 -j DROP',
      '-o docker0 -j DROP',
      '-j RETURN',
    ]);
  });
  it.each(['28', '29'])(
    '%s: FORWARD holds only the two jumps, DOCKER-USER first; networks are appended to DOCKER-FORWARD oldest first',
    (v) => {
      const text = lab(v, THREE_NETWORKS);
      expect(chain(text, 'filter', 'FORWARD')).toEqual(['-j DOCKER-USER', '-j DOCKER-FORWARD']);
      expect(chain(text, 'filter', 'DOCKER-USER')).toEqual([]);
      expect(chain(text, 'filter', 'DOCKER-FORWARD').slice(3)).toEqual([
        '-i docker0 -j ACCEPT',
        '-i br-n1 -j ACCEPT',
        '-i br-n2 -o br-n2 -j DROP',
        '-i br-n2 ! -o br-n2 -j ACCEPT',
        '-i br-n3 -o br-n3 -j DROP',
        '-i br-n3 ! -o br-n3 -j ACCEPT',
      ]);
    },
  );
  it.each(['20.10', '28', '29'])('%s: masquerade rules are inserted at the top of POSTROUTING, newest first', (v) => {
    expect(chain(lab(v, THREE_NETWORKS), 'nat', 'POSTROUTING')).toEqual([
      '-s 172.20.0.0/16 ! -o br-n3 -j MASQUERADE',
      '-s 172.19.0.0/16 ! -o br-n2 -j MASQUERADE',
      '-s 172.18.0.0/16 ! -o br-n1 -j MASQUERADE',
      '-s 172.17.0.0/16 ! -o docker0 -j MASQUERADE',
    ]);
  });
  it('28 isolates networks in STAGE-1 oldest first (appended) and STAGE-2 newest first (inserted); 29 has no isolation chains', () => {
    expect(chain(lab('28', THREE_NETWORKS), 'filter', 'DOCKER-ISOLATION-STAGE-1')).toEqual([
      '-i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2',
      '-i br-n1 ! -o br-n1 -j DOCKER-ISOLATION-STAGE-2',
      '-i br-n2 ! -o br-n2 -j DOCKER-ISOLATION-STAGE-2',
      '-i br-n3 ! -o br-n3 -j DOCKER-ISOLATION-STAGE-2',
    ]);
    expect(chain(lab('28', THREE_NETWORKS), 'filter', 'DOCKER-ISOLATION-STAGE-2')[0]).toBe('-o br-n3 -j DROP');
    const ns = plan(lab('29', THREE_NETWORKS)).namespaces.find((n) => n.id === 'dockerhost');
    expect(ns?.netfilter).not.toContain('ISOLATION');
  });
});

const PUBLISHER = `
containers:
  a1: {}
  web: { ports: ["8080:80", "127.0.0.1:8082:80", "9999:9999/udp", "90"] }
`;

describe('port bindings, in the order each engine binds them', () => {
  it('20.10 follows nat.SortPortMap: a higher host port OR a higher container port sorts first, so the ephemeral 90 passes both bindings of 80', () => {
    expect(
      chain(lab('20.10', PUBLISHER), 'nat', 'DOCKER')
        .filter((r) => r.includes('DNAT'))
        .map((r) => /--dport (\d+)/.exec(r)?.[1]),
    ).toEqual(['9999', '32768', '8082', '8080']);
  });
  it.each(['28', '29'])(
    '%s follows cmpPortBinding: exact host ports by container port, then protocol, then host port; ephemeral last',
    (v) => {
      expect(
        chain(lab(v, PUBLISHER), 'nat', 'DOCKER')
          .filter((r) => r.includes('DNAT'))
          .map((r) => /--dport (\d+)/.exec(r)?.[1]),
      ).toEqual(['8080', '8082', '9999', '32768']);
    },
  );
  it.each(['28', '29'])(
    "%s inserts each container-port ACCEPT at the top of filter DOCKER, above the network's DROP",
    (v) => {
      expect(chain(lab(v, PUBLISHER), 'filter', 'DOCKER')).toEqual([
        '-d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 90 -j ACCEPT',
        '-d 172.17.0.3/32 ! -i docker0 -o docker0 -p udp -m udp --dport 9999 -j ACCEPT',
        '-d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
        '! -i docker0 -o docker0 -j DROP',
      ]);
    },
  );
  it('20.10 appends the ACCEPT once per container port, in binding order', () => {
    expect(chain(lab('20.10', PUBLISHER), 'filter', 'DOCKER')).toEqual([
      '-d 172.17.0.3/32 ! -i docker0 -o docker0 -p udp -m udp --dport 9999 -j ACCEPT',
      '-d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 90 -j ACCEPT',
      '-d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT',
    ]);
  });
  it('28 and 29 drop remote packets to a port published on 127.0.0.1, after the endpoints created before it', () => {
    expect(chain(lab('29', PUBLISHER), 'raw', 'PREROUTING')).toEqual([
      '-d 172.17.0.2/32 ! -i docker0 -j DROP',
      '-d 172.17.0.3/32 ! -i docker0 -j DROP',
      '-d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8082 -j DROP',
    ]);
  });
  it("publishes on the gateway endpoint's network only, and nothing on an internal one", () => {
    const text = lab(
      '28',
      `
networks:
  back: { internal: true }
  zfront: {}
containers:
  web: { networks: [back, zfront], ports: ["8080:80"] }
  hidden: { networks: [back], ports: ["8081:80"] }
`,
    );
    expect(chain(text, 'nat', 'DOCKER').filter((r) => r.includes('DNAT'))).toEqual([
      '! -i br-zfront -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.19.0.2:80',
    ]);
  });
});

describe('what the replay leaves out', () => {
  it("a timeline connect or disconnect does not change the plan's rules: they are the state at start (no restarts, no reconnects)", () => {
    const base = `
networks:
  other: {}
containers:
  web: { ports: ["8080:80"] }
`;
    const withTimeline = `${base}timeline:
  - at: 1s
    disconnect: { container: web, network: bridge }
  - at: 2s
    connect: { container: web, network: other }
`;
    const rules = (t: string) => plan(lab('28', t)).namespaces.find((n) => n.id === 'dockerhost')?.netfilter;
    expect(rules(withTimeline)).toBe(rules(base));
  });
});
