/**
 * The ping probe, as iputils ping(8) behaves: `count` echo requests `interval` apart,
 * from a random identifier, sequence numbers from 1, `size` bytes of data (the first
 * 16 a timestamp, the rest the byte pattern 0x10, 0x11, ...: ping's default fill after
 * its timeval); DF only with -M do, else Linux's IP_PMTUDISC_WANT (DF when the packet
 * fits the path MTU). It stops when every request has its answer or `timeout` after the
 * last request (ping -W). "connect: Network is unreachable" ends it at once; "local
 * error: message too long" counts against that request only.
 *
 * It ends as soon as every request has had its reply or its ICMP error, as iputils does.
 * Delivered when any reply arrived (ping exits 0); otherwise the first ICMP error
 * decides (port unreachable and prohibited: refused; the rest: unreachable); otherwise
 * dropped or timed out: core/outcome.ts pingOutcome, which the emulator's ping uses too.
 */
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { ICMP_DEST_UNREACH, ICMP_TIME_EXCEEDED, pingOutcome } from '../../core/outcome.js';
import type { IcmpErrorInfo } from '../ip/icmp.js';
import type { PingHandler } from '../ip/sockets.js';
import type { EventHandler } from '../engine/scheduler.js';
import { routeMtu } from '../ip/output.js';
import { Probe } from './probe.js';

const EV_SEND = 1;
const EV_END = 2;
/** Bytes of ping's timestamp at the start of the data (struct timeval). */
const TIMEVAL_LEN = 16;

type PingAction = Extract<import('./probe.js').ProbeAction, { kind: 'ping' }>;

export class PingProbe extends Probe<PingAction> implements PingHandler, EventHandler {
  private id = 0;
  private seq = 0;
  private readonly sentAt = new Map<number, number>();
  private readonly rtts: number[] = [];
  private ttl?: number;
  private firstError?: { info: IcmpErrorInfo };
  private localError?: string;
  private endTimer?: number;

  private get ns() {
    return this.topology.ns(this.action.ns);
  }

  start(): void {
    this.id = this.ns.rng.int(1, 0xffff);
    this.ns.sockets.openPing(this.id, this);
    this.handleEvent(EV_SEND);
  }

  handleEvent(kind: number): void {
    if (this.done) return;
    if (kind === EV_END) return this.conclude();
    this.sendOne();
    if (this.done) return;
    if (this.seq < this.action.count) this.topology.sim.schedule(this.action.intervalNs, this, EV_SEND);
    else this.endTimer = this.topology.sim.schedule(this.action.timeoutNs, this, EV_END);
  }

  private sendOne(): void {
    const a = this.action;
    const dst = parseIpv4(a.dst) ?? 0;
    this.seq++;
    const df = a.df || 8 + 20 + a.size <= routeMtu(this.ns, dst);
    this.sentAt.set(this.seq, this.topology.sim.now);
    const err = this.ns.sockets.sendEcho(dst, this.id, this.seq, this.payload(), a.ttl, df, this.flow);
    if (err?.errno === 'ENETUNREACH')
      return this.finish({ ...pingOutcome({ sent: 0, received: 0, noRoute: true }), sent: 0, received: 0, rttsNs: [] });
    // EPERM (netfilter's OUTPUT dropped it) is not reported: iputils ping counts the
    // request as transmitted and says nothing (measured on Linux 6.18), so the probe
    // ends as any unanswered ping, with the rule that dropped it in its trace.
    if (err?.errno === 'EMSGSIZE') this.localError = `local error: message too long, mtu=${err.mtu}`;
  }

  private payload(): Uint8Array {
    const data = new Uint8Array(this.action.size);
    for (let i = TIMEVAL_LEN; i < data.length; i++) data[i] = (i - TIMEVAL_LEN + 0x10) & 0xff;
    const now = this.topology.sim.now;
    const sec = Math.floor(now / 1e9);
    const usec = Math.floor((now % 1e9) / 1e3);
    const view = new DataView(data.buffer);
    if (data.length >= TIMEVAL_LEN) {
      view.setBigUint64(0, BigInt(sec), true);
      view.setBigUint64(8, BigInt(usec), true);
    }
    return data;
  }

  onReply(seq: number, _from: number, ttl: number): void {
    const at = this.sentAt.get(seq);
    if (at === undefined || this.done) return;
    this.sentAt.delete(seq);
    this.rtts.push(this.topology.sim.now - at);
    this.ttl ??= ttl;
    if (this.seq === this.action.count && this.sentAt.size === 0) this.conclude();
  }

  onIcmpError(info: IcmpErrorInfo, seq: number): void {
    this.firstError ??= { info };
    // An error answers its request: iputils stops once replies and errors together
    // account for every request (nreceived + nerrors >= npackets).
    if (this.sentAt.delete(seq) && this.seq === this.action.count && this.sentAt.size === 0) this.conclude();
  }

  private conclude(): void {
    const received = this.rtts.length;
    const base = { sent: this.seq, received, rttsNs: this.rtts, ...(this.ttl !== undefined && { ttl: this.ttl }) };
    const e = this.firstError?.info;
    const error =
      e === undefined
        ? undefined
        : {
            from: formatIpv4(e.from),
            type: e.type === 'time-exceeded' ? ICMP_TIME_EXCEEDED : ICMP_DEST_UNREACH,
            code: e.code,
            info: e.mtu,
          };
    const facts = {
      sent: this.seq,
      received,
      ...(error !== undefined && { error }),
      ...(this.localError !== undefined && { localError: this.localError }),
    };
    this.finish({ ...base, ...pingOutcome(facts, this.silentDrop()) });
  }

  protected cleanup(): void {
    this.ns.sockets.closePing(this.id);
    if (this.endTimer !== undefined) this.topology.sim.cancel(this.endTimer);
  }
}
