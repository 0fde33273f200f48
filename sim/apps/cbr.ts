/**
 * A constant-bit-rate UDP sender and a counting sink, the traffic of the benchmarks
 * (ns-3's UdpClient and UdpServer: fixed-size datagrams at a fixed interval). The
 * payload is built once and reused; each datagram still becomes a frame of its own.
 */
import { onesSum } from '../../core/wire/checksum.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { NetNamespace } from '../ip/namespace.js';
import type { UdpHandler } from '../ip/sockets.js';

/** Counts what arrives on a port. */
export class UdpSink implements UdpHandler {
  received = 0;
  bytes = 0;

  constructor(ns: NetNamespace, port: number) {
    ns.sockets.bindUdp(port, this);
  }

  onDatagram(_from: number, _fromPort: number, _to: number, payload: Uint8Array): void {
    this.received++;
    this.bytes += payload.length;
  }
}

/** Sends `size`-byte datagrams to dst:port every `intervalNs` from `startNs` until `stopNs`. */
export class CbrSender implements EventHandler {
  sent = 0;
  private readonly payload: Uint8Array;
  private readonly payloadSum: number;
  private readonly sport: number;

  constructor(
    private readonly ns: NetNamespace,
    private readonly dst: number,
    private readonly port: number,
    size: number,
    private readonly intervalNs: number,
    startNs: number,
    private readonly stopNs: number,
  ) {
    this.payload = new Uint8Array(size);
    this.payloadSum = onesSum(this.payload, 0, size);
    this.sport = ns.sockets.bindUdp(0, { onDatagram: () => undefined });
    ns.sim.scheduleAt(startNs, this, 0);
  }

  handleEvent(): void {
    this.ns.sockets.sendUdp(this.sport, this.dst, this.port, this.payload, 0, undefined, this.payloadSum);
    this.sent++;
    const next = this.ns.sim.now + this.intervalNs;
    if (next < this.stopNs) this.ns.sim.scheduleAt(next, this, 0);
  }
}
