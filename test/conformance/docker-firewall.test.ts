/**
 * Docker's own goldens (../shared/conformance/docker-firewall: the results of moby's
 * TestIptabler at v28.5.2 and 29.7) against twinnet's compiler. For every golden file,
 * the configuration its name encodes is written as a scenario (a Docker host with
 * `bridge: none`, one network `dummy` on bridge br-dummy with 192.168.0.0/24, one
 * container at 192.168.0.2 publishing 8080:80 on 0.0.0.0 or 127.0.0.1), taken through
 * the real pipeline (YAML text, parse, resolve, validate, compile), and the Docker
 * host's raw, filter and nat tables are compared line for line with the golden.
 *
 * TestIptabler drives the bridge driver's firewaller directly, without the daemon
 * around it, so the daemon-level parts of a real engine are taken out of twinnet's
 * ruleset before comparing:
 * - the DOCKER-USER chain and the FORWARD jump to it: the controller creates them
 *   (libnetwork/firewall_linux.go setupUserChain), not the firewaller;
 * - FORWARD's DROP policy: the bridge driver sets it when a network's setup turns IPv4
 *   forwarding on (setup_ip_forwarding.go), and the test creates its firewaller network
 *   without those setup steps.
 *
 * One more difference is in the goldens themselves: TestIptabler hands AddPorts a
 * binding with host port 8080 in every gateway mode, but a real engine never gives the
 * firewall a host port on a routed network (its port mapper zeroes it: "Host port
 * ignored, because NAT is disabled", portmappers/routed at 29.7, port_mapping_linux.go
 * at v28.5.2). So for `gwm=routed` the compiled scenario is compared with the golden
 * minus the three rules that need a host port (the DNAT, its hairpin MASQUERADE and the
 * raw DROP of a loopback binding: port.go setPerPortNAT and
 * filterPortMappedOnLoopback), and, separately, twinnet's engine replayed with
 * TestIptabler's binding must give the golden exactly.
 *
 * "cleaned" is the host with no network; "no" is `iptables: false`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../core/addr.js';
import { RulesetBuilder } from '../../core/netfilter/builder.js';
import type { Ruleset } from '../../core/netfilter/types.js';
import { DOCKER_ENGINES, engineOptions, playEvents } from '../../core/plan/compile/docker-firewall/index.js';
import { engineEvents, type FirewallEvent } from '../../core/plan/compile/docker-firewall/events.js';
import { IptablesCalls } from '../../core/plan/compile/docker-firewall/iptables-calls.js';
import { compilePlan } from '../../core/plan/compile/index.js';
import type { ScenarioModel } from '../../core/scenario/model.js';
import { model } from '../helpers/scenario.js';
import { planRuleset, renderTables, sharedFolder, withTable } from '../helpers/docker-firewall.js';

const ROOT = sharedFolder('conformance', 'docker-firewall');
const FOLDERS = [{ folder: 'v28.5.2', version: '28' }, { folder: 'v29.7', version: '29' }] as const;
const TABLES = ['raw', 'filter', 'nat'] as const;

/** The options a golden's name encodes (`hairpin=false,internal=false,...,bindlh=true__iptables.golden`). */
type Config = Record<string, string>;

function configOf(file: string): Config {
  const name = file.replace(/__iptables\.golden$/, '');
  // A bare word ("cleaned", "no") is a flag.
  return Object.fromEntries(name.split(',').map((kv) => [kv.split('=')[0] as string, kv.split('=')[1] ?? 'true']));
}

/** The scenario for one configuration, as JSON text (JSON is YAML too). */
function scenarioText(version: string, c: Config): string {
  const docker = { version, bridge: 'none', 'userland-proxy': c.hairpin !== 'true', ...(c.no === 'true' && { iptables: false }) };
  const withNetwork = c.cleaned !== 'true';
  const network = {
    'bridge-name': 'br-dummy', subnet: '192.168.0.0/24', internal: c.internal === 'true', icc: c.icc === 'true',
    masquerade: c.masq !== 'false', ...(c.snat === 'true' && { 'host-ipv4': '192.168.123.0' }), 'gateway-mode': c.gwm ?? 'nat',
  };
  const container = { networks: [{ network: 'dummy', 'ipv4-address': '192.168.0.2' }], ports: [c.bindlh === 'true' ? '127.0.0.1:8080:80' : '8080:80'] };
  return JSON.stringify({
    version: 1,
    hosts: { d: { kind: 'docker', docker } },
    ...(withNetwork && { networks: { dummy: network }, containers: { c1: container } }),
  }, null, 2);
}

/** Takes out what the daemon adds around the firewaller: DOCKER-USER, its jump, FORWARD's DROP policy. */
function withoutDaemonParts(rs: Ruleset): Ruleset {
  const filter = rs.tables.get('filter');
  if (filter === undefined) return rs;
  const chains = filter.chains.filter((ch) => ch.name !== 'DOCKER-USER').map((ch) => (ch.name !== 'FORWARD' ? ch : {
    ...ch, policy: 'ACCEPT' as const, rules: ch.rules.filter((r) => !(r.target?.kind === 'jump' && r.target.chain === 'DOCKER-USER')),
  }));
  return withTable(rs, { ...filter, chains });
}

function compiled(text: string): { m: ScenarioModel; rules: string } {
  const m = model(text);
  return { m, rules: renderTables(withoutDaemonParts(planRuleset(compilePlan(m), 'd')), TABLES) };
}

/** The golden without the rules a routed network never gets from a real engine (no host port). */
function withoutHostPortRules(golden: string): string {
  const needsHostPort = [/-j DNAT /, /^-A POSTROUTING -s 192\.168\.0\.2\/32 -d 192\.168\.0\.2\/32 /, /! -i lo .*-j DROP$/];
  return golden.split('\n').filter((l) => !needsHostPort.some((re) => re.test(l))).join('\n');
}

/** twinnet's engine replayed with the binding TestIptabler passes (host port 8080 whatever the gateway mode). */
function replayedWithTestBinding(m: ScenarioModel, c: Config): string {
  const h = m.hosts[0];
  if (h?.docker === undefined) throw new Error('no Docker host');
  const engine = DOCKER_ENGINES[h.docker.version];
  const hostIp = c.bindlh === 'true' ? (parseIpv4('127.0.0.1') as number) : 0;
  const events = engineEvents(engine, h, m.networks, m.containers).map((e): FirewallEvent => (e.kind !== 'ports' ? e : {
    ...e, bindings: [{ proto: 'tcp', containerIp: parseIpv4('192.168.0.2') as number, containerPort: 80, hostIp, hostPort: 8080 }],
  }));
  const rules = new RulesetBuilder();
  playEvents(new IptablesCalls(rules), engine, events, engineOptions(h, true));
  return renderTables(withoutDaemonParts(rules.finish()), TABLES);
}

/** Every configuration behind a golden: an internal network's golden stands for every port and NAT option. */
function configsFor(c: Config): Config[] {
  if (c.internal !== 'true') return [c];
  const out: Config[] = [];
  for (const masq of ['true', 'false']) for (const snat of ['true', 'false']) for (const gwm of ['nat', 'nat-unprotected', 'routed']) for (const bindlh of ['true', 'false']) out.push({ ...c, masq, snat, gwm, bindlh });
  return out;
}

if (ROOT === undefined) {
  console.warn('test/conformance/docker-firewall: skipped, ../shared/conformance/docker-firewall (Docker\'s TestIptabler goldens) is not next to the repository');
}

(ROOT === undefined ? describe.skip : describe).each(FOLDERS)('Docker $folder goldens (engine $version)', ({ folder, version }) => {
  const dir = join(ROOT ?? '', folder);
  const files = ROOT === undefined ? [] : readdirSync(dir).filter((f) => f.endsWith('__iptables.golden')).sort();

  it('has every golden of TestIptabler (103)', () => {
    expect(files).toHaveLength(103);
  });

  it.each(files)('%s', (file) => {
    const golden = readFileSync(join(dir, file), 'utf8');
    const c = configOf(file);
    for (const config of configsFor(c)) {
      const { rules } = compiled(scenarioText(version, config));
      expect(rules, JSON.stringify(config)).toBe(config.gwm === 'routed' ? withoutHostPortRules(golden) : golden);
    }
  });

  const routed = files.filter((f) => f.includes('gwm=routed'));
  it.each(routed)('%s, replayed with TestIptabler\'s host port', (file) => {
    const golden = readFileSync(join(dir, file), 'utf8');
    const c = configOf(file);
    expect(replayedWithTestBinding(compiled(scenarioText(version, c)).m, c)).toBe(golden);
  });
});
