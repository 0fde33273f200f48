/**
 * The simulated topology (as ns-3, Mininet and containerlab call it) built from a plan:
 * one NetNamespace per plan namespace, with its devices (loopback, veth pairs across
 * namespaces, bridges), addresses, routes (the plan's, kernel routes included, so the
 * plan stays the single source of Linux state), static neighbours and FDB entries,
 * sysctls, impairment qdiscs and capture taps. Run-time changes (docker network connect
 * and disconnect) are applied here too.
 */
import { parseCidr, parseIfAddr, parseIpv4 } from '../core/addr.js';
import type {
  FdbPlan,
  InterfacePlan,
  NamespacePlan,
  NeighbourPlan,
  Plan,
  RoutePlan,
  StateChange,
} from '../core/plan/types.js';
import { macToNum } from '../core/wire/mac.js';
import { Simulation } from './engine/simulation.js';
import { parseSave } from '../core/netfilter/parse-save.js';
import { bridgeIpHooks } from './ip/br-netfilter.js';
import { NetNamespace } from './ip/namespace.js';
import { attachNetfilter } from './ip/netfilter-host.js';
import { Bridge } from './net/bridge.js';
import type { NetDevice } from './net/device.js';
import { Qdisc } from './net/qdisc.js';
import { Veth } from './net/veth.js';
import { VxlanDevice } from './net/vxlan.js';
import { TraceSink, type CaptureBuffer } from './trace.js';
import { isForwardingKey } from '../core/plan/sysctl.js';

/** Sysctls the model reads; others are recorded as not modelled. */
const MODELLED_SYSCTLS = new Set([
  'net.ipv4.ip_forward',
  'net.ipv4.conf.all.route_localnet',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.ipv6.conf.all.disable_ipv6',
  'net.ipv6.conf.default.disable_ipv6',
]);

const PER_DEVICE_LOCALNET = /^net\.ipv4\.conf\.([^.]+)\.route_localnet$/;

export class Topology {
  readonly sim: Simulation;
  readonly trace = new TraceSink();
  readonly namespaces = new Map<string, NetNamespace>();
  readonly captures: CaptureBuffer[] = [];
  readonly notes: string[] = [];

  constructor(
    readonly plan: Plan,
    seed = plan.scenario.seed,
  ) {
    this.sim = new Simulation(seed);
    for (const p of plan.namespaces) this.namespaces.set(p.id, new NetNamespace(p.id, this.sim, this.trace));
    for (const p of plan.namespaces) for (const i of p.interfaces) this.createDevice(p.id, i);
    for (const p of plan.namespaces) this.configure(p);
    for (const c of plan.capture) this.capture(c.ns, c.dev);
  }

  ns(id: string): NetNamespace {
    const n = this.namespaces.get(id);
    if (n === undefined) throw new Error(`the plan has no namespace ${id}`);
    return n;
  }

  device(ns: string, name: string): NetDevice {
    const d = this.ns(ns).devices.get(name);
    if (d === undefined) throw new Error(`namespace ${ns} has no device ${name}`);
    return d;
  }

  /** Turns capture on for a device. */
  capture(ns: string, dev: string): CaptureBuffer {
    const d = this.device(ns, dev);
    d.capture ??= { ns, dev, records: [] };
    if (!this.captures.includes(d.capture)) this.captures.push(d.capture);
    return d.capture;
  }

  /** Creates a device; a veth end is paired with its peer once both exist. */
  private createDevice(nsId: string, i: InterfacePlan): void {
    const ns = this.ns(nsId);
    const mac = macBytes(i.mac);
    if (i.kind === 'loopback') return;
    if (i.kind === 'bridge') {
      const b = new Bridge(ns, i.name, mac, i.mtu);
      b.mtuSet = i.mtuAuto !== true;
      b.ipHooks = bridgeIpHooks(ns);
      ns.addDevice(b);
      return;
    }
    if (i.kind === 'vxlan') {
      if (i.vxlan === undefined) throw new Error(`vxlan device ${nsId}:${i.name} has no parameters in the plan`);
      ns.addDevice(new VxlanDevice(ns, i.name, mac, i.mtu, i.vxlan, this.ns(i.vxlan.underlayNs)));
      return;
    }
    if (i.kind !== 'veth') throw new Error(`the simulator does not model ${i.kind} devices (${nsId}:${i.name})`);
    const v = new Veth(ns, i.name, mac, i.mtu);
    ns.addDevice(v);
    const peer = i.peer === undefined ? undefined : this.namespaces.get(i.peer.ns)?.devices.get(i.peer.name);
    if (peer instanceof Veth) Veth.pair(v, peer);
  }

  /** Everything after the devices exist: state, ports, addresses, routes, sysctls, qdiscs. */
  private configure(p: NamespacePlan): void {
    const ns = this.ns(p.id);
    for (const i of p.interfaces) {
      const dev = i.kind === 'loopback' ? ns.lo : this.device(p.id, i.name);
      this.configureDevice(p.id, dev, i);
    }
    for (const r of p.routes) this.addRoute(p.id, r);
    for (const s of p.sysctls) this.sysctl(ns, s.key, s.value);
    for (const n of p.neighbours) this.neighbour(p.id, n, true);
    for (const f of p.fdb) this.fdb(p.id, f, true);
    for (const q of p.qdiscs) this.setQdisc(p.id, q.dev, q.shape);
    if (p.netfilter !== '') attachNetfilter(ns, parseSave(p.netfilter));
  }

  private configureDevice(nsId: string, dev: NetDevice, i: InterfacePlan): void {
    const ns = this.ns(nsId);
    if (i.port !== undefined) dev.port = { ...i.port };
    if (i.master !== undefined) (this.device(nsId, i.master) as Bridge).addPort(dev);
    for (const a of i.addresses) ns.addAddress(dev, parseIfAddr(a) ?? { addr: 0, len: 32 }, false);
    dev.adminUp = i.up;
  }

  addRoute(nsId: string, r: RoutePlan): void {
    const ns = this.ns(nsId);
    const dst = routeDst(r);
    const via = r.via === undefined ? undefined : parseIpv4(r.via);
    const src = r.src === undefined ? undefined : parseIpv4(r.src);
    ns.routes.add({
      dst: dst.addr,
      len: dst.len,
      dev: r.dev,
      metric: r.metric,
      proto: r.proto,
      ...(via !== undefined && { via }),
      ...(src !== undefined && { src }),
    });
  }

  private sysctl(ns: NetNamespace, key: string, value: string): void {
    // ip_forward and conf.all.forwarding are one value (devinet.c; core/plan/sysctl.ts). Per-device
    // forwarding is not modelled.
    if (isForwardingKey(key)) ns.sysctl.ipForward = value === '1';
    else if (key === 'net.ipv4.conf.all.route_localnet') ns.sysctl.routeLocalnet = value === '1';
    else if (key === 'net.bridge.bridge-nf-call-iptables') ns.sysctl.bridgeNfCallIptables = value === '1';
    else if (key === 'net.ipv4.tcp_syn_linear_timeouts') ns.sysctl.tcpSynLinearTimeouts = Number(value);
    else if (PER_DEVICE_LOCALNET.test(key)) this.deviceLocalnet(ns, key, value);
    else if (!MODELLED_SYSCTLS.has(key))
      this.notes.push(`namespace ${ns.id}: sysctl ${key}=${value} is not modelled by the simulator`);
  }

  /** net.ipv4.conf.DEV.route_localnet (Docker sets it on its bridges without the userland proxy). */
  private deviceLocalnet(ns: NetNamespace, key: string, value: string): void {
    const dev = ns.devices.get(PER_DEVICE_LOCALNET.exec(key)?.[1] ?? '');
    if (dev === undefined) this.notes.push(`namespace ${ns.id}: sysctl ${key} names no device of the namespace`);
    else dev.routeLocalnet = value === '1';
  }

  /**
   * ip link set DEV up|down, and the carrier changes it causes: the device itself and a
   * veth's peer, then the bridges they are ports of (a bridge has carrier while any port
   * has). Each that loses its carrier is told at once (linkwatch's NETDEV_CHANGE). Linux
   * may tell it up to a second later: linkwatch handles a change it does not deem urgent
   * (linkwatch_urgent_event) at most once a second; not modelled.
   */
  setAdminUp(nsId: string, name: string, up: boolean): void {
    const d = this.device(nsId, name);
    const ends = d instanceof Veth ? [d, d.peer] : [d];
    const watched = [...ends, ...ends.flatMap((e) => (e.master instanceof Bridge ? [e.master] : []))];
    const before = watched.map((x) => x.carrier);
    d.adminUp = up;
    watched.forEach((x, i) => {
      if (before[i] === true && !x.carrier) x.host.carrierLost(x);
    });
  }

  /** Marks a veth pair as a cable that carries bytes only: relayed in userspace (core/testbed.ts RelayedCable). */
  carryBytesOnly(nsId: string, dev: string): void {
    const d = this.device(nsId, dev);
    if (!(d instanceof Veth)) throw new Error(`a relayed cable needs a veth device (${nsId}:${dev})`);
    d.bytesOnly = true;
  }

  /** Sets (or replaces) a device's impairment qdisc (tc qdisc replace). */
  setQdisc(nsId: string, dev: string, shape: Qdisc['current']): void {
    const d = this.device(nsId, dev);
    if (!(d instanceof Veth)) throw new Error(`impairments need a veth device (${nsId}:${dev})`);
    if (d.qdisc === undefined) d.qdisc = new Qdisc(shape, this.sim.rng.fork(`qdisc/${nsId}/${dev}`));
    else d.qdisc.setShape(shape);
  }

  /** A permanent neighbour entry (ip neigh replace ... nud permanent), or its removal. */
  private neighbour(nsId: string, n: NeighbourPlan, add: boolean): void {
    const table = this.ns(nsId).neighbourTable(this.device(nsId, n.dev));
    const ip = parseIpv4(n.address) ?? 0;
    if (add) table.setPermanent(ip, macToNum(n.lladdr) ?? 0);
    else table.remove(ip);
  }

  /** A static FDB entry: on a VXLAN device with its remote, or on a bridge port (master). */
  private fdb(nsId: string, f: FdbPlan, add: boolean): void {
    const dev = this.device(nsId, f.dev);
    const mac = macToNum(f.mac) ?? 0;
    if (dev instanceof VxlanDevice) {
      const remote = parseIpv4(f.dst ?? '') ?? 0;
      if (add) dev.addFdb(mac, remote);
      else dev.removeFdb(mac, remote);
      return;
    }
    const bridge = dev.master;
    if (!(bridge instanceof Bridge))
      throw new Error(`static FDB entry on ${nsId}:${f.dev}, which is neither a VXLAN device nor a bridge port`);
    if (add) bridge.addStatic(mac, dev);
    else bridge.removeStatic(mac);
  }

  /** Applies a run-time change: docker network connect/disconnect, the overlay control plane. */
  apply(change: StateChange): void {
    for (const f of change.removeFdb ?? []) this.fdb(f.ns, f.fdb, false);
    for (const n of change.removeNeighbours ?? []) this.neighbour(n.ns, n.neighbour, false);
    for (const r of change.removeRoutes) {
      const dst = routeDst(r.route);
      this.ns(r.ns).routes.remove((x) => x.dev === r.route.dev && x.dst === dst.addr && x.len === dst.len);
    }
    for (const d of change.removeInterfaces) this.removeVeth(d.ns, d.dev);
    for (const a of change.addInterfaces) this.createDevice(a.ns, a.iface);
    for (const a of change.addInterfaces) this.configureDevice(a.ns, this.device(a.ns, a.iface.name), a.iface);
    for (const r of change.addRoutes) this.addRoute(r.ns, r.route);
    for (const f of change.addFdb ?? []) this.fdb(f.ns, f.fdb, true);
    for (const n of change.addNeighbours ?? []) this.neighbour(n.ns, n.neighbour, true);
  }

  /** ip link del: a veth goes with its peer, each out of its bridge, with their addresses and routes. */
  private removeVeth(nsId: string, name: string): void {
    const d = this.device(nsId, name);
    for (const end of d instanceof Veth ? [d, d.peer] : [d]) {
      (end.master as Bridge | undefined)?.removePort(end);
      end.adminUp = false;
      (end.host as NetNamespace).removeDevice(end);
    }
  }
}

function routeDst(r: RoutePlan): { addr: number; len: number } {
  return r.dst === 'default' ? { addr: 0, len: 0 } : (parseCidr(r.dst) ?? { addr: 0, len: 32 });
}

function macBytes(text: string | undefined): Uint8Array {
  const b = new Uint8Array(6);
  if (text !== undefined) text.split(':').forEach((h, i) => (b[i] = parseInt(h, 16)));
  return b;
}
