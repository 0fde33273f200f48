/**
 * Builders of complete Ethernet frames in one allocation, with every checksum right:
 * what the simulator sends. Each writes the payload first and then the headers inside
 * out, so the transport checksum covers bytes already in place.
 *
 * IPv4 defaults: TTL 64 (Linux `ip_default_ttl`), id 0, DF clear, TOS 0; ICMP errors
 * default to TOS 0xc0 as Linux sends them. Frames are not padded to 60 bytes, like veth.
 * MACs may be colon strings or 48-bit numbers (numbers skip string parsing on the hot
 * path). Not modelled: IP options, fragmentation (a fragmenter would slice datagrams
 * these builders make), 802.1Q.
 */
import type { Ipv4 } from '../addr.js';
import { ARP_LEN, ARP_OP_REPLY, ARP_OP_REQUEST, emitArp } from './arp.js';
import { ETH_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, setEthEthertype } from './ethernet.js';
import { emitIcmp, ICMP_ERROR_TOS, ICMP_HEADER_LEN, icmpQuoteLen, type IcmpRepr } from './icmpv4.js';
import { DEFAULT_TTL, emitIpv4, IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, IPV4_HEADER_LEN, NO_OPTIONS } from './ipv4.js';
import { MAC_BROADCAST, MAC_ZERO, macFromNum, writeMac, type MacLike } from './mac.js';
import { emitTcp, tcpHeaderLenOf, type TcpRepr } from './tcp.js';
import { emitUdp, UDP_HEADER_LEN } from './udp.js';
import { emitVxlan, VXLAN_HEADER_LEN, VXLAN_PORT } from './vxlan.js';
import { allocFrame } from './alloc.js';
import { writeU16 } from './bytes.js';
import { foldSum, onesSum, pseudoHeaderSum, udpWireChecksum } from './checksum.js';

/** Link and IPv4 header fields shared by every IPv4 frame builder. */
export interface Ipv4FrameSpec {
  readonly srcMac: MacLike;
  readonly dstMac: MacLike;
  readonly src: Ipv4;
  readonly dst: Ipv4;
  /** Default 64 (Linux `ip_default_ttl`). */
  readonly ttl?: number;
  /** Default 0. */
  readonly id?: number;
  /** Default false. */
  readonly df?: boolean;
  /** Default 0 (0xc0 for ICMP errors). */
  readonly tos?: number;
}

const EMPTY = new Uint8Array(0);

/** Where the transport header starts in a built frame: after Ethernet and an option-less IPv4 header. */
const L4 = ETH_HEADER_LEN + IPV4_HEADER_LEN;

/** Allocates a frame and writes its Ethernet and IPv4 headers; the transport header goes at L4. */
function ipv4Frame(spec: Ipv4FrameSpec, protocol: number, l4Len: number, tos: number): Uint8Array {
  const buf = allocFrame(L4 + l4Len);
  writeMac(buf, 0, spec.dstMac);
  writeMac(buf, 6, spec.srcMac);
  setEthEthertype(buf, 0, ETHERTYPE_IPV4);
  emitIpv4(
    {
      src: spec.src,
      dst: spec.dst,
      protocol,
      ttl: spec.ttl ?? DEFAULT_TTL,
      id: spec.id ?? 0,
      tos: spec.tos ?? tos,
      df: spec.df ?? false,
      mf: false,
      fragOffset: 0,
      options: NO_OPTIONS,
      payloadLen: l4Len,
    },
    buf,
    ETH_HEADER_LEN,
  );
  return buf;
}

/** A UDP datagram's ports, payload and checksum choice. */
export interface UdpFrameSpec extends Ipv4FrameSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload?: Uint8Array;
  /** Send a zero checksum ("none", RFC 768), as Linux VXLAN does with `noudpcsum`. */
  readonly noChecksum?: boolean;
  /**
   * `onesSum(payload, 0, payload.length)`, when the caller sends the same payload again
   * and again (a traffic generator): the checksum then needs only the header words.
   */
  readonly payloadSum?: number | undefined;
}

/** Builds an Ethernet/IPv4/UDP frame. */
export function buildUdpFrame(spec: UdpFrameSpec): Uint8Array {
  const payload = spec.payload ?? EMPTY;
  const buf = ipv4Frame(spec, IPPROTO_UDP, UDP_HEADER_LEN + payload.length, 0);
  buf.set(payload, L4 + UDP_HEADER_LEN);
  const udp = {
    srcPort: spec.srcPort,
    dstPort: spec.dstPort,
    payloadLen: payload.length,
    noChecksum: spec.noChecksum ?? false,
  };
  if (spec.payloadSum === undefined || udp.noChecksum) emitUdp(udp, buf, L4, spec.src, spec.dst);
  else emitUdpWithPayloadSum(buf, spec, payload.length, spec.payloadSum);
  return buf;
}

/** The UDP header, its checksum from the header words and the payload's known sum. */
function emitUdpWithPayloadSum(buf: Uint8Array, spec: UdpFrameSpec, payloadLen: number, payloadSum: number): void {
  const len = UDP_HEADER_LEN + payloadLen;
  writeU16(buf, L4, spec.srcPort);
  writeU16(buf, L4 + 2, spec.dstPort);
  writeU16(buf, L4 + 4, len);
  writeU16(buf, L4 + 6, 0);
  const sum = onesSum(buf, L4, UDP_HEADER_LEN, pseudoHeaderSum(spec.src, spec.dst, IPPROTO_UDP, len) + payloadSum);
  writeU16(buf, L4 + 6, udpWireChecksum(~foldSum(sum) & 0xffff));
}

/** A VXLAN packet: UDP fields (destination port default 4789) and the inner frame. */
export interface VxlanFrameSpec extends Omit<UdpFrameSpec, 'payload' | 'dstPort'> {
  readonly dstPort?: number;
  readonly vni: number;
  readonly inner: Uint8Array;
}

/** Builds an Ethernet/IPv4/UDP/VXLAN frame around an inner Ethernet frame (RFC 7348). */
export function buildVxlanFrame(spec: VxlanFrameSpec): Uint8Array {
  const payloadLen = VXLAN_HEADER_LEN + spec.inner.length;
  const buf = ipv4Frame(spec, IPPROTO_UDP, UDP_HEADER_LEN + payloadLen, 0);
  const p = L4 + UDP_HEADER_LEN;
  emitVxlan({ vni: spec.vni }, buf, p);
  buf.set(spec.inner, p + VXLAN_HEADER_LEN);
  const udp = {
    srcPort: spec.srcPort,
    dstPort: spec.dstPort ?? VXLAN_PORT,
    payloadLen,
    noChecksum: spec.noChecksum ?? false,
  };
  emitUdp(udp, buf, L4, spec.src, spec.dst);
  return buf;
}

/** An ICMP echo request (default) or reply. */
export interface IcmpEchoFrameSpec extends Ipv4FrameSpec {
  readonly reply?: boolean;
  readonly echoId: number;
  readonly seq: number;
  readonly data?: Uint8Array;
}

/** Builds an Ethernet/IPv4/ICMP echo frame. */
export function buildIcmpEchoFrame(spec: IcmpEchoFrameSpec): Uint8Array {
  const icmp: IcmpRepr = {
    kind: spec.reply === true ? 'echo-reply' : 'echo-request',
    id: spec.echoId,
    seq: spec.seq,
    data: spec.data ?? EMPTY,
  };
  return icmpFrame(spec, icmp, 0);
}

/** An ICMP error about `original`, the offending IPv4 datagram from its header on. */
export interface IcmpErrorFrameSpec extends Ipv4FrameSpec {
  readonly kind: 'dest-unreachable' | 'time-exceeded';
  readonly code: number;
  /** The next-hop MTU of a fragmentation-needed error (RFC 1191). */
  readonly nextHopMtu?: number;
  readonly original: Uint8Array;
}

/** Builds an ICMP error quoting as much of `original` as fits in 576 bytes (RFC 1812 §4.3.2.3). */
export function buildIcmpErrorFrame(spec: IcmpErrorFrameSpec): Uint8Array {
  const quoted = spec.original.subarray(0, icmpQuoteLen(spec.original.length));
  const icmp: IcmpRepr =
    spec.kind === 'time-exceeded'
      ? { kind: 'time-exceeded', code: spec.code, quoted }
      : { kind: 'dest-unreachable', code: spec.code, nextHopMtu: spec.nextHopMtu ?? 0, quoted };
  return icmpFrame(spec, icmp, ICMP_ERROR_TOS);
}

function icmpFrame(spec: Ipv4FrameSpec, icmp: IcmpRepr, tos: number): Uint8Array {
  const body = 'data' in icmp ? icmp.data : icmp.quoted;
  const buf = ipv4Frame(spec, IPPROTO_ICMP, ICMP_HEADER_LEN + body.length, tos);
  emitIcmp(icmp, buf, L4);
  return buf;
}

/** A TCP segment: header fields, the MSS option, other option bytes and data. */
export interface TcpFrameSpec extends Ipv4FrameSpec {
  readonly srcPort: number;
  readonly dstPort: number;
  readonly seq: number;
  readonly ack?: number;
  readonly flags: number;
  readonly window: number;
  readonly mss?: number;
  /** Option bytes after MSS, e.g. from linuxTcpOptions. */
  readonly options?: Uint8Array;
  readonly payload?: Uint8Array;
}

/** Builds an Ethernet/IPv4/TCP frame. */
export function buildTcpFrame(spec: TcpFrameSpec): Uint8Array {
  const payload = spec.payload ?? EMPTY;
  const base = {
    srcPort: spec.srcPort,
    dstPort: spec.dstPort,
    seq: spec.seq,
    ack: spec.ack ?? 0,
    flags: spec.flags,
    window: spec.window,
    urgent: 0,
  };
  const tail = { options: spec.options ?? EMPTY, payloadLen: payload.length };
  const tcp: TcpRepr = { ...base, mss: spec.mss, ...tail };
  const hl = tcpHeaderLenOf(tcp);
  const buf = ipv4Frame(spec, IPPROTO_TCP, hl + payload.length, 0);
  buf.set(payload, L4 + hl);
  emitTcp(tcp, buf, L4, spec.src, spec.dst);
  return buf;
}

/** An Ethernet/IPv4 ARP packet; link addresses default from the ARP ones. */
export interface ArpFrameSpec {
  readonly op: 'request' | 'reply';
  readonly senderMac: MacLike;
  readonly senderIp: Ipv4;
  /** Default: 00:00:00:00:00:00 in a request, as Linux sends it. */
  readonly targetMac?: MacLike;
  readonly targetIp: Ipv4;
  /** Default: the sender MAC. */
  readonly srcMac?: MacLike;
  /** Default: broadcast for a request, the target MAC for a reply. */
  readonly dstMac?: MacLike;
}

function macString(m: MacLike): string {
  return typeof m === 'number' ? macFromNum(m) : m;
}

/** Builds an ARP request or reply frame (RFC 826). */
export function buildArpFrame(spec: ArpFrameSpec): Uint8Array {
  const request = spec.op === 'request';
  const targetMac = spec.targetMac ?? MAC_ZERO;
  const buf = new Uint8Array(ETH_HEADER_LEN + ARP_LEN);
  writeMac(buf, 0, spec.dstMac ?? (request ? MAC_BROADCAST : targetMac));
  writeMac(buf, 6, spec.srcMac ?? spec.senderMac);
  setEthEthertype(buf, 0, ETHERTYPE_ARP);
  const arp = {
    op: request ? ARP_OP_REQUEST : ARP_OP_REPLY,
    senderMac: macString(spec.senderMac),
    senderIp: spec.senderIp,
    targetMac: macString(targetMac),
    targetIp: spec.targetIp,
  };
  emitArp(arp, buf, ETH_HEADER_LEN);
  return buf;
}
