/**
 * The UDP probe: send the request from an ephemeral port, wait up to `timeout` for the
 * service's reply line. ICMP port unreachable means refused (ECONNREFUSED on a connected
 * UDP socket); other ICMP errors mean unreachable; silence means dropped or timed out.
 */
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { IcmpErrorInfo } from '../ip/icmp.js';
import type { UdpHandler } from '../ip/sockets.js';
import { icmpErrorOutcome, Probe, type ProbeAction } from './probe.js';
import { parseServiceReply } from './service.js';

type UdpAction = Extract<ProbeAction, { kind: 'tcp' | 'udp' }>;

export class UdpProbe extends Probe<UdpAction> implements UdpHandler, EventHandler {
  private port = 0;
  private timer?: number;

  private get ns() {
    return this.world.ns(this.action.ns);
  }

  start(): void {
    this.port = this.ns.sockets.bindUdp(0, this);
    const dst = parseIpv4(this.action.dst) ?? 0;
    this.ns.sockets.connectUdp(this.port, { addr: dst, port: this.action.port }); // as the emulator's agent does: connect(), then send()
    const err = this.ns.sockets.sendUdp(this.port, dst, this.action.port, new TextEncoder().encode(this.action.request), this.flow);
    if (err?.errno === 'EPERM') return this.finish({ outcome: 'dropped', detail: 'sendto: Operation not permitted', sent: 0, received: 0, rttsNs: [] });
    if (err !== undefined) {
      const detail = err.errno === 'ENETUNREACH' ? 'Network is unreachable' : `Message too long (mtu ${err.mtu})`;
      return this.finish({ outcome: 'unreachable', detail, sent: 0, received: 0, rttsNs: [] });
    }
    this.timer = this.world.sim.schedule(this.action.timeoutNs, this, 0);
  }

  /** Only from the peer: the socket is connected (Sockets.connectUdp). */
  onDatagram(_from: number, _fromPort: number, _to: number, payload: Uint8Array): void {
    const seen = parseServiceReply(payload);
    if (seen === undefined) return;
    this.finish({ outcome: 'delivered', detail: `reply from ${this.action.dst}:${this.action.port}`, sent: 1, received: 1, rttsNs: [this.world.sim.now - this.entry.atNs], seen });
  }

  onIcmpError(info: IcmpErrorInfo): void {
    const o = icmpErrorOutcome(info.type, info.code, info.mtu);
    this.finish({ outcome: o.outcome, detail: `From ${formatIpv4(info.from)}: ${o.detail}`, sent: 1, received: 0, rttsNs: [], errorFrom: formatIpv4(info.from) });
  }

  handleEvent(): void {
    delete this.timer;
    this.finish({ ...this.silentOutcome(), sent: 1, received: 0, rttsNs: [] });
  }

  protected cleanup(): void {
    this.ns.sockets.closeUdp(this.port);
    if (this.timer !== undefined) this.world.sim.cancel(this.timer);
  }
}
