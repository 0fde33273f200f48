/**
 * The socket layer of a namespace: UDP sockets by local port, ping sockets by echo
 * identifier, and TCP (listeners and connections, in `tcp.ts`). It demultiplexes
 * arriving datagrams and ICMP errors to their socket, allocates ephemeral ports from
 * ip_local_port_range (32768-60999, ip-sysctl.rst) at a random start as Linux does, and
 * answers datagrams for closed UDP ports with ICMP port unreachable.
 *
 * Sockets are handler objects; there are no file descriptors or blocking calls, since
 * every application in the simulator is an event handler.
 */
import { EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST } from '../../core/linux-defaults.js';
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { buildIcmpEchoFrame, buildUdpFrame } from '../../core/wire/frame.js';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  IPV4_HEADER_LEN,
  ipv4Dst,
  ipv4HeaderLen,
  ipv4Protocol,
  ipv4Src,
  ipv4TotalLen,
  ipv4Ttl,
} from '../../core/wire/ipv4.js';
import { ICMP_HEADER_LEN, icmpEchoId, icmpEchoSeq } from '../../core/wire/icmpv4.js';
import { UDP_HEADER_LEN, udpDstPort, udpSrcPort } from '../../core/wire/udp.js';
import type { NetDevice } from '../net/device.js';
import type { FlowId } from '../trace.js';
import type { IcmpErrorInfo } from './icmp.js';
import { icmpSendError } from './icmp.js';
import type { NetNamespace } from './namespace.js';
import { ipOutput, pathMtu, routeOut, type OutRoute, type SendError } from './output.js';
import { SkBuff } from '../skb.js';
import { TcpStack } from './tcp.js';

export const EPHEMERAL_FIRST = EPHEMERAL_PORT_FIRST;
export const EPHEMERAL_LAST = EPHEMERAL_PORT_LAST;

/** What a UDP socket hears. */
export interface UdpHandler {
  onDatagram(from: number, fromPort: number, to: number, payload: Uint8Array, ttl: number, skb: SkBuff): void;
  onIcmpError?(info: IcmpErrorInfo): void;
}

/** What a ping socket hears. */
export interface PingHandler {
  onReply(seq: number, from: number, ttl: number, data: Uint8Array, skb: SkBuff): void;
  onIcmpError(info: IcmpErrorInfo, seq: number): void;
}

export class Sockets {
  /** UDP sockets by local port, then by local address (0: INADDR_ANY). */
  private readonly udp = new Map<number, Map<number, UdpHandler>>();
  private readonly ping = new Map<number, PingHandler>();
  /** The transmit hash of each connected UDP socket, by local port (SkBuff.hash). */
  private readonly udpTxHash = new Map<number, number>();
  /** The peer of each UDP socket connected to one, by local port. */
  private readonly udpPeer = new Map<number, { addr: number; port: number }>();
  readonly tcp: TcpStack;

  constructor(private readonly ns: NetNamespace) {
    this.tcp = new TcpStack(ns);
  }

  /** A free local port from the ephemeral range, for `inUse` of a protocol. */
  ephemeralPort(inUse: (port: number) => boolean): number {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    const start = this.ns.rng.int(0, span - 1);
    for (let i = 0; i < span; i++) {
      const p = EPHEMERAL_FIRST + ((start + i) % span);
      if (!inUse(p)) return p;
    }
    throw new Error(`no free ephemeral port in namespace ${this.ns.id}`);
  }

  /** Binds a UDP port (0: an ephemeral one) on one local address or all (0); returns the port. */
  bindUdp(port: number, h: UdpHandler, addr = 0): number {
    const p = port === 0 ? this.ephemeralPort((x) => this.udp.has(x)) : port;
    const byAddr = this.udp.get(p) ?? (this.udp.set(p, new Map()).get(p) as Map<number, UdpHandler>);
    if (byAddr.has(addr) || (addr === 0 && byAddr.size > 0) || byAddr.has(0))
      throw new Error(`udp port ${p} already bound in ${this.ns.id} (EADDRINUSE)`);
    byAddr.set(addr, h);
    return p;
  }

  /**
   * connect() on a bound UDP socket: it gets a transmit hash (ip4_datagram_connect ->
   * sk_set_txhash) that every datagram it sends carries, and, given a peer, hears only
   * that peer: __udp4_lib_lookup scores a connected socket only for datagrams from its
   * peer's address and port (compute_score), so another source finds no socket and is
   * answered with port unreachable, and an ICMP error quoting another destination is
   * not its (__udp4_lib_err looks it up the same way).
   */
  connectUdp(port: number, peer?: { addr: number; port: number }): void {
    this.udpTxHash.set(port, this.tcp.newTxHash());
    if (peer !== undefined) this.udpPeer.set(port, peer);
  }

  closeUdp(port: number, addr = 0): void {
    this.udpTxHash.delete(port);
    this.udpPeer.delete(port);
    const byAddr = this.udp.get(port);
    byAddr?.delete(addr);
    if (byAddr?.size === 0) this.udp.delete(port);
  }

  /**
   * The socket a datagram from `fromAddr:fromPort` to `addr:port` goes to: the one bound to
   * that address, else the wildcard one, if its peer (when connected) is the sender.
   */
  private udpSocket(addr: number, port: number, fromAddr: number, fromPort: number): UdpHandler | undefined {
    const byAddr = this.udp.get(port);
    const peer = this.udpPeer.get(port);
    if (peer !== undefined && (peer.addr !== fromAddr || peer.port !== fromPort)) return undefined;
    return byAddr?.get(addr) ?? byAddr?.get(0);
  }

  /** Sends a datagram; the source address comes from the route unless given. */
  sendUdp(
    sport: number,
    dst: number,
    dport: number,
    payload: Uint8Array,
    flow: FlowId,
    src?: number,
    payloadSum?: number,
  ): SendError | undefined {
    // udp_sendmsg looks the route up once (ip_route_output_flow) for the source address,
    // the MTU and the send.
    const route = routeOut(this.ns, dst);
    const from = src ?? this.sourceBy(route, dst);
    if (from === undefined) return { errno: 'ENETUNREACH' };
    // IP_PMTUDISC_WANT, the default of a UDP socket: DF only when the datagram fits the
    // path MTU; a larger one is fragmented, not refused (ip_sk_ignore_df in
    // __ip_append_data, and __ip_make_skb sets DF only when skb->len <= mtu).
    const mtu = route === undefined || route.local ? this.ns.lo.mtu : pathMtu(this.ns, route.dev, dst);
    const df = IPV4_HEADER_LEN + UDP_HEADER_LEN + payload.length <= mtu;
    // One object shape for every datagram (a spread of an optional field made two, and
    // a clone per call), so that the builder's property loads stay monomorphic.
    const skb = new SkBuff(
      buildUdpFrame({
        srcMac: 0,
        dstMac: 0,
        src: from,
        dst,
        id: this.ns.nextIpId(),
        df,
        srcPort: sport,
        dstPort: dport,
        payload,
        payloadSum,
      }),
      flow,
    );
    const hash = this.udpTxHash.get(sport);
    if (hash !== undefined) skb.setHash(hash);
    return ipOutput(this.ns, skb, route);
  }

  /** Binds a ping socket to an echo identifier. */
  openPing(id: number, h: PingHandler): void {
    this.ping.set(id, h);
  }

  closePing(id: number): void {
    this.ping.delete(id);
  }

  /** Sends an echo request. Linux's ping sockets set DF only with -M do (IP_PMTUDISC_DO). */
  sendEcho(
    dst: number,
    id: number,
    seq: number,
    data: Uint8Array,
    ttl: number,
    df: boolean,
    flow: FlowId,
  ): SendError | undefined {
    const src = this.sourceTo(dst);
    if (src === undefined) return { errno: 'ENETUNREACH' };
    return ipOutput(
      this.ns,
      new SkBuff(
        buildIcmpEchoFrame({ srcMac: 0, dstMac: 0, src, dst, ttl, df, id: this.ns.nextIpId(), echoId: id, seq, data }),
        flow,
      ),
    );
  }

  /** The source address for traffic to `dst`: the route's preferred source or its device's address. */
  sourceTo(dst: number): number | undefined {
    return this.sourceBy(routeOut(this.ns, dst), dst);
  }

  /** The source address for traffic to `dst` by `route` (none for a local broadcast). */
  private sourceBy(route: OutRoute | undefined, dst: number): number | undefined {
    if (route === undefined) return undefined;
    if (route.local) return this.ns.localAddress(dst) !== undefined ? dst : dst >>> 24 === 127 ? dst : undefined;
    return this.ns.sourceFor(route.dev, route.via, route.src);
  }

  /** A UDP datagram for this host (udp_rcv). */
  udpInput(dev: NetDevice, skb: SkBuff, l4: number): void {
    const ip = ETH_HEADER_LEN;
    const frame = skb.data;
    const src = ipv4Src(frame, ip);
    const dst = ipv4Dst(frame, ip);
    // The UDP checksum is not verified: Linux trusts it on veth, whose packets arrive
    // CHECKSUM_PARTIAL or CHECKSUM_UNNECESSARY (veth.c), and the simulator never corrupts one.
    if (ip + ipv4TotalLen(frame, ip) - l4 < UDP_HEADER_LEN) return this.ns.dropFrame(skb, 'malformed', dev.name);
    const h = this.udpSocket(dst, udpDstPort(frame, l4), src, udpSrcPort(frame, l4));
    if (h === undefined) {
      this.ns.dropFrame(skb, 'no-listener', dev.name);
      if (this.ns.localAddress(dst) !== undefined || dst >>> 24 === 127)
        icmpSendError(this.ns, skb, 'dest-unreachable', 3);
      return;
    }
    if (this.ns.trace.tracing) this.ns.step(skb, dev, 'deliver', `UDP to port ${udpDstPort(frame, l4)}`);
    h.onDatagram(
      src,
      udpSrcPort(frame, l4),
      dst,
      frame.subarray(l4 + UDP_HEADER_LEN, ip + ipv4TotalLen(frame, ip)),
      ipv4Ttl(frame, ip),
      skb,
    );
  }

  tcpInput(dev: NetDevice, skb: SkBuff, l4: number): void {
    this.tcp.input(dev, skb, l4);
  }

  /** An echo reply arrived for identifier `id`. */
  echoReply(skb: SkBuff, id: number, seq: number): void {
    const ip = ETH_HEADER_LEN;
    const frame = skb.data;
    const l4 = ip + ipv4HeaderLen(frame, ip);
    if (this.ns.trace.tracing) this.ns.step(skb, undefined, 'deliver', `echo reply id ${id} seq ${seq}`);
    this.ping
      .get(id)
      ?.onReply(
        seq,
        ipv4Src(frame, ip),
        ipv4Ttl(frame, ip),
        frame.subarray(l4 + ICMP_HEADER_LEN, ip + ipv4TotalLen(frame, ip)),
        skb,
      );
  }

  /** An ICMP error arrived: find the socket of the quoted datagram (icmp_unreach -> err_handler). */
  icmpError(frame: SkBuff, info: IcmpErrorInfo): void {
    const q = info.quoted;
    const qhl = ipv4HeaderLen(q, 0);
    if (this.ns.trace.tracing)
      this.ns.step(
        frame,
        undefined,
        'deliver',
        `ICMP ${info.type} code ${info.code} from ${this.ns.describe(info.from)} about a datagram to ${this.ns.describe(ipv4Dst(q, 0))}`,
      );
    switch (ipv4Protocol(q, 0)) {
      case IPPROTO_ICMP:
        return this.ping.get(icmpEchoId(q, qhl))?.onIcmpError(info, icmpEchoSeq(q, qhl));
      case IPPROTO_UDP:
        return this.udpSocket(ipv4Src(q, 0), udpSrcPort(q, qhl), ipv4Dst(q, 0), udpDstPort(q, qhl))?.onIcmpError?.(
          info,
        );
      case IPPROTO_TCP:
        return this.tcp.icmpError(info, qhl);
      default:
    }
  }
}
