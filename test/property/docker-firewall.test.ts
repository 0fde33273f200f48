/**
 * Docker's firewall over generated Docker hosts (fixed seeds, in the test names): for
 * random networks, containers and published ports, under every engine version and
 * every daemon and network option, the compiled ruleset passes the kernel's load-time
 * checks, reads back from its iptables-save text to the same text, and is the plan's.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkRuleset } from '../../core/netfilter/check.js';
import { parseSave } from '../../core/netfilter/parse-save.js';
import { renderRuleset } from '../../core/netfilter/render.js';
import { compilePlan } from '../../core/plan/compile/index.js';
import { hostFirewall } from '../../core/plan/compile/firewall.js';
import { formatDiagnostic } from '../../core/scenario/diagnostics.js';
import { loadPlan } from '../../core/plan/load-plan.js';

const GATEWAY_MODES = ['nat', 'nat-unprotected', 'routed'] as const;

const networkArb = fc.record({
  internal: fc.boolean(),
  icc: fc.boolean(),
  masquerade: fc.boolean(),
  snat: fc.boolean(),
  gatewayMode: fc.option(fc.constantFrom(...GATEWAY_MODES), { nil: undefined }),
});

const portArb = fc.record({
  localhost: fc.boolean(),
  udp: fc.boolean(),
  ephemeral: fc.boolean(),
  containerPort: fc.constantFrom(53, 80, 443, 8080),
});

const containerArb = fc.record({
  nets: fc.uniqueArray(fc.integer({ min: -1, max: 3 }), { minLength: 1, maxLength: 3 }),
  ports: fc.array(portArb, { maxLength: 3 }),
});

const hostArb = fc.record({
  version: fc.constantFrom('20.10', '28', '29'),
  userlandProxy: fc.boolean(),
  icc: fc.boolean(),
  ipMasq: fc.boolean(),
  iptables: fc.boolean(),
  noBridge: fc.boolean(),
  networks: fc.array(networkArb, { maxLength: 4 }),
  containers: fc.array(containerArb, { maxLength: 5 }),
  userRules: fc.boolean(),
});

type HostShape = typeof hostArb extends fc.Arbitrary<infer T> ? T : never;

/** A valid scenario with one Docker host of that shape. */
function scenario(s: HostShape): Record<string, unknown> {
  const networks = Object.fromEntries(
    s.networks.map((n, i) => [
      `net${i}`,
      {
        internal: n.internal,
        icc: n.icc,
        masquerade: n.masquerade,
        ...(n.snat && { 'host-ipv4': '203.0.113.2' }),
        ...(n.gatewayMode !== undefined && s.version !== '20.10' && { 'gateway-mode': n.gatewayMode }),
      },
    ]),
  );
  let nextHostPort = 8000;
  const containers = Object.fromEntries(
    s.containers.flatMap((c, i) => {
      const nets = c.nets
        .filter((k) => (k < 0 ? !s.noBridge : k < s.networks.length))
        .map((k) => (k < 0 ? 'bridge' : `net${k}`));
      if (nets.length === 0) return [];
      const ports = c.ports.map(
        (p) =>
          `${p.localhost ? '127.0.0.1:' : ''}${p.ephemeral ? (p.localhost ? ':' : '') : `${nextHostPort++}:`}${p.containerPort}${p.udp ? '/udp' : ''}`,
      );
      return [[`c${i}`, { networks: nets, ports }]];
    }),
  );
  const daemon = {
    version: s.version,
    'userland-proxy': s.userlandProxy,
    icc: s.icc,
    'ip-masq': s.ipMasq,
    iptables: s.iptables,
    ...(s.noBridge && { bridge: 'none' }),
  };
  const rules =
    s.userRules && s.iptables
      ? ['-I DOCKER-USER -s 198.51.100.0/24 -j DROP', '-t nat -I PREROUTING -s 198.51.100.7 -j RETURN']
      : [];
  return {
    version: 1,
    hosts: {
      d: {
        kind: 'docker',
        docker: daemon,
        iptables: rules,
        interfaces: { eth0: { segment: 'lan', address: '203.0.113.2/24' } },
        routes: [{ to: 'default', via: '203.0.113.1' }],
      },
    },
    segments: { lan: { subnet: '203.0.113.0/24' } },
    networks,
    containers,
  };
}

describe('Docker firewalls of generated hosts', () => {
  it("pass the kernel's checks and read back to the same iptables-save text (seed 21)", () => {
    fc.assert(
      fc.property(hostArb, (s) => {
        const r = loadPlan(stringify(scenario(s)), 'gen.yaml');
        expect(r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic)).toEqual([]);
        const m = r.model as NonNullable<typeof r.model>;
        const h = m.hosts.find((x) => x.name === 'd') as (typeof m.hosts)[number];
        const fw = hostFirewall(h, m.networks, m.containers);
        expect(fw.problems.filter((p) => p.severity === 'error')).toEqual([]);
        expect(() => checkRuleset(fw.ruleset)).not.toThrow();
        const text = renderRuleset(fw.ruleset);
        expect(renderRuleset(parseSave(text))).toBe(text);
        expect(compilePlan(m).namespaces.find((n) => n.id === 'd')?.netfilter).toBe(text);
        if (!s.iptables) expect(text).toBe('');
      }),
      { seed: 21, numRuns: 300 },
    );
  });
});
