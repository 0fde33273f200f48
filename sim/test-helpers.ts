/**
 * Shared pieces of the simulator's tests (test-only: nothing in sim/ imports this file).
 *
 * - Device-level harnesses: a fake namespace (`FakeHost`) that records what reaches its
 *   stack (the bytes, and the packets with their metadata) and what its devices drop, and
 *   a port device (`RecordingPort`) that records the bytes of every packet it is asked to
 *   transmit, so a bridge or a veth can be tested without a
 *   whole topology.
 * - Frame makers for those harnesses (`macBytes`, `macNum`, `ethFrame`).
 * - An IPv4 stack harness (`stackRig`): a real namespace whose interfaces record what
 *   they send, with permanent neighbours, for ICMP, reassembly and input checks.
 * - Scenario runs: `planOf(yaml)` compiles inline scenario text, `runScenario` simulates
 *   it with every device captured, `packetsOn` decodes one device's capture, and
 *   `routedLab` writes the client - router - server lab most end-to-end tests use.
 */
import { parseIfAddr } from '../core/addr.js';
import type { CapturedPacket, RunOptions, RunResult } from '../core/backend.js';
import type { ProbeResult } from '../core/observations.js';
import { compilePlan } from '../core/plan/compile/index.js';
import type { Plan } from '../core/plan/types.js';
import { formatDiagnostic } from '../core/scenario/diagnostics.js';
import { loadPlan } from '../core/plan/load-plan.js';
import { decodeFrame, type DecodedFrame } from '../core/wire/decode.js';
import { writeMacNum } from '../core/wire/mac.js';
import { Simulation } from './engine/simulation.js';
import { NetNamespace } from './ip/namespace.js';
import { NetDevice, type DeviceHost } from './net/device.js';
import { simulate } from './run.js';
import type { SkBuff } from './skb.js';
import { TraceSink, type DropReason } from './trace.js';

/** A namespace stand-in for device tests: records frames handed to its stack and every drop. */
export class FakeHost implements DeviceHost {
  readonly trace = new TraceSink();
  readonly received: { dev: string; frame: Uint8Array; timeNs: number }[] = [];
  readonly drops: { reason: DropReason; dev?: string; frame: Uint8Array; timeNs: number }[] = [];
  readonly carrierLosses: string[] = [];
  /** The packets handed to the stack, metadata and all, in the order of `received`. */
  readonly packets: SkBuff[] = [];

  constructor(
    readonly id = 'host',
    readonly sim = new Simulation(1),
  ) {}

  receive(dev: NetDevice, skb: SkBuff): void {
    this.received.push({ dev: dev.name, frame: skb.data, timeNs: this.sim.now });
    this.packets.push(skb);
  }

  carrierLost(dev: NetDevice): void {
    this.carrierLosses.push(dev.name);
    dev.master?.portDown(dev);
  }

  dropFrame(skb: SkBuff, reason: DropReason, dev?: string): void {
    this.drops.push({ reason, ...(dev !== undefined && { dev }), frame: skb.data, timeNs: this.sim.now });
  }
}

/** A device that records what it is asked to transmit (a bridge port whose cable goes nowhere). */
export class RecordingPort extends NetDevice {
  readonly sent: { frame: Uint8Array; timeNs: number }[] = [];

  get carrier(): boolean {
    return this.adminUp;
  }

  transmit(skb: SkBuff): void {
    this.sent.push({ frame: skb.data, timeNs: this.host.sim.now });
  }
}

/** A locally administered unicast MAC, 02:00:00:00:HH:LL, as bytes. */
export function macBytes(n: number): Uint8Array {
  const b = new Uint8Array(6);
  writeMacNum(b, 0, macNum(n));
  return b;
}

/** The same MAC as a 48-bit number. */
export function macNum(n: number): number {
  return 0x02_00_00_00_00_00 + (n & 0xffff);
}

/** A minimal Ethernet frame (IPv4 ethertype, zero payload) of `len` bytes. */
export function ethFrame(dst: number, src: number, len = 60): Uint8Array {
  const f = new Uint8Array(len);
  writeMacNum(f, 0, dst);
  writeMacNum(f, 6, src);
  f[12] = 0x08;
  return f;
}

/** A real namespace whose interfaces are recording ports, for tests of the IPv4 stack. */
export interface StackRig {
  readonly sim: Simulation;
  readonly trace: TraceSink;
  readonly ns: NetNamespace;
  readonly ifs: RecordingPort[];
  /** Every frame sent on any interface since the last `take`, decoded, then forgotten. */
  take(): { dev: string; timeNs: number; d: DecodedFrame; frame: Uint8Array }[];
}

/**
 * A namespace `h` with one interface per address (`eth0`, `eth1`...: `10.0.0.1/24`
 * style, MACs 02:..:01:0N), all up, with their kernel routes. Each address's `.2` host
 * is a permanent neighbour (MAC 02:..:00:2N), so nothing waits for ARP.
 */
export function stackRig(
  addrs: readonly { addr: string; mtu?: number }[],
  opts: { forward?: boolean; seed?: number } = {},
): StackRig {
  const sim = new Simulation(opts.seed ?? 1);
  const trace = new TraceSink();
  const ns = new NetNamespace('h', sim, trace);
  ns.sysctl.ipForward = opts.forward ?? false;
  const ifs = addrs.map((a, i) => {
    const dev = new RecordingPort(ns, `eth${i}`, macBytes(0x100 + i), a.mtu ?? 1500);
    dev.adminUp = true;
    ns.addDevice(dev);
    const ia = parseIfAddr(a.addr);
    if (ia === undefined) throw new Error(`bad address ${a.addr}`);
    ns.addAddress(dev, ia);
    ns.neighbourTable(dev).setPermanent(((ia.addr & ~0xff) | 2) >>> 0, macNum(0x20 + i));
    return dev;
  });
  return {
    sim,
    trace,
    ns,
    ifs,
    take() {
      const out = ifs.flatMap((d) =>
        d.sent.map((x) => ({ dev: d.name, timeNs: x.timeNs, d: decodeFrame(x.frame), frame: x.frame })),
      );
      for (const d of ifs) d.sent.length = 0;
      return out.sort((a, b) => a.timeNs - b.timeNs);
    },
  };
}

/** Compiles inline scenario text; throws with every diagnostic when it is not valid. */
export function planOf(yaml: string): Plan {
  const r = loadPlan(yaml, 'test.yaml');
  if (r.model === undefined)
    throw new Error(`expected a valid scenario:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  return compilePlan(r.model);
}

/** Simulates inline scenario text with every device captured. */
export function runScenario(yaml: string, opts: RunOptions = {}): RunResult {
  return simulate(planOf(yaml), { captureAll: true, ...opts });
}

/** The result of the probe named `name`; throws when there is none. */
export function probeNamed(r: RunResult, name: string): ProbeResult {
  const p = r.observations.probes.find((x) => x.name === name);
  if (p === undefined)
    throw new Error(`no probe named ${name}; have ${r.observations.probes.map((x) => x.name).join(', ')}`);
  return p;
}

/** A captured packet with its decoding. */
export interface SeenPacket extends CapturedPacket {
  readonly d: DecodedFrame;
}

/** Every packet captured on `ns:dev`, decoded, in time order. */
export function packetsOn(r: RunResult, ns: string, dev: string): SeenPacket[] {
  const c = r.captures.find((x) => x.ns === ns && x.dev === dev);
  if (c === undefined) throw new Error(`no capture of ${ns}:${dev}`);
  return c.packets.map((p) => ({ ...p, d: decodeFrame(p.data) }));
}

/** Options of `routedLab`. */
export interface RoutedLabOptions {
  /** r1's kind: `router` forwards, `linux` has ip_forward=0. Default router. */
  readonly r1Kind?: 'router' | 'linux';
  /** MTU of the dc segment (r1:eth1 and server:eth0). Default 1500. */
  readonly dcMtu?: number;
  /** Extra fields of the uplink link, as YAML flow entries (`delay: 5ms, loss: 20%`). */
  readonly uplink?: string;
  readonly seed?: number;
  /** The timeline entries, as YAML list items indented by two spaces. */
  readonly timeline: string;
}

/**
 * A client (198.51.100.10) on a link `uplink` to router r1 (198.51.100.1 / 192.0.2.1),
 * and a server (192.0.2.10, tcp/443, udp/53) on segment dc behind it. The client has a
 * default route via r1; `client2` (198.51.100.20) on a second link has no routes at all.
 */
export function routedLab(o: RoutedLabOptions): string {
  return `
version: 1
seed: ${o.seed ?? 1}
hosts:
  client:
    interfaces:
      eth0: { address: 198.51.100.10/24 }
    routes:
      - { to: default, via: 198.51.100.1 }
  client2:
    interfaces:
      eth0: { address: 198.51.101.20/24 }
  r1:
    kind: ${o.r1Kind ?? 'router'}
    interfaces:
      eth0: { address: 198.51.100.1/24 }
      eth1: { segment: dc, address: 192.0.2.1/24 }
      eth2: { address: 198.51.101.1/24 }
  server:
    interfaces:
      eth0: { segment: dc, address: 192.0.2.10/24 }
    routes:
      - { to: default, via: 192.0.2.1 }
    listen: [tcp/443, udp/53]
segments:
  dc: { subnet: 192.0.2.0/24, mtu: ${o.dcMtu ?? 1500} }
links:
  - { name: uplink, endpoints: [client:eth0, r1:eth0]${o.uplink === undefined ? '' : `, ${o.uplink}`} }
  - { name: uplink2, endpoints: [client2:eth0, r1:eth2] }
timeline:
${o.timeline}
`;
}

/** Seconds as integer nanoseconds. */
export const s = (x: number): number => Math.round(x * 1e9);
