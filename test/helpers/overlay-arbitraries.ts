/**
 * fast-check arbitraries for overlay scenarios: two or three Docker hosts (the third
 * maybe behind a router, on a link of random MTU), one or two overlays (internal or not,
 * random MTU and VNI), a bridge network per host now and then, containers on random
 * networks, and a timeline of connects, disconnects, program and unprogram that a small
 * model of the control plane keeps valid (so that every generated file loads).
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Op {
  readonly kind: 'connect' | 'disconnect' | 'program' | 'unprogram';
  readonly container: number;
  readonly net: number;
  readonly host: number;
  readonly sel: 'all' | 'none' | 'list' | 'absent';
}

interface Shape {
  readonly hosts: number;
  readonly routed: boolean;
  readonly linkMtu: number;
  readonly overlays: readonly { internal: boolean; mtu: number | undefined; vni: boolean }[];
  readonly bridges: readonly boolean[];
  readonly containers: readonly { host: number; nets: readonly number[] }[];
  readonly ops: readonly Op[];
}

const opArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('connect', 'disconnect', 'program', 'program', 'unprogram'),
  container: fc.nat(5),
  net: fc.nat(3),
  host: fc.nat(2),
  sel: fc.constantFrom('all', 'none', 'none', 'list', 'absent'),
});

const shapeArb: fc.Arbitrary<Shape> = fc.integer({ min: 2, max: 3 }).chain((hosts) =>
  fc.record({
    hosts: fc.constant(hosts),
    routed: fc.boolean(),
    linkMtu: fc.constantFrom(1400, 1500, 9000),
    overlays: fc.array(
      fc.record({ internal: fc.boolean(), mtu: fc.constantFrom(undefined, 1350, 1450), vni: fc.boolean() }),
      { minLength: 1, maxLength: 2 },
    ),
    bridges: fc.array(fc.boolean(), { minLength: hosts, maxLength: hosts }),
    containers: fc.array(fc.record({ host: fc.nat(hosts - 1), nets: fc.uniqueArray(fc.nat(3), { maxLength: 3 }) }), {
      minLength: 1,
      maxLength: 6,
    }),
    ops: fc.array(opArb, { maxLength: 8 }),
  }),
);

/** A valid overlay scenario as a plain object (ready for YAML). */
export const overlayScenarioArb: fc.Arbitrary<Record<string, Json>> = shapeArb.map(build);

const host = (i: number) => `d${i + 1}`;

function build(s: Shape): Record<string, Json> {
  const routedThird = s.routed && s.hosts === 3;
  const hosts: Record<string, Json> = {};
  for (let i = 0; i < s.hosts; i++) {
    const far = routedThird && i === 2;
    hosts[host(i)] = {
      kind: 'docker',
      interfaces: {
        eth0: far
          ? { segment: 'far', address: '198.51.100.3/24' }
          : { segment: 'lan', address: `203.0.113.${i + 2}/24` },
      },
      routes: [{ to: 'default', via: far ? '198.51.100.1' : '203.0.113.1' }],
    };
  }
  hosts.r = {
    kind: 'router',
    interfaces: {
      eth0: { segment: 'lan', address: '203.0.113.1/24' },
      ...(routedThird && { eth1: { segment: 'far', address: '198.51.100.1/24', mtu: s.linkMtu } }),
    },
  };
  const segments: Record<string, Json> = {
    lan: { subnet: '203.0.113.0/24' },
    ...(routedThird && { far: { subnet: '198.51.100.0/24', mtu: s.linkMtu } }),
  };
  const networks: Record<string, Json> = {};
  const all = Array.from({ length: s.hosts }, (_, i) => host(i));
  s.overlays.forEach(
    (o, i) =>
      (networks[`ov${i}`] = {
        driver: 'overlay',
        hosts: all,
        internal: o.internal,
        ...(o.mtu !== undefined && { mtu: o.mtu }),
        ...(o.vni && { vni: 5000 + i }),
      }),
  );
  s.bridges.forEach((b, i) => b && (networks[`br${i}`] = { host: host(i) }));
  // Network index k of a container on host h: 0 and 1 are overlays (when they exist), 2 is its host's bridge network.
  const netName = (k: number, h: number): string | undefined =>
    k < 2 ? (k < s.overlays.length ? `ov${k}` : undefined) : s.bridges[h] === true ? `br${h}` : undefined;
  const containers: Record<string, Json> = {};
  const state = new ControlPlane(all, s.overlays.length);
  s.containers.forEach((c, i) => {
    const nets = [...new Set(c.nets.map((k) => netName(k, c.host)).filter((n): n is string => n !== undefined))];
    containers[`c${i}`] = { host: host(c.host), networks: nets };
    nets.forEach((n) => state.join(`c${i}`, host(c.host), n, 'all'));
  });
  const timeline: Json[] = [];
  for (const op of s.ops) {
    const ci = op.container % s.containers.length;
    const c = s.containers[ci];
    if (c === undefined) continue;
    const entry = state.step(op, `c${ci}`, host(c.host), netName(op.net % 3, c.host), host(op.host % s.hosts));
    if (entry !== undefined) timeline.push({ at: `${timeline.length + 1}s`, ...entry });
  }
  return { version: 1, hosts, segments, networks, containers, timeline };
}

/**
 * Which containers are on which networks, and which node holds which endpoint's entries, as resolve
 * would track them.
 */
class ControlPlane {
  private readonly on = new Map<string, Set<string>>();
  private readonly held = new Map<string, Set<string>>();
  private readonly gen = new Map<string, number>();
  private readonly home = new Map<string, string>();

  constructor(
    private readonly hosts: readonly string[],
    private readonly overlays: number,
  ) {}

  private nets(c: string): Set<string> {
    const s = this.on.get(c) ?? new Set<string>();
    this.on.set(c, s);
    return s;
  }

  private holds(net: string, h: string): Set<string> {
    const s = this.held.get(`${net}|${h}`) ?? new Set<string>();
    this.held.set(`${net}|${h}`, s);
    return s;
  }

  private current(c: string, net: string): string {
    return `${c}#${this.gen.get(`${c}|${net}`) ?? 0}`;
  }

  join(c: string, h: string, net: string, sel: 'all' | 'none' | readonly string[]): void {
    this.home.set(c, h);
    this.nets(c).add(net);
    if (!net.startsWith('ov')) return;
    this.gen.set(`${c}|${net}`, (this.gen.get(`${c}|${net}`) ?? 0) + 1);
    const others = this.hosts.filter((x) => x !== h);
    const to = sel === 'all' ? others : sel === 'none' ? [] : sel;
    to.forEach((x) => this.holds(net, x).add(this.current(c, net)));
  }

  /** The timeline entry for `op`, or undefined when it would not be valid now. */
  step(op: Op, c: string, h: string, net: string | undefined, node: string): Record<string, Json> | undefined {
    if (net === undefined) return undefined;
    const overlay = net.startsWith('ov') && Number(net.slice(2)) < this.overlays;
    const others = this.hosts.filter((x) => x !== h);
    const sel = (): 'all' | 'none' | string[] | undefined =>
      op.sel === 'absent' ? undefined : op.sel === 'list' ? others.slice(0, 1) : op.sel;
    if (op.kind === 'connect' && !this.nets(c).has(net)) {
      const s = overlay ? sel() : undefined;
      this.join(c, h, net, s ?? 'all');
      return { connect: { container: c, network: net, ...(s !== undefined && { program: s }) } };
    }
    if (op.kind === 'disconnect' && this.nets(c).has(net)) {
      const s = overlay ? sel() : undefined;
      this.nets(c).delete(net);
      const to = s === undefined || s === 'all' ? others : s === 'none' ? [] : s;
      if (overlay) to.forEach((x) => this.holds(net, x).delete(this.current(c, net)));
      return { disconnect: { container: c, network: net, ...(s !== undefined && { unprogram: s }) } };
    }
    if (!overlay || node === h) return undefined;
    const mine = [...this.holds(net, node)].filter((e) => e.startsWith(`${c}#`));
    if (op.kind === 'program' && this.nets(c).has(net) && !mine.includes(this.current(c, net))) {
      this.holds(net, node).add(this.current(c, net));
      return { program: { host: node, network: net, container: c } };
    }
    if (op.kind === 'unprogram' && mine.length > 0) {
      mine.forEach((e) => this.holds(net, node).delete(e));
      return { unprogram: { host: node, network: net, container: c } };
    }
    return undefined;
  }
}
