/**
 * A network device in a namespace: its name, MAC, MTU, administrative state, the bridge
 * it may be a port of, and the capture tap. Subclasses say how frames leave (a veth
 * pair, a bridge, loopback); arriving frames go to the bridge the device is a port of,
 * else up to the namespace's stack, as in Linux's __netif_receive_skb (rx_handler first).
 *
 * Packets are SkBuffs (sim/skb.ts) whose bytes hold a whole Ethernet frame (architecture,
 * firm decision 1). A device never changes the bytes it was given: they are shared when a
 * bridge floods and by captures, and whoever rewrites them (a router, NAT) copies first.
 */
import type { PortFlags } from '../../core/plan/types.js';
import type { Simulation } from '../engine/simulation.js';
import { macNumAt } from '../../core/wire/mac.js';
import type { SkBuff } from '../skb.js';
import type { CaptureBuffer, DropReason, TraceSink } from '../trace.js';

/** What a device needs from the namespace it lives in. */
export interface DeviceHost {
  readonly id: string;
  /** `dev` lost its carrier or went administratively down (NETDEV_CHANGE, NETDEV_DOWN). */
  carrierLost(dev: NetDevice): void;
  readonly sim: Simulation;
  readonly trace: TraceSink;
  /**
   * A frame arrived on `dev` and is not taken by a bridge: hand it to the stack (`prerouted`:
   * br_netfilter ran PREROUTING already).
   */
  receive(dev: NetDevice, skb: SkBuff, prerouted?: boolean): void;
  /** Records a drop with one-line detail. */
  dropFrame(skb: SkBuff, reason: DropReason, dev?: string, rule?: string): void;
}

/** The bridge side of a port (implemented by Bridge). */
export interface BridgeMaster {
  readonly name: string;
  portReceive(port: NetDevice, skb: SkBuff): void;
  /** The port lost its carrier or went down (br_port_carrier_check). */
  portDown(port: NetDevice): void;
}

export abstract class NetDevice {
  adminUp = false;
  master?: BridgeMaster;
  port: PortFlags = { hairpin: false, learning: true, flood: true };
  capture?: CaptureBuffer;
  /** net.ipv4.conf.DEV.route_localnet: 127/8 may arrive on or leave through this device. */
  routeLocalnet = false;
  readonly macNum: number;

  constructor(
    readonly host: DeviceHost,
    readonly name: string,
    readonly mac: Uint8Array,
    public mtu: number,
  ) {
    this.macNum = macNumAt(mac, 0);
  }

  /** Operationally up: admin up and, for cables, the far end too. */
  abstract get carrier(): boolean;

  /** Sends a frame out of this device (from the stack or from its bridge). */
  abstract transmit(skb: SkBuff): void;

  /** A frame arrived from the medium. */
  receive(skb: SkBuff): void {
    if (!this.adminUp) return this.host.dropFrame(skb, 'link-down', this.name);
    this.tap(skb, this.host.sim.now);
    if (this.master !== undefined) this.master.portReceive(this, skb);
    else this.host.receive(this, skb);
  }

  /** Records the frame in this device's capture, if one is on; the capture then shares its bytes. */
  tap(skb: SkBuff, timeNs: number): void {
    if (this.capture === undefined) return;
    skb.cloned = true;
    this.capture.records.push({ timeNs, data: skb.data });
  }
}
