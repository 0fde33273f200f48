/**
 * TCP, enough of RFC 793/9293 for request-and-reply probes over lossy links, with
 * Linux's timers (net/ipv4/tcp_timer.c): a three-way handshake with the MSS option
 * (MTU - 40) and Linux's option layout; SYN retransmission from a 1 s initial RTO
 * (TCP_TIMEOUT_INIT), linear for tcp_syn_linear_timeouts (4) retransmissions and then
 * doubling, tcp_syn_retries (6) times; SYN-ACK retransmission
 * tcp_synack_retries (5) times; data retransmission at an RTO of srtt plus at least
 * 200 ms (TCP_RTO_MIN), doubling up to 120 s (TCP_RTO_MAX); RST for segments to a port
 * with no listener; immediate ACKs (Linux's quick-ack mode at the start of a
 * connection); FIN handshakes in both directions, and TIME-WAIT (60 s) after an active
 * close, re-acknowledging a retransmitted FIN; ICMP errors abort a connection that
 * is still in SYN-SENT (tcp_v4_err).
 *
 * Not modelled: windows beyond a fixed advertisement (the probes move a few bytes),
 * congestion control, SACK, timestamps' values (the option is laid out, not used),
 * delayed ACKs after quick-ack, simultaneous open, urgent data, an out-of-order queue.
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { buildTcpFrame } from '../../core/wire/frame.js';
import { ipv4Dst, ipv4Src, ipv4TotalLen } from '../../core/wire/ipv4.js';
import {
  TCP_ACK,
  TCP_FIN,
  TCP_PSH,
  TCP_RST,
  TCP_SYN,
  tcpAck,
  tcpDstPort,
  tcpFlags,
  tcpHeaderLen,
  tcpMss,
  tcpSackPermitted,
  tcpSeq,
  tcpSrcPort,
  tcpTimestamps,
} from '../../core/wire/tcp.js';
import { linuxTcpOptions } from '../../core/wire/tcp-options.js';
import type { Rng } from '../../core/rng.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { NetDevice } from '../net/device.js';
import type { FlowId } from '../trace.js';
import type { IcmpErrorInfo } from './icmp.js';
import type { NetNamespace } from './namespace.js';
import { ipOutput } from './output.js';
import { SkBuff } from '../skb.js';
import { probeTimeoutNs } from './tcp-loss-probe.js';

export const TCP_TIMEOUT_INIT_NS = 1_000_000_000;
/** TCP_TIMEOUT_FALLBACK: the RTO once a handshake had to be retransmitted and gave no RTT sample (RFC 6298 5.7). */
export const TCP_TIMEOUT_FALLBACK_NS = 3_000_000_000;
export const TCP_RTO_MIN_NS = 200_000_000;
export const TCP_RTO_MAX_NS = 120_000_000_000;
export const TCP_SYN_RETRIES = 6;
export const TCP_SYNACK_RETRIES = 5;
/** Data retransmissions before giving up (tcp_retries2). */
export const TCP_RETRIES2 = 15;
/** The window Linux advertises in a SYN with a 1460-byte MSS (10 * 1460 rounded to the MSS, 64240). */
export const TCP_SYN_WINDOW = 64240;
/**
 * The window scale Linux 6.x offers with its default tcp_rmem (max 6 MiB): 10, as
 * captured on this project's kernel (WS=1024 in tshark's words).
 */
export const TCP_WSCALE = 10;
/** IPV4_MAX_PMTU - 40 (net/ipv4/route.c ipv4_default_advmss): the largest MSS announced. */
const IPV4_MAX_ADVMSS = 65535 - 40;

/** TCP_DELACK_MIN (include/net/tcp.h): the shortest delayed-ACK timer, 40 ms. */
export const TCP_DELACK_MIN_NS = 40_000_000;

export type TcpState =
  | 'syn-sent'
  | 'syn-recv'
  | 'established'
  | 'fin-wait-1'
  | 'fin-wait-2'
  | 'close-wait'
  | 'last-ack'
  | 'closing'
  | 'time-wait'
  | 'closed';

/** TCP_TIMEWAIT_LEN (include/net/tcp.h): 60 s in TIME-WAIT, re-acknowledging a retransmitted FIN. */
export const TCP_TIMEWAIT_NS = 60_000_000_000;
const EV_RETRANSMIT = 0;
const EV_TIMEWAIT = 1;
const EV_DELACK = 2;
const EV_LOSS_PROBE = 3;

/** Why a connection ended badly, in errno words. */
export type TcpError = 'ECONNREFUSED' | 'ETIMEDOUT' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'ECONNRESET' | 'EMSGSIZE';

export interface TcpHandler {
  onConnected?(c: TcpConnection): void;
  onData?(c: TcpConnection, data: Uint8Array): void;
  /** The peer closed its side (FIN). */
  onEof?(c: TcpConnection): void;
  /** The connection ended with an error. */
  onError?(c: TcpConnection, err: TcpError): void;
}

interface Segment {
  seq: number;
  flags: number;
  data: Uint8Array;
  sentNs: number;
  retransmitted: boolean;
}

const EMPTY = new Uint8Array(0);
const seqAdd = (a: number, n: number) => (a + n) >>> 0;
const seqLt = (a: number, b: number) => ((a - b) | 0) < 0;

export class TcpConnection implements EventHandler {
  state: TcpState;
  sndUna: number;
  sndNxt: number;
  rcvNxt = 0;
  peerMss = 536;
  /** Whether both SYNs carried timestamps (then every segment does, RFC 7323 3.2). */
  tsOk = false;
  /** Whether both SYNs offered SACK (then duplicates are reported with D-SACK, RFC 2883). */
  sackOk = false;
  /** The peer's last timestamp value, echoed back (TS.Recent). */
  tsRecent = 0;
  /** Linux adds a random offset per connection to its millisecond clock (tcp_init_transfer, tsoffset). */
  readonly tsOffset: number;
  /** An ACK made progress: confirm the neighbour on the next transmit (sk_dst_pending_confirm). */
  pendingConfirm = false;
  /** sk_txhash: stamped on every segment (SkBuff.hash), drawn anew at each retransmission timeout. */
  txHash: number;
  private readonly unacked: Segment[] = [];
  private rtoNs = TCP_TIMEOUT_INIT_NS;
  private srttNs = 0;
  private retries = 0;
  private timer?: number;
  /** A tail loss probe went out and no ACK has made progress since (tlp_high_seq). */
  private probed = false;

  constructor(
    readonly stack: TcpStack,
    readonly local: number,
    readonly lport: number,
    readonly remote: number,
    readonly rport: number,
    public handler: TcpHandler,
    readonly flow: FlowId,
    state: TcpState,
  ) {
    this.state = state;
    const iss = stack.ns.rng.int(0, 0xffffffff) >>> 0;
    this.tsOffset = stack.ns.rng.int(0, 0xffffffff) >>> 0;
    this.txHash = stack.newTxHash();
    this.sndUna = iss;
    this.sndNxt = iss;
  }

  get key(): string {
    return connKey(this.local, this.lport, this.remote, this.rport);
  }

  /** Queues application data (sent at once: the probes never fill a window). */
  send(data: Uint8Array): void {
    if (this.state !== 'established' && this.state !== 'close-wait') return;
    for (let off = 0; off < data.length; off += this.peerMss)
      this.transmit(TCP_ACK | TCP_PSH, data.subarray(off, off + this.peerMss));
  }

  /** Closes our side: FIN after any queued data (tcp_close). */
  close(): void {
    if (this.state === 'established') this.state = 'fin-wait-1';
    else if (this.state === 'close-wait') this.state = 'last-ack';
    else if (this.state === 'syn-sent' || this.state === 'syn-recv') return this.abort();
    else return;
    this.transmit(TCP_FIN | TCP_ACK, EMPTY);
  }

  /** Drops the connection without telling the peer (the application gave up). */
  abort(): void {
    this.finish();
  }

  /** Sends a segment that occupies sequence space and keeps it for retransmission. */
  transmit(flags: number, data: Uint8Array): void {
    const seg: Segment = { seq: this.sndNxt, flags, data, sentNs: this.stack.ns.sim.now, retransmitted: false };
    this.sndNxt = seqAdd(this.sndNxt, data.length + (flags & (TCP_SYN | TCP_FIN) ? 1 : 0));
    this.unacked.push(seg);
    this.emit(seg);
    if (!this.scheduleLossProbe() && this.timer === undefined) this.arm();
  }

  /**
   * Arms the tail loss probe in place of the retransmission timer, when Linux would
   * (tcp-loss-probe.ts): a synchronized connection with SACK and an RTT sample, not
   * recovering from a timeout, not probed already in this flight.
   */
  private scheduleLossProbe(): boolean {
    const synchronized = this.state !== 'syn-sent' && this.state !== 'syn-recv';
    if (
      !synchronized ||
      !this.sackOk ||
      this.srttNs === 0 ||
      this.retries > 0 ||
      this.probed ||
      this.unacked.length === 0
    )
      return false;
    if (this.timer !== undefined) this.stack.ns.sim.cancel(this.timer);
    this.timer = this.stack.ns.sim.schedule(
      probeTimeoutNs(this.srttNs, this.unacked.length, this.rtoNs),
      this,
      EV_LOSS_PROBE,
    );
    return true;
  }

  /** tcp_send_loss_probe: the last segment once more, then the RTO from now (tcp_rearm_rto). */
  private sendLossProbe(): void {
    const tail = this.unacked[this.unacked.length - 1];
    if (tail === undefined || this.state === 'closed') return;
    this.probed = true;
    tail.retransmitted = true;
    this.emit(tail);
    this.arm();
  }

  private emit(seg: Segment): void {
    const syn = (seg.flags & TCP_SYN) !== 0;
    if (seg.flags & TCP_ACK) this.cancelDelayedAck();
    this.stack.output(this, seg.flags, seg.seq, seg.flags & TCP_ACK ? this.rcvNxt : 0, seg.data, syn);
  }

  /**
   * A retransmitted SYN while this side is in SYN-RECV: the SYN-ACK goes again at once
   * (tcp_check_req -> inet_rtx_syn_ack), without touching the retransmission timer.
   */
  resendSynAck(): void {
    const first = this.unacked[0];
    if (first === undefined || !(first.flags & TCP_SYN)) return;
    first.retransmitted = true;
    this.txHash = this.stack.newTxHash(); // tcp_rtx_synack, with net.core.txrehash on
    this.emit(first);
  }

  /** Sends a bare ACK, reporting a duplicate segment with a D-SACK block when SACK is on. */
  ack(dsack?: { left: number; right: number }): void {
    this.cancelDelayedAck();
    this.stack.output(this, TCP_ACK, this.sndNxt, this.rcvNxt, EMPTY, false, this.sackOk ? dsack : undefined);
  }

  private delack?: number;

  /**
   * Acknowledges later (the delayed-ACK timer), so that a segment this side sends
   * meanwhile carries the ACK instead. Linux does this for a FIN that moves a connection
   * to CLOSE-WAIT: an application that closes at once sends FIN and ACK in one segment.
   */
  ackLater(): void {
    if (this.delack === undefined) this.delack = this.stack.ns.sim.schedule(TCP_DELACK_MIN_NS, this, EV_DELACK);
  }

  private cancelDelayedAck(): void {
    if (this.delack !== undefined) this.stack.ns.sim.cancel(this.delack);
    delete this.delack;
  }

  private arm(): void {
    this.timer = this.stack.ns.sim.schedule(this.rtoNs, this, EV_RETRANSMIT);
  }

  /** The retransmission timer (tcp_retransmit_timer), or the end of TIME-WAIT. */
  handleEvent(kind: number): void {
    if (kind === EV_DELACK) {
      delete this.delack;
      return this.state === 'closed' ? undefined : this.ack();
    }
    delete this.timer;
    if (kind === EV_TIMEWAIT) return this.finish();
    if (kind === EV_LOSS_PROBE) return this.sendLossProbe();
    const first = this.unacked[0];
    if (first === undefined || this.state === 'closed') return;
    const limit =
      this.state === 'syn-sent' ? TCP_SYN_RETRIES : this.state === 'syn-recv' ? TCP_SYNACK_RETRIES : TCP_RETRIES2;
    if (this.retries >= limit) return this.fail('ETIMEDOUT');
    this.retries++;
    first.retransmitted = true;
    this.txHash = this.stack.newTxHash(); // tcp_write_timeout -> sk_rethink_txhash
    this.emit(first);
    // tcp_retransmit_timer: an active open keeps its initial RTO for the first
    // tcp_syn_linear_timeouts retransmissions, then backs off exponentially.
    const linear = this.state === 'syn-sent' && this.retries <= this.stack.ns.sysctl.tcpSynLinearTimeouts;
    if (!linear) this.rtoNs = Math.min(this.rtoNs * 2, TCP_RTO_MAX_NS);
    this.arm();
  }

  /** An ACK covered sequence space up to `ack`: forget what it covers, sample the RTT, restart the timer. */
  acked(ack: number): void {
    const now = this.stack.ns.sim.now;
    while (this.unacked.length > 0) {
      const s = this.unacked[0] as Segment;
      const end = seqAdd(s.seq, s.data.length + (s.flags & (TCP_SYN | TCP_FIN) ? 1 : 0));
      if (seqLt(ack, end)) break;
      this.unacked.shift();
      if (!s.retransmitted) this.sampleRtt(now - s.sentNs); // Karn's algorithm
    }
    this.sndUna = ack;
    this.retries = 0;
    this.probed = false;
    // New data acknowledged: the backoff ends (tcp_ack resets icsk_backoff); without an
    // RTT sample yet, Linux falls back to 3 s rather than keep a backed-off RTO.
    if (this.srttNs === 0) this.rtoNs = TCP_TIMEOUT_FALLBACK_NS;
    else this.rtoNs = Math.min(TCP_RTO_MAX_NS, this.srttNs + Math.max(2 * this.srttNs, TCP_RTO_MIN_NS));
    if (this.timer !== undefined) this.stack.ns.sim.cancel(this.timer);
    delete this.timer;
    // tcp_set_xmit_timer: a probe if one may go, else the RTO, while data is out.
    if (this.unacked.length > 0 && !this.scheduleLossProbe()) this.arm();
  }

  private sampleRtt(rtt: number): void {
    this.srttNs = this.srttNs === 0 ? rtt : Math.round((7 * this.srttNs + rtt) / 8);
    this.rtoNs = Math.min(TCP_RTO_MAX_NS, this.srttNs + Math.max(2 * this.srttNs, TCP_RTO_MIN_NS));
  }

  /**
   * Both FINs are acknowledged and ours was the active close: wait, answering a lost last ACK's
   * retransmitted FIN (RFC 9293 3.6).
   */
  timeWait(): void {
    if (this.timer !== undefined) this.stack.ns.sim.cancel(this.timer);
    this.unacked.length = 0;
    this.state = 'time-wait';
    this.timer = this.stack.ns.sim.schedule(TCP_TIMEWAIT_NS, this, EV_TIMEWAIT);
  }

  /** The connection failed: tell the application, forget it. */
  fail(err: TcpError): void {
    const h = this.handler;
    this.finish();
    h.onError?.(this, err);
  }

  finish(): void {
    this.cancelDelayedAck();
    if (this.timer !== undefined) this.stack.ns.sim.cancel(this.timer);
    delete this.timer;
    this.state = 'closed';
    this.unacked.length = 0;
    this.stack.forget(this);
  }
}

export function connKey(local: number, lport: number, remote: number, rport: number): string {
  return `${local}:${lport}>${remote}:${rport}`;
}

/** Listeners, connections and the segment demultiplexer of one namespace. */
export class TcpStack {
  /** Listeners by port, then by local address (0: INADDR_ANY). */
  private readonly listeners = new Map<number, Map<number, (c: TcpConnection) => TcpHandler>>();
  private readonly conns = new Map<string, TcpConnection>();
  /**
   * Connections that closed, with the instant they did. A segment for one arriving at
   * that same instant is dropped, not answered with a reset: packets that arrive
   * together are taken in parallel by the kernel's CPUs, and the one that finds the
   * socket busy waits in its backlog until the socket has closed, where
   * tcp_rcv_state_process discards it (TCP_CLOSE). Measured: a duplicated final ACK
   * draws no reset on the emulator.
   */
  private readonly closedNow = new Map<string, number>();

  /** Its own stream, so that drawing hashes moves no port or sequence number. */
  private readonly hashRng: Rng;

  constructor(readonly ns: NetNamespace) {
    this.hashRng = ns.rng.fork('txhash');
  }

  /** sk_set_txhash: a random nonzero hash (net_tx_rndhash). */
  newTxHash(): number {
    return this.hashRng.int(1, 0xffffffff) >>> 0;
  }

  /**
   * Listens on a port, on one local address or all (0); `accept` gives each new
   * connection its handler. A connection goes to the listener bound to its destination
   * address before the one bound to all (inet_lhash2_lookup scores an exact match
   * higher).
   */
  listen(port: number, accept: (c: TcpConnection) => TcpHandler, addr = 0): void {
    const byAddr =
      this.listeners.get(port) ??
      (this.listeners.set(port, new Map()).get(port) as Map<number, (c: TcpConnection) => TcpHandler>);
    if (byAddr.has(addr))
      throw new Error(`tcp port ${port} is already listened on for that address in ${this.ns.id} (EADDRINUSE)`);
    byAddr.set(addr, accept);
  }

  private listener(addr: number, port: number): ((c: TcpConnection) => TcpHandler) | undefined {
    const byAddr = this.listeners.get(port);
    return byAddr?.get(addr) ?? byAddr?.get(0);
  }

  /** Opens a connection (connect(2)); errors come to the handler. */
  connect(dst: number, dport: number, handler: TcpHandler, flow: FlowId): TcpConnection | { errno: 'ENETUNREACH' } {
    const src = this.ns.sockets.sourceTo(dst);
    if (src === undefined) return { errno: 'ENETUNREACH' };
    const lport = this.ns.sockets.ephemeralPort((p) => this.conns.has(connKey(src, p, dst, dport)));
    const c = new TcpConnection(this, src, lport, dst, dport, handler, flow, 'syn-sent');
    this.conns.set(c.key, c);
    c.transmit(TCP_SYN, EMPTY);
    return c;
  }

  forget(c: TcpConnection): void {
    if (this.conns.get(c.key) !== c) return;
    this.conns.delete(c.key);
    if (this.closedNow.size > 1024) this.closedNow.clear();
    this.closedNow.set(c.key, this.ns.sim.now);
  }

  /** Builds and sends one segment of `c`. */
  output(
    c: TcpConnection,
    flags: number,
    seq: number,
    ack: number,
    data: Uint8Array,
    syn: boolean,
    dsack?: { left: number; right: number },
  ): void {
    const mss = syn ? this.advertisedMss(c.remote) : undefined;
    const timestamps = { val: (Math.floor(this.ns.sim.now / 1e6) + c.tsOffset) >>> 0, ecr: c.tsRecent };
    // A Linux SYN offers SACK, timestamps and window scaling; once both SYNs carried
    // timestamps every segment does (as NOP, NOP, TS: tcp_options_write).
    const sackBlocks = dsack === undefined ? undefined : [dsack];
    const options = syn
      ? linuxTcpOptions({ sackPermitted: true, timestamps, wscale: TCP_WSCALE })
      : c.tsOk || sackBlocks !== undefined
        ? linuxTcpOptions({ ...(c.tsOk && { timestamps }), ...(sackBlocks && { sackBlocks }) })
        : undefined;
    const frame = new SkBuff(
      buildTcpFrame({
        srcMac: 0,
        dstMac: 0,
        src: c.local,
        dst: c.remote,
        id: this.ns.nextIpId(),
        df: true,
        srcPort: c.lport,
        dstPort: c.rport,
        seq,
        ack,
        flags,
        window: syn ? TCP_SYN_WINDOW : 502,
        ...(mss !== undefined && { mss }),
        ...(options && { options }),
        payload: data,
      }),
      c.flow,
    );
    frame.setHash(c.txHash);
    if (c.pendingConfirm) {
      c.pendingConfirm = false;
      frame.pendingConfirm = true;
    }
    const err = ipOutput(this.ns, frame);
    // tcp_connect ignores a SYN that netfilter dropped (EPERM): the SYN timer retries it.
    if (err !== undefined && err.errno !== 'EPERM' && c.state === 'syn-sent') c.fail(err.errno);
  }

  /**
   * MSS we announce: the route's MTU minus 40 bytes of IPv4 and TCP headers, and for a
   * local destination loopback's (ipv4_default_advmss caps it at IPV4_MAX_PMTU - 40,
   * 65495). The route is the one connect() chose: a DNAT in OUTPUT that sends the SYN
   * elsewhere does not change it.
   */
  private advertisedMss(dst: number): number {
    if (this.ns.isLocal(dst)) return Math.min(this.ns.lo.mtu - 40, IPV4_MAX_ADVMSS);
    const r = this.ns.routes.lookup(dst);
    const dev = r === undefined ? this.ns.lo : (this.ns.devices.get(r.dev) ?? this.ns.lo);
    return Math.min(dev.mtu - 40, IPV4_MAX_ADVMSS);
  }

  /** A segment for this host (tcp_v4_rcv). */
  input(dev: NetDevice, skb: SkBuff, l4: number): void {
    const frame = skb.data;
    const ip = ETH_HEADER_LEN;
    const src = ipv4Src(frame, ip);
    const dst = ipv4Dst(frame, ip);
    const len = ip + ipv4TotalLen(frame, ip) - l4;
    // Not verified, as for UDP: Linux trusts checksums of packets that crossed veth.
    if (len < 20) return this.ns.dropFrame(skb, 'malformed', dev.name);
    const sport = tcpSrcPort(frame, l4);
    const dport = tcpDstPort(frame, l4);
    const c = this.conns.get(connKey(dst, dport, src, sport));
    const seg = {
      flags: tcpFlags(frame, l4),
      seq: tcpSeq(frame, l4),
      ack: tcpAck(frame, l4),
      mss: tcpMss(frame, l4),
      ts: tcpTimestamps(frame, l4),
      sackPermitted: (tcpFlags(frame, l4) & TCP_SYN) !== 0 && tcpSackPermitted(frame, l4),
      data: frame.subarray(l4 + tcpHeaderLen(frame, l4), l4 + len),
    };
    if (c !== undefined) {
      if (this.ns.trace.tracing) this.ns.step(skb, dev, 'deliver', `TCP segment for a connection in ${c.state}`);
      return segmentArrives(c, seg);
    }
    if (this.closedNow.get(connKey(dst, dport, src, sport)) === this.ns.sim.now) {
      if (this.ns.trace.tracing)
        this.ns.step(
          skb,
          dev,
          'tcp',
          'segment for a connection that closed at this instant: discarded from its backlog',
        );
      return;
    }
    const accept = this.listener(dst, dport);
    if (accept !== undefined && (seg.flags & (TCP_SYN | TCP_ACK | TCP_RST)) === TCP_SYN)
      return this.passiveOpen(dst, dport, src, sport, seg, accept, skb);
    if (seg.flags & TCP_RST) return;
    this.ns.dropFrame(skb, 'no-listener', dev.name);
    this.reset(dst, dport, src, sport, seg, skb);
  }

  private passiveOpen(
    local: number,
    lport: number,
    remote: number,
    rport: number,
    seg: SegmentIn,
    accept: (c: TcpConnection) => TcpHandler,
    frame: SkBuff,
  ): void {
    const c = new TcpConnection(this, local, lport, remote, rport, {}, this.ns.trace.flowOf(frame), 'syn-recv');
    if (seg.mss > 0) c.peerMss = seg.mss;
    c.rcvNxt = seqAdd(seg.seq, 1);
    if (seg.ts !== undefined) {
      c.tsOk = true;
      c.tsRecent = seg.ts.val;
    }
    c.sackOk = seg.sackPermitted;
    c.handler = accept(c);
    this.conns.set(c.key, c);
    if (this.ns.trace.tracing) this.ns.step(frame, undefined, 'deliver', `SYN to listening port ${lport}: SYN-ACK`);
    c.transmit(TCP_SYN | TCP_ACK, EMPTY);
  }

  /** tcp_v4_send_reset: RST for a segment nobody wants. */
  private reset(local: number, lport: number, remote: number, rport: number, seg: SegmentIn, cause: SkBuff): void {
    const withAck = (seg.flags & TCP_ACK) === 0;
    const seq = withAck ? 0 : seg.ack;
    const ack = withAck
      ? seqAdd(seg.seq, seg.data.length + (seg.flags & TCP_SYN ? 1 : 0) + (seg.flags & TCP_FIN ? 1 : 0))
      : 0;
    const frame = new SkBuff(
      buildTcpFrame({
        srcMac: 0,
        dstMac: 0,
        src: local,
        dst: remote,
        id: 0,
        df: true,
        srcPort: lport,
        dstPort: rport,
        seq,
        ack,
        flags: TCP_RST | (withAck ? TCP_ACK : 0),
        window: 0,
      }),
      cause.flow,
    );
    if (this.ns.trace.tracing) this.ns.step(cause, undefined, 'tcp', `no listener on port ${lport}: RST`);
    ipOutput(this.ns, frame);
  }

  /** An ICMP error about one of our segments (tcp_v4_err). */
  icmpError(info: IcmpErrorInfo, qhl: number): void {
    const q = info.quoted;
    const c = this.conns.get(connKey(ipv4Src(q, 0), tcpSrcPort(q, qhl), ipv4Dst(q, 0), tcpDstPort(q, qhl)));
    if (c === undefined || c.state !== 'syn-sent') return;
    if (info.type === 'dest-unreachable' && info.code === 4) return;
    // Measured on Linux 6.18: a connect whose SYNs wait for a next hop that never answers
    // ARP (a pulled cable, a missing host on the link) times out; the host unreachable
    // the stack then reports to itself does not abort it, though a ping socket gets it.
    if (this.ns.isLocal(info.from)) return;
    const hard = info.type === 'dest-unreachable' && (info.code === 2 || info.code === 3);
    c.fail(
      hard ? 'ECONNREFUSED' : info.type === 'dest-unreachable' && info.code === 0 ? 'ENETUNREACH' : 'EHOSTUNREACH',
    );
  }
}

interface SegmentIn {
  ts: { val: number; ecr: number } | undefined;
  sackPermitted: boolean;
  flags: number;
  seq: number;
  ack: number;
  mss: number;
  data: Uint8Array;
}

/** The state machine for a segment of an existing connection (tcp_rcv_state_process). */
function segmentArrives(c: TcpConnection, s: SegmentIn): void {
  if (c.state === 'time-wait') return s.flags & TCP_FIN ? c.ack() : undefined;
  if (s.ts !== undefined && c.tsOk) c.tsRecent = s.ts.val;
  if (s.flags & TCP_RST) return c.fail(c.state === 'syn-sent' ? 'ECONNREFUSED' : 'ECONNRESET');
  if (c.state === 'syn-recv' && (s.flags & (TCP_SYN | TCP_ACK)) === TCP_SYN && seqAdd(s.seq, 1) === c.rcvNxt)
    return c.resendSynAck();
  // A SYN on a synchronized connection (a duplicate SYN-ACK, say) earns a challenge
  // ACK (RFC 5961 4.2, tcp_validate_incoming), not a state change.
  if (c.state !== 'syn-sent' && c.state !== 'syn-recv' && s.flags & TCP_SYN) return c.ack();
  if (c.state === 'syn-sent') {
    if ((s.flags & (TCP_SYN | TCP_ACK)) !== (TCP_SYN | TCP_ACK) || s.ack !== c.sndNxt) return;
    if (s.mss > 0) c.peerMss = s.mss;
    c.rcvNxt = seqAdd(s.seq, 1);
    c.tsOk = s.ts !== undefined;
    c.sackOk = s.sackPermitted;
    if (s.ts !== undefined) c.tsRecent = s.ts.val;
    c.acked(s.ack);
    c.pendingConfirm = true;
    c.state = 'established';
    c.ack();
    return c.handler.onConnected?.(c);
  }
  if (s.flags & TCP_ACK && seqLt(c.sndUna, s.ack) && !seqLt(c.sndNxt, s.ack)) {
    c.acked(s.ack);
    c.pendingConfirm = true; // tcp_ack: FLAG_FORWARD_PROGRESS -> sk_dst_confirm
    if (c.state === 'syn-recv') {
      c.state = 'established';
      c.handler.onConnected?.(c);
    }
    if (c.sndUna === c.sndNxt) afterOurFinAcked(c);
  }
  if (c.state === 'closed') return;
  receiveData(c, s);
}

function afterOurFinAcked(c: TcpConnection): void {
  if (c.state === 'fin-wait-1') c.state = 'fin-wait-2';
  else if (c.state === 'closing') c.timeWait();
  else if (c.state === 'last-ack') c.finish();
}

function receiveData(c: TcpConnection, s: SegmentIn): void {
  const fin = (s.flags & TCP_FIN) !== 0;
  if (s.data.length === 0 && !fin) return;
  if (s.seq !== c.rcvNxt) {
    // Out of order or a duplicate: say where we are; a segment wholly received before
    // is reported as such (tcp_send_dupack -> tcp_dsack_set).
    const end = seqAdd(s.seq, s.data.length);
    const dup = s.data.length > 0 && !seqLt(c.rcvNxt, end);
    return c.ack(dup ? { left: s.seq, right: end } : undefined);
  }
  c.rcvNxt = seqAdd(c.rcvNxt, s.data.length + (fin ? 1 : 0));
  if (fin && s.data.length === 0 && c.state === 'established') c.ackLater();
  else c.ack();
  if (s.data.length > 0) c.handler.onData?.(c, s.data);
  if (!fin || c.state === 'closed') return;
  if (c.state === 'established') c.state = 'close-wait';
  else if (c.state === 'fin-wait-1') c.state = 'closing';
  else if (c.state === 'fin-wait-2') c.timeWait();
  // read() returns end of stream whether or not this side has shut down its own
  // writing: a relay that half-closed one way still learns the other way ended.
  c.handler.onEof?.(c);
}
