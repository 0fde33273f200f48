/**
 * Link impairments on a real kernel. Where the kernel has netem, each impaired device
 * gets `tc qdisc replace ... root netem ...`, exactly as the plan says. Where it has
 * none (as on the machine twinnet is developed on), each impaired cable is spliced:
 * its veth pair D<->P becomes D<->D' and P'<->P, and the namespace agent's userspace
 * link moves frames between D' and P' with netem's model (loss, limit, delay with
 * jitter, rate: sim/net/qdisc.ts), applying D's impairment to what D sends and P's to
 * what P sends. Taking a spliced cable's far end down also takes D' down, so the near
 * end loses carrier as it would. Every run says in its notes which mechanism shaped
 * which device.
 *
 * Differences of the userspace link, stated in the notes: a capture on D sees a packet
 * before its delay (with netem, after), and the loss pattern comes from the agent's own
 * random stream, seeded from the run's seed, not from the simulator's. The run's result
 * describes the spliced cables as its testbed (core/testbed.ts), so that a comparison
 * allows for them and another engine can mirror them.
 */
import { derivedMac, uniqueHashedName } from '../core/hash.js';
import { qdiscArgs } from '../core/plan/commands.js';
import type { DeviceRef, InterfacePlan, NamespacePlan, Plan, QdiscPlan, ShapePlan } from '../core/plan/types.js';
import type { Testbed } from '../core/testbed.js';
import type { AgentClient } from './agent-client.js';
import { run } from './exec.js';
import type { RunNames } from './names.js';

/** One spliced cable: the two ends of the plan and the relay's two devices. */
interface Splice {
  readonly id: string;
  readonly d: DeviceRef;
  readonly p: DeviceRef;
  readonly ns: string;
  readonly dTwin: string;
  readonly pTwin: string;
}

/**
 * The most the userspace link adds to a round trip through a spliced cable, beyond
 * netem's model, on a loaded machine: its Python loop adds 0.5 to 1 ms to each relayed
 * crossing on an idle machine (scenario 14: 10 ms paths measured at 11.7 to 12.2 ms),
 * several times that on a busy one. The twin comparison allows RTTs this much more.
 */
export const RELAY_ADDED_LATENCY_BOUND_NS = 5_000_000;

/** Hex digits in a relay device's name: `r` + 7 stays well inside IFNAMSIZ (15). */
const TWIN_DIGITS = 7;

const IDEAL: ShapePlan = { delayNs: 0, jitterNs: 0, lossPpm: 0, rateBps: 0, limit: 0 };

/**
 * The namespace the userspace link's devices live in: one of their own, with no address,
 * so that no stack answers a frame passing through (a plan id never starts with "_").
 */
export const RELAY_NS = '_relay';

function relayNamespace(): NamespacePlan {
  return {
    id: RELAY_NS,
    role: 'link',
    description: 'userspace links for impairments (no netem in this kernel)',
    interfaces: [{ name: 'lo', kind: 'loopback', mtu: 65536, up: true, addresses: ['127.0.0.1/8'], why: 'loopback' }],
    routes: [],
    neighbours: [],
    fdb: [],
    netfilter: '',
    qdiscs: [],
    services: [],
    helpers: [],
    sysctls: [
      { key: 'net.ipv6.conf.all.disable_ipv6', value: '1', why: 'no IPv6 chatter' },
      { key: 'net.ipv6.conf.default.disable_ipv6', value: '1', why: 'likewise for the twins' },
    ],
  };
}

let netemKnown: boolean | undefined;

/** Whether the kernel has sch_netem: tried once per process on a namespace's loopback. */
export async function kernelHasNetem(nsName: string): Promise<boolean> {
  if (netemKnown !== undefined) return netemKnown;
  const r = await run(['tc', '-n', nsName, 'qdisc', 'add', 'dev', 'lo', 'root', 'netem', 'delay', '1ms'], {
    okCodes: [0, 1, 2],
  });
  if (r.code === 0) await run(['tc', '-n', nsName, 'qdisc', 'del', 'dev', 'lo', 'root']);
  netemKnown = r.code === 0;
  return netemKnown;
}

export class Impairments {
  private readonly splices = new Map<string, Splice>();
  private readonly shapes = new Map<string, ShapePlan>();
  /** The relay namespace's device names handed out so far: every twin lives there, so none may repeat. */
  private readonly twinNames = new Set<string>(['lo']);
  private useNetem = true;

  constructor(
    private readonly plan: Plan,
    private readonly names: RunNames,
    private readonly agent: AgentClient,
    private readonly wantNetem: boolean,
    private readonly seed: number,
  ) {}

  /** Every device that is ever impaired: by the plan, or by an impair fault later. */
  private impairedDevices(): DeviceRef[] {
    const fromPlan = this.plan.namespaces.flatMap((n) => n.qdiscs.map((q) => ({ ns: n.id, dev: q.dev })));
    const fromTimeline = this.plan.timeline.flatMap((t) =>
      t.action.kind === 'impair' ? t.action.qdiscs.map((q) => ({ ns: q.ns, dev: q.dev })) : [],
    );
    return [...fromPlan, ...fromTimeline];
  }

  /** Whether prepare() needs the plan's namespaces to exist (it tries netem in one of them). */
  needsKernel(): boolean {
    return this.impairedDevices().length > 0;
  }

  /** Decides the mechanism (after the namespaces exist) and returns the plan to build. */
  async prepare(): Promise<Plan> {
    const devices = this.impairedDevices();
    if (devices.length === 0) return this.plan;
    this.useNetem = this.wantNetem && (await kernelHasNetem(this.names.ns(this.plan.namespaces[0]?.id ?? '')));
    if (this.useNetem) return this.plan;
    return this.splice(devices);
  }

  private splice(devices: readonly DeviceRef[]): Plan {
    const byId = new Map(
      [...this.plan.namespaces, relayNamespace()].map((n) => [n.id, { ...n, interfaces: [...n.interfaces] }]),
    );
    for (const dev of devices) {
      const iface = byId.get(dev.ns)?.interfaces.find((i) => i.name === dev.dev);
      if (iface?.peer === undefined || this.cableOf(dev) !== undefined) continue;
      const s = this.makeSplice(dev, { ns: iface.peer.ns, dev: iface.peer.name }, byId);
      this.splices.set(s.id, s);
      rewire(byId, s);
    }
    const namespaces = [...this.plan.namespaces.map((n) => n.id), RELAY_NS].map((id) => ({
      ...(byId.get(id) as NamespacePlan),
      qdiscs: [] as QdiscPlan[],
    }));
    for (const n of this.plan.namespaces) for (const q of n.qdiscs) this.shapes.set(`${n.id}/${q.dev}`, q.shape);
    return { ...this.plan, namespaces };
  }

  /** D is the end nearer a host or container, P the switch's end (or the docker host's). */
  private makeSplice(a: DeviceRef, b: DeviceRef, byId: Map<string, NamespacePlan>): Splice {
    const role = (r: DeviceRef) => byId.get(r.ns)?.role;
    const aIsFar = role(a) === 'segment' || role(a) === 'link' || role(b) === 'container';
    const [d, p] = aIsFar ? [b, a] : [a, b];
    return { id: `${d.ns}/${d.dev}`, d, p, ns: RELAY_NS, dTwin: this.twinName(d), pTwin: this.twinName(p) };
  }

  /**
   * A relay device's name: `r` and 7 hex digits of its end's namespace and device, hashed
   * again with a counter when the relay namespace already has that name (two hashes of
   * 28 bits meet often enough among thousands of cables), in splice order, so it is the
   * same every run.
   */
  private twinName(r: DeviceRef): string {
    return uniqueHashedName(this.twinNames, 'r', `${r.ns}/${r.dev}`, TWIN_DIGITS);
  }

  /** The splice a device's cable belongs to. */
  private cableOf(dev: DeviceRef): Splice | undefined {
    for (const s of this.splices.values())
      if ((s.d.ns === dev.ns && s.d.dev === dev.dev) || (s.p.ns === dev.ns && s.p.dev === dev.dev)) return s;
    return undefined;
  }

  /**
   * Starts the agent's relays of the spliced cables. With netem there is nothing to do
   * here: the plan's qdiscs are steps of the build program (core/plan/steps.ts), which
   * the build runs (build.ts runQdiscSteps); a spliced plan has none.
   */
  async install(): Promise<void> {
    if (this.useNetem) return;
    for (const s of this.splices.values()) {
      await this.agent
        .request({
          op: 'relay',
          relay: s.id,
          a: { ns: this.names.ns(s.ns), dev: s.dTwin },
          b: { ns: this.names.ns(s.ns), dev: s.pTwin },
          shapeAB: this.shapes.get(`${s.d.ns}/${s.d.dev}`) ?? IDEAL,
          shapeBA: this.shapes.get(`${s.p.ns}/${s.p.dev}`) ?? IDEAL,
          seed: this.seed,
        })
        .then(() => undefined);
    }
  }

  /** An impair fault: new shapes for some devices. */
  async change(qdiscs: readonly (QdiscPlan & { ns: string })[]): Promise<void> {
    for (const q of qdiscs) {
      if (this.useNetem) {
        await run(['tc', '-n', this.names.ns(q.ns), 'qdisc', 'replace', 'dev', q.dev, 'root', ...qdiscArgs(q)]);
        continue;
      }
      const s = this.cableOf(q);
      if (s === undefined) throw new Error(`internal: ${q.ns}:${q.dev} was not spliced`);
      await this.agent.request({
        op: 'relay-shape',
        relay: s.id,
        dir: s.d.ns === q.ns && s.d.dev === q.dev ? 'ab' : 'ba',
        shape: q.shape,
      });
    }
  }

  /** The devices to set down or up for a cable end: with a splice, the relay's twin of the other end too. */
  carrierDevices(end: DeviceRef): DeviceRef[] {
    const s = this.cableOf(end);
    if (s === undefined) return [end];
    const otherTwin = s.p.ns === end.ns && s.p.dev === end.dev ? s.dTwin : s.pTwin;
    return [end, { ns: s.ns, dev: otherTwin }];
  }

  /** The plan devices on spliced cables: their captures see a packet before its delay. */
  private spliced(): DeviceRef[] {
    return [...this.splices.values()].flatMap((s) => [s.d, s.p]);
  }

  /**
   * The testbed the splices make: each spliced cable relayed in userspace (bytes only),
   * and captures on its ends per direction, since they see a packet before its delay.
   */
  testbed(): Testbed {
    return {
      relayedCables: [...this.splices.values()].map((s) => ({
        ends: [s.d, s.p],
        carries: 'bytes',
        addedLatencyBoundNs: RELAY_ADDED_LATENCY_BOUND_NS,
      })),
      perDirectionCaptures: this.spliced(),
    };
  }

  /** What a reader must know about how impairments were realised. */
  notes(): string[] {
    const devices = this.impairedDevices();
    if (devices.length === 0) return [];
    if (this.useNetem) return [`impairments: netem qdiscs on ${devices.map((d) => `${d.ns}:${d.dev}`).join(', ')}`];
    return [
      `impairments: this kernel has no netem, so the namespace agent's userspace link shaped ${[...this.splices.values()].map((s) => `${s.d.ns}:${s.d.dev}<->${s.p.ns}:${s.p.dev}`).join(', ')} (netem's model; captures on the sending end see packets before their delay)`,
    ];
  }
}

/** Rewires D<->P into D<->D' and P'<->P, the twins in the relay's namespace. */
function rewire(byId: Map<string, NamespacePlan>, s: Splice): void {
  const at = (r: DeviceRef) => byId.get(r.ns) as NamespacePlan;
  const find = (r: DeviceRef) => at(r).interfaces.findIndex((i) => i.name === r.dev);
  const d = at(s.d).interfaces[find(s.d)] as InterfacePlan;
  const p = at(s.p).interfaces[find(s.p)] as InterfacePlan;
  (at(s.d).interfaces as InterfacePlan[])[find(s.d)] = { ...d, peer: { ns: s.ns, name: s.dTwin } };
  (at(s.p).interfaces as InterfacePlan[])[find(s.p)] = { ...p, peer: { ns: s.ns, name: s.pTwin } };
  // A twin takes the MTU of the device it stands in for, so that the kernel's checks on
  // frames entering each end stay as they were (is_skb_forwardable checks the peer).
  const twin = (name: string, mtu: number, peer: DeviceRef): InterfacePlan => ({
    name,
    kind: 'veth',
    mac: derivedMac(`relay/${s.ns}/${name}`),
    mtu,
    up: true,
    addresses: [],
    peer: { ns: peer.ns, name: peer.dev },
    why: `userspace link for ${s.d.ns}:${s.d.dev}`,
  });
  (at({ ns: RELAY_NS, dev: '' }).interfaces as InterfacePlan[]).push(
    twin(s.dTwin, p.mtu, s.d),
    twin(s.pTwin, d.mtu, s.p),
  );
}
