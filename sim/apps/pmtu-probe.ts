/**
 * The path MTU probe: the largest IPv4 packet that reaches the destination with DF set.
 * Like tracepath(8) it starts at the MTU of the route and follows ICMP
 * fragmentation-needed answers down; when a size gets no answer at all (an MTU black
 * hole, where the ICMP is lost or never sent) it searches the sizes between the last
 * one that passed and the one that vanished by halving. Each size is one DF echo
 * request, waited for up to PMTU_STEP_TIMEOUT_NS, from a ping socket of its own: as the
 * emulator runs `ping -M do -c 1` once per size, each request has a new identifier and
 * sequence number 1.
 *
 * Silence alone does not say the size was too large: the path may have gone away (a
 * cable cut, a route withdrawn) or dropped the request for another reason. So a size
 * that vanishes, or draws an ICMP error other than fragmentation-needed, is followed by
 * a control request at a size known to pass (the largest that passed, else the smallest
 * every link carries). Only when the control is answered is the size counted as too
 * large; when the control vanishes too, the loss was not about size and the size is
 * asked again. After PMTU_SILENT_ROUNDS such rounds in one search (core/pmtu-search.ts)
 * the probe reports that nothing gets through instead of an MTU: dropped where the
 * simulator saw the last control dropped, else timed out. A control that draws an ICMP
 * error (host unreachable, say) ends the probe with that error. The emulator's probe
 * (emulator/pmtu.ts) follows the same steps.
 */
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { PMTU_MIN_MTU, PMTU_SILENT_ROUNDS, PMTU_STEP_TIMEOUT_NS, pmtuLostDetail } from '../../core/pmtu-search.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { IcmpErrorInfo } from '../ip/icmp.js';
import { routeMtu } from '../ip/output.js';
import type { PingHandler } from '../ip/sockets.js';
import { icmpErrorOutcome, Probe, type ProbeAction } from './probe.js';

export { PMTU_STEP_TIMEOUT_NS } from '../../core/pmtu-search.js';

const MIN_MTU = PMTU_MIN_MTU;
/** ICMP echo header plus IPv4 header. */
const OVERHEAD = 28;
/** ICMP destination unreachable, fragmentation needed (RFC 792). */
const FRAG_NEEDED = 4;

type PmtuAction = Extract<ProbeAction, { kind: 'pmtu' }>;

export class PmtuProbe extends Probe<PmtuAction> implements PingHandler, EventHandler {
  private id = 0;
  private sent = 0;
  /** The size being searched. */
  private size = 0;
  private passed = 0;
  private failedAbove = Infinity;
  /** The size of the outstanding control request, 0 when the outstanding one is `size`. */
  private control = 0;
  /** Rounds in which `size` and its control both vanished. */
  private silentRounds = 0;
  /** When the latest control request went out (the drops after it explain a final silence). */
  private controlSentNs = 0;
  /** How the search ended when not by its own bounds. */
  private ending?: 'silent' | 'error';
  private timer?: number;
  private sentNs = 0;
  private rtts: number[] = [];
  private lastError?: IcmpErrorInfo;

  private get ns() {
    return this.topology.ns(this.action.ns);
  }

  start(): void {
    this.size = routeMtu(this.ns, parseIpv4(this.action.dst) ?? 0);
    this.tryNext();
  }

  private tryNext(): void {
    if (this.size <= this.passed || this.size < MIN_MTU) return this.conclude();
    this.control = 0;
    this.send(this.size);
  }

  /** One DF echo request of `bytes`, from a new socket. */
  private send(bytes: number): void {
    this.openSocket();
    this.sent++;
    this.sentNs = this.topology.sim.now;
    const err = this.ns.sockets.sendEcho(
      parseIpv4(this.action.dst) ?? 0,
      this.id,
      1,
      new Uint8Array(bytes - OVERHEAD),
      64,
      true,
      this.flow,
    );
    if (err?.errno === 'ENETUNREACH')
      return this.finish({
        outcome: 'unreachable',
        detail: 'connect: Network is unreachable',
        sent: 0,
        received: 0,
        rttsNs: [],
      });
    if (err?.errno === 'EMSGSIZE') return this.tooBig(err.mtu);
    this.timer = this.topology.sim.schedule(PMTU_STEP_TIMEOUT_NS, this, 0);
  }

  /** A new ping socket (a new identifier) for the next request; the last one is closed. */
  private openSocket(): void {
    if (this.id !== 0) this.ns.sockets.closePing(this.id);
    this.id = this.ns.rng.int(1, 0xffff);
    this.ns.sockets.openPing(this.id, this);
  }

  /**
   * The outstanding request was too large for a hop of MTU `mtu`. For the control, the
   * path shrank below what passed before: the search starts again below it.
   */
  private tooBig(mtu: number): void {
    if (this.control !== 0) {
      this.failedAbove = this.control;
      this.passed = 0;
      this.size = Math.min(mtu, this.control - 1);
      return this.tryNext();
    }
    this.failedAbove = Math.min(this.failedAbove, this.size);
    this.size = Math.min(mtu, this.size - 1);
    this.tryNext();
  }

  onReply(): void {
    if (this.done) return;
    this.clearTimer();
    this.rtts.push(this.topology.sim.now - this.sentNs);
    if (this.control !== 0) {
      // The path is up: the size that vanished before the control was too large.
      this.passed = Math.max(this.passed, this.control);
      return this.sizeLost();
    }
    this.passed = Math.max(this.passed, this.size);
    if (this.failedAbove === Infinity || this.failedAbove - this.passed <= 1) return this.conclude();
    this.size = Math.floor((this.passed + this.failedAbove) / 2);
    this.tryNext();
  }

  onIcmpError(info: IcmpErrorInfo): void {
    if (this.done) return;
    this.lastError = info;
    this.clearTimer();
    const bytes = this.control !== 0 ? this.control : this.size;
    if (info.type === 'dest-unreachable' && info.code === FRAG_NEEDED && info.mtu >= MIN_MTU && info.mtu < bytes)
      return this.tooBig(info.mtu);
    if (this.control === 0) return this.askControl(); // an error about this size only, or about the path?
    this.ending = 'error'; // the path itself fails, not a size
    this.conclude();
  }

  /** No answer in time: for a size, ask a control; for a control, the loss was not about size. */
  handleEvent(): void {
    delete this.timer;
    if (this.control === 0) return this.askControl();
    this.silentRounds++;
    if (this.silentRounds >= PMTU_SILENT_ROUNDS) {
      this.ending = 'silent';
      return this.conclude();
    }
    this.tryNext();
  }

  /** After a size failed other than by fragmentation-needed: a request at a size known to fit. */
  private askControl(): void {
    this.control = this.passed > 0 ? this.passed : MIN_MTU;
    this.controlSentNs = this.topology.sim.now;
    this.send(this.control);
  }

  /** `size` vanished while a smaller request passed: a black hole above it, so search below. */
  private sizeLost(): void {
    this.failedAbove = Math.min(this.failedAbove, this.size);
    this.size = Math.floor((this.passed + this.failedAbove) / 2);
    if (this.passed === 0 && this.size < MIN_MTU) return this.conclude();
    this.tryNext();
  }

  private conclude(): void {
    const base = { sent: this.sent, received: this.rtts.length, rttsNs: this.rtts };
    if (this.ending === 'silent') return this.finish({ ...base, ...this.lostOutcome() });
    const e = this.lastError;
    if (this.passed > 0 && this.ending === undefined)
      return this.finish({ ...base, outcome: 'delivered', detail: `path MTU ${this.passed}`, pathMtu: this.passed });
    if (e !== undefined) {
      const o = icmpErrorOutcome(e.type, e.code, e.mtu);
      return this.finish({
        ...base,
        outcome: o.outcome,
        detail: `From ${formatIpv4(e.from)}: ${o.detail}`,
        errorFrom: formatIpv4(e.from),
      });
    }
    this.finish({ ...base, ...this.silentOutcome() });
  }

  /**
   * Nothing got through for PMTU_SILENT_ROUNDS rounds: dropped where the simulator saw
   * the last control request dropped, else timed out (the emulator's words, core/pmtu-search.ts).
   */
  private lostOutcome(): { outcome: 'dropped' | 'timed-out'; detail: string } {
    const since = this.controlSentNs;
    const d = this.topology.trace.drops.find(
      (x) => x.probe === this.entry.name && x.timeNs >= since && x.reason !== 'no-listener',
    );
    const lost = pmtuLostDetail(this.silentRounds, this.passed);
    if (d === undefined) return { outcome: 'timed-out', detail: lost };
    return {
      outcome: 'dropped',
      detail: `${lost}; dropped in ${d.ns}${d.dev === undefined ? '' : ` at ${d.dev}`}: ${d.reason}${d.rule === undefined ? '' : ` (${d.rule})`}`,
    };
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.topology.sim.cancel(this.timer);
    delete this.timer;
  }

  protected cleanup(): void {
    this.clearTimer();
    if (this.id !== 0) this.ns.sockets.closePing(this.id);
  }
}
