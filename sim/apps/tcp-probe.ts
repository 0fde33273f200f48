/**
 * The TCP probe: connect, send the request, read the server's reply until it closes,
 * close. The connect timeout bounds the handshake (SYNs are retransmitted at Linux's
 * 1 s, 2 s... in the meantime); the same timeout then bounds the wait for the reply.
 * The RTT reported is the handshake's: SYN to SYN-ACK.
 *
 * Outcomes (core/outcome.ts, from the socket's facts): a reply line: delivered; RST (or
 * ICMP port unreachable): refused; ICMP host or net unreachable, or no route:
 * unreachable; nothing: dropped or timed out.
 */
import { parseIpv4 } from '../../core/addr.js';
import { probeEndOutcome, type ProbeEnd, type ProbeEndOutcome } from '../../core/outcome.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { TcpConnection, TcpError, TcpHandler } from '../ip/tcp.js';
import { Probe, type ProbeAction } from './probe.js';
import { parseServiceReply } from './service.js';

type TcpAction = Extract<ProbeAction, { kind: 'tcp' | 'udp' }>;

/**
 * From the connection's completion to the request leaving: the prober's wakeup and its
 * write, 100 to 350 us for the emulator's agent on this project's machine (tcpdump).
 * Without it, a packet arriving just after the handshake (a duplicate SYN-ACK, say)
 * would be answered after the request instead of before it.
 */
export const PROBE_WRITE_TURNAROUND_NS = 100_000;

export class TcpProbe extends Probe<TcpAction> implements TcpHandler, EventHandler {
  private conn?: TcpConnection;
  private timer?: number;
  private connectedNs?: number;
  private readonly received: Uint8Array[] = [];

  private get ns() {
    return this.topology.ns(this.action.ns);
  }

  start(): void {
    const r = this.ns.sockets.tcp.connect(parseIpv4(this.action.dst) ?? 0, this.action.port, this, this.flow);
    if ('errno' in r)
      return this.finish({
        ...this.classify({ kind: 'errno', errno: r.errno, step: 'connect' }),
        sent: 0,
        received: 0,
        rttsNs: [],
      });
    this.conn = r;
    this.timer = this.topology.sim.schedule(this.action.timeoutNs, this, 0);
  }

  onConnected(c: TcpConnection): void {
    this.connectedNs = this.topology.sim.now;
    if (this.timer !== undefined) this.topology.sim.cancel(this.timer);
    this.timer = this.topology.sim.schedule(this.action.timeoutNs, this, 0);
    const request = new TextEncoder().encode(this.action.request);
    this.topology.sim.schedule(PROBE_WRITE_TURNAROUND_NS, { handleEvent: () => c.send(request) }, 1);
  }

  onData(_c: TcpConnection, data: Uint8Array): void {
    this.received.push(data.slice());
  }

  onEof(c: TcpConnection): void {
    c.close();
    const seen = parseServiceReply(concat(this.received));
    const rtt = this.rtt();
    if (seen === undefined)
      return this.finish({ ...this.classify({ kind: 'closed' }), sent: 1, received: 0, rttsNs: rtt });
    const { outcome, detail } = this.classify({ kind: 'reply', seen });
    this.finish({ outcome, detail, sent: 1, received: 1, rttsNs: rtt, seen });
  }

  onError(_c: TcpConnection, err: TcpError): void {
    // The SYNs' retries running out is silence, reported without the handshake's RTT.
    const rttsNs = err === 'ETIMEDOUT' ? [] : this.rtt();
    this.finish({ ...this.classify({ kind: 'errno', errno: err, step: 'connection' }), sent: 1, received: 0, rttsNs });
  }

  /** The timeout: no connection, or no reply, in time. */
  handleEvent(): void {
    delete this.timer;
    const end = { kind: 'timeout', connected: this.connectedNs !== undefined } as const;
    this.finish({ ...this.classify(end), sent: 1, received: 0, rttsNs: this.rtt() });
  }

  /** The outcome of the probe's end, by core/outcome.ts from what the socket saw. */
  private classify(end: ProbeEnd): ProbeEndOutcome {
    return probeEndOutcome(end, this.action.dst, this.action.port, this.silentDrop());
  }

  private rtt(): number[] {
    return this.connectedNs === undefined ? [] : [this.connectedNs - this.entry.atNs];
  }

  protected cleanup(): void {
    if (this.timer !== undefined) this.topology.sim.cancel(this.timer);
    if (this.conn !== undefined && this.conn.state !== 'closed' && this.connectedNs === undefined) this.conn.abort();
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
