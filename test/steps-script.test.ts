/**
 * The dry run is the program the emulator executes: for bundled scenarios, the script
 * `twinnet plan --format sh` prints (core/plan/render-sh.ts) is run by sh in fresh
 * namespaces under a run marker of its own, the emulator builds the same plan
 * (emulator/build-run.ts, its read-back against the plan included), and the kernel state
 * of both is read and compared: links (kind, MTU, MAC, up, master, bridge-port flags,
 * VXLAN parameters, the namespace of a veth's peer and of a vxlan's socket), addresses,
 * routes of every table, permanent neighbours and FDB entries, the plan's sysctls, and
 * each netfilter ruleset as iptables-save prints it (counters and comment lines dropped).
 * Left out: what only a run has (the alias marking its devices, the agent's sockets:
 * listeners and userland proxies) and what the kernel numbers by creation order
 * (ifindex, nsid). Scenarios with impairments are not among them: without netem the
 * emulator splices their cables through its userspace link, which a script cannot.
 * Needs root; both builds are removed afterwards, whatever happens.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { renderPlanSh } from '../core/plan/render-sh.js';
import type { Plan } from '../core/plan/types.js';
import { buildRun } from '../emulator/build-run.js';
import { RunResources } from '../emulator/lifecycle.js';
import type { RunNames } from '../emulator/names.js';
import { itEmulator } from './helpers/emulator.js';

/** Bundled scenarios: a Docker host with the userland proxy, one with device sysctls, an overlay over two hosts. */
const SCENARIOS = ['08-publish-userland-proxy', '11-no-proxy-icc-off', '13-overlay-two-hosts'];

/** A bundled scenario's plan as test/golden pins it (the golden test checks that the scenario compiles to it). */
function goldenPlan(base: string): Plan {
  return JSON.parse(readFileSync(join(import.meta.dirname, 'golden/__golden__', `${base}.plan.json`), 'utf8')) as Plan;
}

function sh(argv: readonly string[], input?: string): string {
  return execFileSync(argv[0] as string, argv.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

type Json = Record<string, unknown>;

/** The kernel state of one namespace, in a form that does not depend on the run's names or creation order. */
function namespaceState(nsName: string, names: RunNames, sysctlKeys: readonly string[]): Json {
  const ip = (args: string) => JSON.parse(sh(['ip', '-n', nsName, '-j', '-d', ...args.split(' ')]) || '[]') as Json[];
  const nsids = new Map(
    ip('netns list-id').map((n) => [
      n.nsid,
      typeof n.name === 'string' && names.owns(n.name) ? names.id(n.name) : n.name,
    ]),
  );
  const peerNs = (l: Json) => (l.link_netnsid === undefined ? undefined : (nsids.get(l.link_netnsid) ?? 'unknown'));
  const links = ip('link show').map((l) => {
    const info = (l.linkinfo ?? {}) as Json;
    const slave = (info.info_slave_data ?? {}) as Json;
    const vx = (info.info_data ?? {}) as Json;
    return {
      name: l.ifname,
      kind: info.info_kind ?? 'loopback',
      mtu: l.mtu,
      mac: l.address,
      up: (l.flags as string[]).includes('UP'),
      master: l.master,
      peerNs: peerNs(l),
      port:
        info.info_slave_kind === 'bridge'
          ? { hairpin: slave.hairpin, learning: slave.learning, flood: slave.flood }
          : undefined,
      vxlan:
        info.info_kind === 'vxlan'
          ? {
              id: vx.id,
              port: vx.port,
              learning: vx.learning,
              proxy: vx.proxy,
              l2miss: vx.l2miss,
              l3miss: vx.l3miss,
              ageing: vx.ageing,
              local: vx.local,
              udpCsum: vx.udp_csum,
              ttl: vx.ttl,
            }
          : undefined,
      addresses: ((l.addr_info ?? []) as Json[]).map((a) => `${a.local}/${a.prefixlen}`),
    };
  });
  const addrs = new Map(
    ip('addr show').map((a) => [
      a.ifname,
      ((a.addr_info ?? []) as Json[])
        .filter((x) => x.family === 'inet')
        .map((x) => `${x.local}/${x.prefixlen}`)
        .sort(),
    ]),
  );
  const routes = ip('route show table all')
    .map((r) =>
      JSON.stringify({
        t: r.type,
        dst: r.dst,
        via: r.gateway,
        dev: r.dev,
        table: r.table,
        proto: r.protocol,
        scope: r.scope,
        src: r.prefsrc,
        metric: r.metric,
      }),
    )
    .sort();
  const neigh = ip('neigh show nud permanent')
    .map((n) => `${n.dst} ${n.dev} ${n.lladdr}`)
    .sort();
  const fdb = (JSON.parse(sh(['bridge', '-n', nsName, '-j', 'fdb', 'show']) || '[]') as Json[])
    .filter((f) => f.state === 'permanent' || (f.flags as string[] | undefined)?.includes('permanent'))
    .map((f) =>
      JSON.stringify({ mac: f.mac, dev: f.ifname, dst: f.dst, master: f.master, flags: f.flags, state: f.state }),
    )
    .sort();
  const sysctls = sysctlKeys.length === 0 ? '' : sh(['ip', 'netns', 'exec', nsName, 'sysctl', ...sysctlKeys]);
  const ruleset = sh(['ip', 'netns', 'exec', nsName, 'iptables-save'])
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[\d+:\d+\]/, '[0:0]'));
  return {
    links: links
      .map((l) => ({ ...l, addresses: addrs.get(l.name) ?? [] }))
      .sort((a, b) => String(a.name).localeCompare(String(b.name))),
    routes,
    neigh,
    fdb,
    sysctls,
    ruleset,
  };
}

function planState(plan: Plan, names: RunNames): Record<string, Json> {
  return Object.fromEntries(
    plan.namespaces.map((n) => [
      n.id,
      namespaceState(
        names.ns(n.id),
        names,
        n.sysctls.map((s) => s.key),
      ),
    ]),
  );
}

describe('the printed build script and the emulator build the same kernel state', () => {
  for (const base of SCENARIOS) {
    itEmulator(`scenario ${base}`, async () => {
      const plan = goldenPlan(base);
      const emu = new RunResources();
      const script = new RunResources();
      try {
        const emuNames = emu.claimNames();
        await buildRun(plan, emuNames, emu);
        const scriptNames = script.claimNames();
        // The script's namespaces carry a marker claimed like a run's, so its teardown removes them.
        script.namespaces.push(...plan.namespaces.map((n) => scriptNames.ns(n.id)));
        execFileSync('sh', ['-c', renderPlanSh(plan)], {
          env: { ...process.env, P: scriptNames.ns('') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        const built = planState(plan, emuNames);
        // Not two empty readings: the Docker firewall and the bridges' ports are there.
        expect(Object.values(built).some((n) => (n.ruleset as string[]).includes('*filter'))).toBe(true);
        expect(
          Object.values(built).some((n) => (n.links as { master?: string }[]).some((l) => l.master !== undefined)),
        ).toBe(true);
        expect(planState(plan, scriptNames)).toEqual(built);
      } finally {
        await Promise.allSettled([emu.teardown(), script.teardown()]);
      }
    });
  }
});
