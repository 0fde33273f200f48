/**
 * A veth pair end (drivers/net/veth.c). A frame sent on one end arrives at the other at
 * the same instant, as an event of its own (veth_xmit hands it to the peer's backlog,
 * processed in a later softirq), or later when the end has an impairment qdisc.
 *
 * Carrier: both ends must be administratively up (veth_open sets the carrier of both
 * when the peer is up). A frame larger than the peer's MTU is dropped, as
 * is_skb_forwardable does in __dev_forward_skb. The capture tap sees an outgoing frame
 * when it leaves the qdisc, as tcpdump does (dev_queue_xmit_nit runs after the qdisc).
 *
 * A pair marked `bytesOnly` stands for a cable that a program relays with packet sockets
 * (a testbed's relayed cable, core/testbed.ts, such as the emulator's userspace link):
 * a frame arrives as a fresh copy of its bytes, without the metadata the kernel would
 * have kept on it (sim/skb.ts), and the sending end's capture sees each frame when it
 * is sent, before the relay delays or loses it.
 *
 * Crossing the pair scrubs the packet (__dev_forward_skb -> skb_scrub_packet): the peer's
 * namespace sees it without the conntrack entry and bridge state it had on this side.
 */
import type { EventHandler } from '../engine/scheduler.js';
import { SkBuff } from '../skb.js';
import { NetDevice, type DeviceHost } from './device.js';
import type { Qdisc } from './qdisc.js';

/** Bytes of Ethernet header not counted in the MTU (ETH_HLEN). */
export const ETH_HLEN = 14;
/** A VLAN tag's 4 bytes, which is_skb_forwardable allows beyond the MTU (net/core/dev.c). */
export const VLAN_HLEN = 4;

/** Whether a frame may cross into `dev`: at most MTU + Ethernet header + a VLAN tag (is_skb_forwardable). */
export function forwardable(frameLen: number, mtu: number): boolean {
  return frameLen <= mtu + ETH_HLEN + VLAN_HLEN;
}
const EV_ARRIVE = 1;

export class Veth extends NetDevice implements EventHandler {
  peer!: Veth;
  qdisc?: Qdisc;
  bytesOnly = false;

  constructor(host: DeviceHost, name: string, mac: Uint8Array, mtu: number) {
    super(host, name, mac, mtu);
  }

  /** Joins two ends into a pair. */
  static pair(a: Veth, b: Veth): void {
    a.peer = b;
    b.peer = a;
  }

  get carrier(): boolean {
    return this.adminUp && this.peer.adminUp;
  }

  transmit(skb: SkBuff): void {
    if (!this.adminUp) return this.host.dropFrame(skb, 'link-down', this.name);
    if (!this.peer.adminUp) return this.host.dropFrame(skb, 'no-carrier', this.name);
    const sim = this.host.sim;
    let at = sim.now;
    // On a relayed cable the real device sends at once and the relay shapes afterwards,
    // so its capture sees every packet at its send time, the lost ones too.
    const relayed = this.bytesOnly || this.peer.bytesOnly;
    if (relayed) this.tap(skb, at);
    if (this.qdisc !== undefined) {
      const r = this.qdisc.enqueue(at, skb.data.length);
      if (typeof r === 'string') return this.host.dropFrame(skb, r, this.name);
      at = r;
    }
    if (!relayed) this.tap(skb, at);
    sim.scheduleAt(at, this, EV_ARRIVE, skb);
  }

  /**
   * The frame reaches the peer (the event scheduled by the other end's transmit). It is
   * scrubbed on arrival, not when sent: a bridge's flood shares one packet among its
   * ports, and the sending namespace may still be using its metadata until then.
   */
  handleEvent(_kind: number, arg: unknown): void {
    const skb = arg as SkBuff;
    const peer = this.peer;
    if (!peer.adminUp) return peer.host.dropFrame(skb, 'no-carrier', peer.name);
    if (!forwardable(skb.data.length, peer.mtu)) return peer.host.dropFrame(skb, 'mtu', peer.name);
    if (this.bytesOnly || peer.bytesOnly) return peer.receive(relayed(skb));
    skb.scrub();
    peer.receive(skb);
  }
}

/** What a packet socket re-sends: the same bytes in a new packet, which keeps only its trace flow. */
function relayed(skb: SkBuff): SkBuff {
  return new SkBuff(skb.data.slice(), skb.flow);
}
