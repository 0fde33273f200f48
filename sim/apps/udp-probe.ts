/**
 * The UDP probe: send the request from an ephemeral port, wait up to `timeout` for the
 * service's reply line. ICMP port unreachable means refused (ECONNREFUSED on a connected
 * UDP socket); other ICMP errors mean unreachable; silence means dropped or timed out
 * (core/outcome.ts, from the socket's facts, as the emulator's agent reports them).
 */
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import {
  ICMP_DEST_UNREACH,
  ICMP_TIME_EXCEEDED,
  probeEndOutcome,
  type ProbeEnd,
  type ProbeEndOutcome,
} from '../../core/outcome.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { IcmpErrorInfo } from '../ip/icmp.js';
import type { UdpHandler } from '../ip/sockets.js';
import { Probe, type ProbeAction } from './probe.js';
import { parseServiceReply } from './service.js';

type UdpAction = Extract<ProbeAction, { kind: 'tcp' | 'udp' }>;

export class UdpProbe extends Probe<UdpAction> implements UdpHandler, EventHandler {
  private port = 0;
  private timer?: number;

  private get ns() {
    return this.topology.ns(this.action.ns);
  }

  start(): void {
    this.port = this.ns.sockets.bindUdp(0, this);
    const dst = parseIpv4(this.action.dst) ?? 0;
    // as the emulator's agent does: connect(), then send()
    this.ns.sockets.connectUdp(this.port, { addr: dst, port: this.action.port });
    const err = this.ns.sockets.sendUdp(
      this.port,
      dst,
      this.action.port,
      new TextEncoder().encode(this.action.request),
      this.flow,
    );
    // EPERM: netfilter's OUTPUT dropped it; ENETUNREACH: no route; EMSGSIZE: over the route's MTU.
    if (err !== undefined)
      return this.finish({
        ...this.classify({ kind: 'errno', step: 'send', ...err }),
        sent: 0,
        received: 0,
        rttsNs: [],
      });
    this.timer = this.topology.sim.schedule(this.action.timeoutNs, this, 0);
  }

  /** Only from the peer: the socket is connected (Sockets.connectUdp). */
  onDatagram(_from: number, _fromPort: number, _to: number, payload: Uint8Array): void {
    const seen = parseServiceReply(payload);
    if (seen === undefined) return;
    const { outcome, detail } = this.classify({ kind: 'reply', seen });
    this.finish({ outcome, detail, sent: 1, received: 1, rttsNs: [this.topology.sim.now - this.entry.atNs], seen });
  }

  onIcmpError(info: IcmpErrorInfo): void {
    const type = info.type === 'time-exceeded' ? ICMP_TIME_EXCEEDED : ICMP_DEST_UNREACH;
    const { outcome, detail, errorFrom } = this.classify({
      kind: 'icmp',
      type,
      code: info.code,
      info: info.mtu,
      from: formatIpv4(info.from),
    });
    this.finish({ outcome, detail, sent: 1, received: 0, rttsNs: [], ...(errorFrom !== undefined && { errorFrom }) });
  }

  handleEvent(): void {
    delete this.timer;
    this.finish({ ...this.classify({ kind: 'timeout' }), sent: 1, received: 0, rttsNs: [] });
  }

  /** The outcome of the probe's end, by core/outcome.ts from what the socket saw. */
  private classify(end: ProbeEnd): ProbeEndOutcome {
    return probeEndOutcome(end, this.action.dst, this.action.port, this.silentDrop());
  }

  protected cleanup(): void {
    this.ns.sockets.closeUdp(this.port);
    if (this.timer !== undefined) this.topology.sim.cancel(this.timer);
  }
}
