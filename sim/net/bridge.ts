/**
 * A Linux bridge (net/bridge): the bridge device itself, which the namespace's stack
 * uses like any interface, and its ports. Learning with ageing (ageing_time, default
 * 300 s), flooding of broadcast, multicast and unknown unicast, per-port hairpin,
 * learning and flood flags, local delivery of frames addressed to the bridge or to a
 * port's own MAC (the "local" FDB entries), the drop of frames whose source MAC is not
 * a station's (multicast or zero), and Linux's MTU rule: unless set, the bridge's MTU
 * follows the smallest port MTU, 1500 without ports (br_mtu_auto_adjust).
 *
 * Not modelled: STP (twinnet's bridges run with stp_state 0, as Docker's; loops are
 * rejected at validation), VLAN filtering, multicast snooping (multicast is flooded),
 * and the FDB garbage-collection timer (an entry older than ageing_time is treated as
 * gone when looked up, which is what a lookup after gc would see).
 */
import { ETHERTYPE_IPV4, ethEthertype } from '../../core/wire/ethernet.js';
import { macNumAt } from '../../core/wire/mac.js';
import type { SkBuff } from '../skb.js';
import { NetDevice, type BridgeMaster, type DeviceHost } from './device.js';
import { forwardable } from './veth.js';

/** net/bridge/br_private.h: BR_DEFAULT_AGEING_TIME, 300 s. */
export const BRIDGE_DEFAULT_AGEING_NS = 300_000_000_000;
/** net/bridge/br_if.c br_mtu_min: a bridge without ports has ETH_DATA_LEN, 1500. */
export const BRIDGE_NO_PORTS_MTU = 1500;

interface FdbEntry {
  port: NetDevice;
  updatedNs: number;
  permanent: boolean;
}

/** What br_netfilter does with a frame before the bridge decides (br_nf_pre_routing). */
export type PreRoutingResult =
  /** Bridge it as usual (PREROUTING done; the frame may be a rewritten copy). */
  | { readonly kind: 'bridge'; readonly skb: SkBuff }
  /** Hand it up to the host's stack: DNAT sent it somewhere the bridge does not reach. */
  | { readonly kind: 'up'; readonly skb: SkBuff }
  /** Dropped, or held (a fragment, or waiting for ARP before a bridged DNAT). */
  | { readonly kind: 'stolen' };

/** The IPv4 netfilter hooks a bridge calls for the frames it handles (net/bridge/br_netfilter_hooks.c). */
export interface BridgeIpHooks {
  /** Whether net.bridge.bridge-nf-call-iptables is on and there is netfilter to call. */
  active(): boolean;
  preRouting(bridge: Bridge, port: NetDevice, skb: SkBuff): PreRoutingResult;
  /**
   * FORWARD and POSTROUTING for a frame bridged between two ports; the frames to send
   * (refragmented), none when dropped.
   */
  forward(bridge: Bridge, inPort: NetDevice, outPort: NetDevice, skb: SkBuff): SkBuff[];
  /** The copy a promiscuous bridge passes up, without the frame's conntrack entry. */
  promiscCopy(skb: SkBuff): SkBuff;
}

export class Bridge extends NetDevice implements BridgeMaster {
  readonly ports: NetDevice[] = [];
  private readonly fdb = new Map<number, FdbEntry>();
  /** MACs delivered to the bridge itself: its own and its ports' (the "local" FDB entries). */
  private readonly localMacs = new Set<number>();
  ageingNs = BRIDGE_DEFAULT_AGEING_NS;
  /** Whether the MTU was set explicitly (then ports no longer change it). */
  mtuSet = false;
  /** br_netfilter: the namespace's IPv4 hooks for bridged frames, when it has netfilter. */
  ipHooks?: BridgeIpHooks;

  constructor(host: DeviceHost, name: string, mac: Uint8Array, mtu: number) {
    super(host, name, mac, mtu);
    this.localMacs.add(this.macNum);
  }

  /** A bridge has carrier when any port has (br_port_carrier_check). */
  get carrier(): boolean {
    return this.adminUp && this.ports.some((p) => p.carrier);
  }

  /** Enslaves a device (ip link set DEV master BR). */
  addPort(dev: NetDevice): void {
    dev.master = this;
    this.ports.push(dev);
    this.localMacs.add(dev.macNum);
    this.adjustMtu();
  }

  /** Releases a device (it was deleted or set nomaster); its learned entries go. */
  removePort(dev: NetDevice): void {
    const i = this.ports.indexOf(dev);
    if (i >= 0) this.ports.splice(i, 1);
    delete dev.master;
    this.localMacs.delete(dev.macNum);
    for (const [mac, e] of this.fdb) if (e.port === dev) this.fdb.delete(mac);
    this.adjustMtu();
  }

  /**
   * A port without carrier is disabled (br_port_carrier_check -> br_stp_disable_port),
   * and the entries learned through it go (br_fdb_delete_by_port, static ones stay):
   * after the cable comes back, frames to those MACs are flooded until learned again.
   */
  portDown(port: NetDevice): void {
    for (const [mac, e] of this.fdb) if (e.port === port && !e.permanent) this.fdb.delete(mac);
  }

  /** A static entry (bridge fdb add ... master static). */
  addStatic(mac: number, port: NetDevice): void {
    this.fdb.set(mac, { port, updatedNs: this.host.sim.now, permanent: true });
  }

  removeStatic(mac: number): void {
    if (this.fdb.get(mac)?.permanent === true) this.fdb.delete(mac);
  }

  /**
   * br_mtu_auto_adjust: the smallest port MTU, or ETH_DATA_LEN (1500) once the last port
   * has left (br_mtu_min returns ETH_DATA_LEN for a bridge without ports).
   */
  private adjustMtu(): void {
    if (!this.mtuSet)
      this.mtu = this.ports.length > 0 ? Math.min(...this.ports.map((p) => p.mtu)) : BRIDGE_NO_PORTS_MTU;
  }

  /** Whether `mac` is one of the bridge's local FDB entries (its own MAC or a port's). */
  isLocalMac(mac: number): boolean {
    return this.localMacs.has(mac);
  }

  /** The stack sends a frame out of the bridge device (br_dev_xmit). */
  transmit(skb: SkBuff): void {
    if (!this.adminUp) return this.host.dropFrame(skb, 'link-down', this.name);
    // Without a port that has carrier the bridge has none, and a device without carrier
    // keeps noop_qdisc (dev_activate delays activation "until next carrier-on event";
    // linkwatch's dev_deactivate on loss): its enqueue drops before the packet taps, so
    // a capture on the bridge sees nothing (found by fuzz:twin on a portless docker0).
    if (!this.carrier) return this.host.dropFrame(skb, 'no-carrier', this.name);
    const frame = skb.data;
    this.tap(skb, this.host.sim.now);
    const dst = macNumAt(frame, 0);
    const entry = (frame[0] as number) & 1 ? undefined : this.lookup(dst);
    if (entry !== undefined) this.forward(undefined, entry.port, skb);
    else this.flood(undefined, skb, (frame[0] as number) & 1 ? 'broadcast' : 'unknown');
  }

  /** A frame arrived on one of the ports (br_handle_frame). */
  portReceive(port: NetDevice, skb: SkBuff): void {
    this.handleFrame(port, skb, true);
  }

  /**
   * A frame whose destination MAC netfilter rewrote after DNAT (bridged DNAT,
   * br_nf_pre_routing_finish_bridge): bridged again from its port, PREROUTING done.
   */
  reinject(port: NetDevice, skb: SkBuff): void {
    this.handleFrame(port, skb, false);
  }

  private handleFrame(port: NetDevice, skb: SkBuff, fresh: boolean): void {
    if (!this.adminUp) return this.host.dropFrame(skb, 'bridge-down', port.name);
    const frame = skb.data;
    // A capture puts the bridge device in promiscuous mode, and a promiscuous bridge
    // passes every frame up to its own taps (br_handle_frame_finish: IFF_PROMISC ->
    // local_rcv); the stack then ignores the ones not for it. So tcpdump on a bridge
    // sees all bridged traffic, and so does the simulator's capture.
    if (fresh && this.capture !== undefined && !this.isLocalMac(macNumAt(frame, 0)) && (frame[0]! & 1) === 0)
      this.tap(skb, this.host.sim.now);
    const src = macNumAt(frame, 6);
    // br_handle_frame drops a frame whose source is not a valid station address
    // (is_valid_ether_addr: neither multicast nor all zeros) before learning or forwarding.
    if (src === 0 || ((frame[6] as number) & 1) === 1) return this.host.dropFrame(skb, 'malformed', port.name);
    const multicast = ((frame[0] as number) & 1) === 1;
    if (fresh && port.port.learning) this.learn(src, port);
    let f = skb;
    const hooks =
      this.ipHooks !== undefined && this.ipHooks.active() && ethEthertype(frame, 0) === ETHERTYPE_IPV4
        ? this.ipHooks
        : undefined;
    if (hooks !== undefined && fresh) {
      const r = hooks.preRouting(this, port, skb);
      if (r.kind === 'stolen') return;
      if (r.kind === 'up') return this.deliverLocal(port, r.skb, true);
      f = r.skb;
    }
    const prerouted = hooks !== undefined;
    if (multicast) {
      this.flood(port, f, 'broadcast');
      return this.deliverLocal(port, f, prerouted);
    }
    const dst = macNumAt(f.data, 0);
    if (this.localMacs.has(dst)) return this.deliverLocal(port, f, prerouted);
    const entry = this.lookup(dst);
    if (entry === undefined) this.flood(port, f, 'unknown');
    else if (entry.port === port && !port.port.hairpin) this.host.dropFrame(f, 'hairpin', port.name);
    else this.forward(port, entry.port, f);
    // A promiscuous bridge (a capture on it) also passes the frame up (local_rcv in
    // br_handle_frame_finish, after br_forward). Only a frame bridged again after DNAT
    // is still marked PACKET_HOST then, so only that one reaches IP, which forwards a
    // copy of its own, without its connection (br_nf_local_in: nf_reset_ct for promisc).
    if (!fresh && hooks !== undefined && this.capture !== undefined)
      this.deliverLocal(port, hooks.promiscCopy(f), true);
  }

  private learn(mac: number, port: NetDevice): void {
    const e = this.fdb.get(mac);
    if (e === undefined) this.fdb.set(mac, { port, updatedNs: this.host.sim.now, permanent: false });
    else if (!e.permanent) {
      e.port = port;
      e.updatedNs = this.host.sim.now;
    }
  }

  private lookup(mac: number): FdbEntry | undefined {
    const e = this.fdb.get(mac);
    if (e === undefined) return undefined;
    if (!e.permanent && this.host.sim.now - e.updatedNs > this.ageingNs) {
      this.fdb.delete(mac);
      return undefined;
    }
    return e;
  }

  /** Floods to every port but the ingress one (unless hairpin); unknown unicast only to ports with flood on. */
  private flood(ingress: NetDevice | undefined, frame: SkBuff, why: 'broadcast' | 'unknown'): void {
    // Every port gets the same bytes (br_flood's skb_clone): whoever changes them copies first.
    frame.cloned = true;
    for (const p of this.ports) {
      if (p === ingress && !p.port.hairpin) continue;
      if (why === 'unknown' && !p.port.flood) continue;
      this.forward(ingress, p, frame, why === 'broadcast' ? 'flooded' : 'flooded (unknown unicast)');
    }
  }

  private forward(ingress: NetDevice | undefined, out: NetDevice, frame: SkBuff, how = 'bridged'): void {
    if (!out.adminUp) return this.host.dropFrame(frame, 'link-down', out.name);
    const hooks =
      ingress !== undefined &&
      this.ipHooks !== undefined &&
      this.ipHooks.active() &&
      ethEthertype(frame.data, 0) === ETHERTYPE_IPV4
        ? this.ipHooks
        : undefined;
    // Without br_netfilter the frame goes out as it is: no array to wrap it in.
    if (hooks === undefined) return this.send(ingress, out, frame, how);
    for (const f of hooks.forward(this, ingress as NetDevice, out, frame)) this.send(ingress, out, f, how);
  }

  /** br_forward_finish: the egress port's MTU, then out (br_dev_queue_push_xmit). */
  private send(ingress: NetDevice | undefined, out: NetDevice, f: SkBuff, how: string): void {
    if (!forwardable(f.data.length, out.mtu)) return this.host.dropFrame(f, 'mtu', out.name);
    if (this.host.trace.tracing)
      this.host.trace.step(
        f,
        this.host.sim.now,
        this.host.id,
        this.name,
        'fdb',
        `${how} ${ingress?.name ?? this.name} -> ${out.name}`,
      );
    out.transmit(f);
  }

  /** Up the stack through the bridge device, as if received on it; `prerouted`: br_netfilter ran PREROUTING. */
  private deliverLocal(_port: NetDevice, skb: SkBuff, prerouted = false): void {
    this.tap(skb, this.host.sim.now);
    this.host.receive(this, skb, prerouted);
  }
}
