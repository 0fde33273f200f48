/**
 * The loopback device (drivers/net/loopback.c): what is sent comes back in as received,
 * as its own event. Its MTU is 65536, as Linux sets it.
 */
import type { EventHandler } from '../engine/scheduler.js';
import type { SkBuff } from '../skb.js';
import { NetDevice, type DeviceHost } from './device.js';

/** Linux's loopback MTU (loopback.c: LOOPBACK_MTU = 64 KiB). */
export const LOOPBACK_MTU = 65536;

export class Loopback extends NetDevice implements EventHandler {
  constructor(host: DeviceHost) {
    super(host, 'lo', new Uint8Array(6), LOOPBACK_MTU);
  }

  get carrier(): boolean {
    return this.adminUp;
  }

  transmit(skb: SkBuff): void {
    if (!this.adminUp) return this.host.dropFrame(skb, 'link-down', this.name);
    this.tap(skb, this.host.sim.now);
    this.host.sim.schedule(0, this, 0, skb);
  }

  /** The packet comes back in with its metadata: loopback_xmit keeps the conntrack entry. */
  handleEvent(_kind: number, arg: unknown): void {
    this.host.receive(this, arg as SkBuff);
  }
}
