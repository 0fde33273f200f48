/**
 * The command line end to end, through bin/twinnet.js and the built dist/ (the test
 * command builds first): exit codes, messages on standard error, never a stack trace.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioJsonSchema } from '../core/scenario/schema/index.js';
import { tempDirs } from '../test/helpers/tmp.js';

const root = join(import.meta.dirname, '..');

function twinnet(...args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/twinnet.js'), ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

const tmp = tempDirs();

function tmpFile(name: string, text: string): string {
  const f = join(tmp('twinnet-cli-'), name);
  writeFileSync(f, text);
  return f;
}

describe('twinnet validate', () => {
  it('accepts every bundled scenario', () => {
    const files = readdirSync(join(root, 'scenarios'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `scenarios/${f}`);
    const r = twinnet('validate', ...files);
    // Only 15-mtu-black-hole warns: it exists to show that warning.
    expect(r.err.split('\n').filter((l) => l !== '')).toEqual([
      expect.stringContaining('scenarios/15-mtu-black-hole.yaml:57:8: warning: networks.ov1: overlay ov1 (MTU 1450)'),
    ]);
    expect(r.code).toBe(0);
    expect(r.out.split('\n').filter((l) => l.endsWith(')') && l.includes(': valid ('))).toHaveLength(files.length);
    expect(r.out).toContain(
      'scenarios/01-default-bridge.yaml: valid (2 hosts, 0 networks declared + 1 that Docker makes (docker0 on dockerhost), 2 containers, 8 probes, 0 faults)',
    );
    expect(r.out).toContain(
      'scenarios/13-overlay-two-hosts.yaml: valid (3 hosts, 1 network declared + 4 that Docker makes (docker0 on host1 and host2; docker_gwbridge on host1 and host2), 3 containers, 9 probes, 0 faults)',
    );
  });
  it('exits 2 with every error located, and no stack trace', () => {
    const f = tmpFile('bad.yaml', 'version: 1\ncontainers:\n  web:\n    networks: [netZ]\n    portz: []\n');
    const r = twinnet('validate', f);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${f}:5:5: error: containers.web.portz: unknown field "portz" (did you mean "ports"?)`);
    expect(r.err).toContain('1 of 1 file invalid');
    expect(r.err).not.toMatch(/\n\s+at /);
  });
  it('reports a missing file as bad input', () => {
    const r = twinnet('validate', 'no/such/file.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toBe('twinnet: no/such/file.yaml: no such file\n');
  });
});

describe('twinnet plan', () => {
  it('prints the readable plan with the rules the Docker engine writes', () => {
    const r = twinnet('plan', 'scenarios/01-default-bridge.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('netfilter (iptables-save)');
    expect(r.out).toContain('-A FORWARD -j DOCKER-USER');
    expect(r.out).toContain('default via 172.17.0.1 dev eth0');
  });
  it('prints JSON and shell forms', () => {
    const json = JSON.parse(twinnet('plan', 'scenarios/02-user-bridge.yaml', '--json').out) as {
      format: string;
      namespaces: { id: string }[];
    };
    expect(json.format).toBe('twinnet-plan/1');
    expect(json.namespaces.map((n) => n.id)).toEqual(['dockerhost', 'ext', 'b1', 'b2', 'seg-lan']);
    const sh = twinnet('plan', 'scenarios/02-user-bridge.yaml', '--format', 'sh').out;
    expect(sh).toContain('ip -n "${P}dockerhost" link add br-netA');
  });
  it('ends the readable plan with the path MTU between containers that share a network', () => {
    const f = tmpFile(
      'overlay.yaml',
      `version: 1
hosts:
  n1: { kind: docker, interfaces: { eth0: { segment: dc, address: 192.0.2.1/24 } } }
  n2: { kind: docker, interfaces: { eth0: { segment: dc, address: 192.0.2.2/24, mtu: 1400 } } }
segments:
  dc: { subnet: 192.0.2.0/24 }
networks:
  ov1: { driver: overlay }
containers:
  o1: { host: n1, networks: [ov1] }
  o2: { host: n2, networks: [ov1] }
`,
    );
    const r = twinnet('plan', f);
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      'warning: networks.ov1: overlay ov1 (MTU 1450) needs 1500-byte packets between n1 and n2 (VXLAN adds 50), but n2:eth0 on the way from n1 to n2 has MTU 1400; mtu: 1350 would fit',
    );
    expect(r.out).toContain(
      "path MTU between containers that share a network (largest IP packet that passes whole)\n  o1 <-> o2  ov1   1350  # a 1450-byte packet from o1 becomes a 1500-byte VXLAN packet, over the underlay's MTU 1400 at n2:eth0, which is dropped there",
    );
  });
  it('refuses an unknown format with a usage error', () => {
    const r = twinnet('plan', 'scenarios/01-default-bridge.yaml', '--format', 'yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain("option '-f, --format <format>' argument 'yaml' is invalid");
  });
});

describe('twinnet schema', () => {
  it('prints the JSON Schema, and the published copy is current', () => {
    const printed = twinnet('schema').out;
    expect(JSON.parse(printed)).toEqual(scenarioJsonSchema());
    expect(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8')).toBe(printed);
  });
});
