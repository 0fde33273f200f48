/**
 * The path MTU probe: the largest IPv4 packet that reaches the destination with DF set.
 * Like tracepath(8) it starts at the MTU of the route and follows ICMP
 * fragmentation-needed answers down; when a size gets no answer at all (an MTU black
 * hole, where the ICMP is lost or never sent) it searches the sizes between the last
 * one that passed and the one that vanished by halving. Each size is one DF echo
 * request, waited for up to PMTU_STEP_TIMEOUT_NS, from a ping socket of its own: as the
 * emulator runs `ping -M do -c 1` once per size, each request has a new identifier and
 * sequence number 1.
 */
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { IcmpErrorInfo } from '../ip/icmp.js';
import { routeMtu } from '../ip/output.js';
import type { PingHandler } from '../ip/sockets.js';
import { icmpErrorOutcome, Probe, type ProbeAction } from './probe.js';

/** How long one size is waited for. */
export const PMTU_STEP_TIMEOUT_NS = 1_000_000_000;
/** The smallest IPv4 packet every link carries (RFC 791). */
const MIN_MTU = 68;
/** ICMP echo header plus IPv4 header. */
const OVERHEAD = 28;

type PmtuAction = Extract<ProbeAction, { kind: 'pmtu' }>;

export class PmtuProbe extends Probe<PmtuAction> implements PingHandler, EventHandler {
  private id = 0;
  private sent = 0;
  private size = 0;
  private passed = 0;
  private failedAbove = Infinity;
  private timer?: number;
  private sentNs = 0;
  private rtts: number[] = [];
  private lastError?: IcmpErrorInfo;

  private get ns() {
    return this.world.ns(this.action.ns);
  }

  start(): void {
    this.size = routeMtu(this.ns, parseIpv4(this.action.dst) ?? 0);
    this.tryNext();
  }

  private tryNext(): void {
    if (this.size <= this.passed || this.size < MIN_MTU) return this.conclude();
    this.openSocket();
    this.sent++;
    this.sentNs = this.world.sim.now;
    const err = this.ns.sockets.sendEcho(parseIpv4(this.action.dst) ?? 0, this.id, 1, new Uint8Array(this.size - OVERHEAD), 64, true, this.flow);
    if (err?.errno === 'ENETUNREACH') return this.finish({ outcome: 'unreachable', detail: 'connect: Network is unreachable', sent: 0, received: 0, rttsNs: [] });
    if (err?.errno === 'EMSGSIZE') return this.shrinkTo(err.mtu);
    this.timer = this.world.sim.schedule(PMTU_STEP_TIMEOUT_NS, this, 0);
  }

  /** A new ping socket (a new identifier) for the next size; the last one is closed. */
  private openSocket(): void {
    if (this.id !== 0) this.ns.sockets.closePing(this.id);
    this.id = this.ns.rng.int(1, 0xffff);
    this.ns.sockets.openPing(this.id, this);
  }

  private shrinkTo(mtu: number): void {
    this.failedAbove = Math.min(this.failedAbove, this.size);
    this.size = Math.min(mtu, this.size - 1);
    this.tryNext();
  }

  onReply(): void {
    if (this.done) return;
    this.clearTimer();
    this.rtts.push(this.world.sim.now - this.sentNs);
    this.passed = Math.max(this.passed, this.size);
    if (this.failedAbove === Infinity || this.failedAbove - this.passed <= 1) return this.conclude();
    this.size = Math.floor((this.passed + this.failedAbove) / 2);
    this.tryNext();
  }

  onIcmpError(info: IcmpErrorInfo): void {
    if (this.done) return;
    this.lastError = info;
    this.clearTimer();
    if (info.type === 'dest-unreachable' && info.code === 4 && info.mtu >= MIN_MTU && info.mtu < this.size) return this.shrinkTo(info.mtu);
    this.conclude();
  }

  /** No answer for this size: a black hole above it, so search below. */
  handleEvent(): void {
    delete this.timer;
    this.failedAbove = Math.min(this.failedAbove, this.size);
    this.size = Math.floor((this.passed + this.failedAbove) / 2);
    if (this.passed === 0 && this.size < MIN_MTU) return this.conclude();
    this.tryNext();
  }

  private conclude(): void {
    const base = { sent: this.sent, received: this.rtts.length, rttsNs: this.rtts };
    if (this.passed > 0) return this.finish({ ...base, outcome: 'delivered', detail: `path MTU ${this.passed}`, pathMtu: this.passed });
    const e = this.lastError;
    if (e !== undefined) {
      const o = icmpErrorOutcome(e.type, e.code, e.mtu);
      return this.finish({ ...base, outcome: o.outcome, detail: `From ${formatIpv4(e.from)}: ${o.detail}`, errorFrom: formatIpv4(e.from) });
    }
    this.finish({ ...base, ...this.silentOutcome() });
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.world.sim.cancel(this.timer);
    delete this.timer;
  }

  protected cleanup(): void {
    this.clearTimer();
    if (this.id !== 0) this.ns.sockets.closePing(this.id);
  }
}
