/**
 * Decodes a whole Ethernet frame layer by layer, the way a capture reader would:
 * Ethernet → ARP | IPv4 → ICMP (with the datagram an error quotes) | UDP | TCP, and
 * UDP to port 4789 → VXLAN → the inner Ethernet frame, recursively.
 *
 * Never throws. Where decoding ends early, `stop` says at which layer, at which byte
 * offset of the outermost buffer and why; `malformed` tells a WireError (the simulator's
 * `drop{reason:'malformed'}`) from a layer that is simply not decoded. Bad checksums do
 * not stop decoding: each Repr reports `checksumOk`. Not modelled: reassembly (a fragment
 * stops at IPv4, its transport header unread), 802.1Q, IPv6, application payloads.
 */
import { parseArp, type ArpRepr } from './arp.js';
import { WireError, type WireLayer } from './error.js';
import { ETH_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, parseEthernet, type EthernetRepr } from './ethernet.js';
import {
  ICMP_DEST_UNREACH,
  ICMP_ECHO_REPLY,
  ICMP_ECHO_REQUEST,
  ICMP_TIME_EXCEEDED,
  parseIcmp,
  type IcmpRepr,
} from './icmpv4.js';
import {
  IPPROTO_ICMP,
  IPPROTO_TCP,
  IPPROTO_UDP,
  ipv4HeaderLen,
  parseIpv4,
  parseIpv4Header,
  type Ipv4Repr,
} from './ipv4.js';
import { parseTcp, tcpHeaderLen, type TcpRepr } from './tcp.js';
import { parseUdp, UDP_HEADER_LEN, type UdpRepr } from './udp.js';
import { parseVxlan, VXLAN_HEADER_LEN, VXLAN_PORT, type VxlanRepr } from './vxlan.js';

const ICMP_TYPES_DECODED = new Set([ICMP_ECHO_REPLY, ICMP_DEST_UNREACH, ICMP_ECHO_REQUEST, ICMP_TIME_EXCEEDED]);

/** How deep VXLAN-in-VXLAN is followed before decoding stops (a guard, not a protocol limit). */
export const MAX_VXLAN_DEPTH = 4;

/** Where and why decoding ended before the innermost layer. */
export interface DecodeStop {
  readonly layer: WireLayer;
  /** Byte offset in the outermost buffer of the layer that was not decoded. */
  readonly offset: number;
  readonly reason: string;
  /** True for malformed input (a WireError); false for a layer twinnet does not decode. */
  readonly malformed: boolean;
}

/** The header and transport identifiers of the datagram an ICMP error quotes. */
export interface QuotedDatagram {
  readonly ipv4: Ipv4Repr;
  /** UDP/TCP ports of the quoted datagram, when it is UDP or TCP. */
  readonly srcPort?: number;
  readonly dstPort?: number;
  /** Identifier and sequence number, when it is an ICMP echo. */
  readonly echoId?: number;
  readonly echoSeq?: number;
}

/** A frame decoded as far as it goes; each layer present is a parsed Repr. */
export interface DecodedFrame {
  /** Where the frame starts in the decoded buffer (non-zero for a VXLAN inner frame). */
  readonly offset: number;
  readonly length: number;
  readonly eth?: EthernetRepr;
  readonly arp?: ArpRepr;
  readonly ipv4?: Ipv4Repr;
  readonly icmp?: IcmpRepr;
  readonly quoted?: QuotedDatagram;
  readonly udp?: UdpRepr;
  readonly tcp?: TcpRepr;
  readonly vxlan?: VxlanRepr;
  /** The Ethernet frame a VXLAN packet carries; its own `stop` is its own. */
  readonly inner?: DecodedFrame;
  /** Byte offset of the UDP or TCP payload in the decoded buffer. */
  readonly payloadOffset?: number;
  /** Absent when every layer present was decoded. */
  readonly stop?: DecodeStop;
}

type Building = { -readonly [K in keyof DecodedFrame]: DecodedFrame[K] };

/** Decodes `bytes` as one Ethernet frame; never throws. */
export function decodeFrame(bytes: Uint8Array): DecodedFrame {
  return decodeAt(bytes, 0, bytes.length, 0);
}

function malformed(d: Building, err: WireError, offset: number): void {
  d.stop = { layer: err.layer, offset, reason: err.reason, malformed: true };
}

function notDecoded(d: Building, layer: WireLayer, offset: number, reason: string): void {
  d.stop = { layer, offset, reason, malformed: false };
}

function decodeAt(buf: Uint8Array, off: number, len: number, depth: number): DecodedFrame {
  const d: Building = { offset: off, length: len };
  const eth = parseEthernet(buf, off, len);
  if (eth instanceof WireError) {
    malformed(d, eth, off);
    return d;
  }
  d.eth = eth;
  const p = off + ETH_HEADER_LEN;
  const n = len - ETH_HEADER_LEN;
  if (eth.ethertype === ETHERTYPE_ARP) {
    const arp = parseArp(buf, p, n);
    if (arp instanceof WireError) malformed(d, arp, p);
    else d.arp = arp;
  } else if (eth.ethertype === ETHERTYPE_IPV4) {
    decodeIpv4(d, buf, p, n, depth);
  } else {
    notDecoded(d, 'ethernet', p, `ethertype 0x${eth.ethertype.toString(16).padStart(4, '0')} is not decoded`);
  }
  return d;
}

function decodeIpv4(d: Building, buf: Uint8Array, p: number, n: number, depth: number): void {
  const ip = parseIpv4(buf, p, n);
  if (ip instanceof WireError) return malformed(d, ip, p);
  d.ipv4 = ip;
  const l4 = p + ipv4HeaderLen(buf, p);
  if (ip.mf || ip.fragOffset > 0) {
    return notDecoded(
      d,
      'ipv4',
      l4,
      `fragment at offset ${ip.fragOffset}${ip.mf ? ', more follow' : ''}: reassembly is not modelled`,
    );
  }
  switch (ip.protocol) {
    case IPPROTO_ICMP:
      return decodeIcmp(d, buf, l4, ip.payloadLen);
    case IPPROTO_UDP:
      return decodeUdp(d, buf, l4, ip, depth);
    case IPPROTO_TCP: {
      const tcp = parseTcp(buf, l4, ip.payloadLen, ip.src, ip.dst);
      if (tcp instanceof WireError) return malformed(d, tcp, l4);
      d.tcp = tcp;
      d.payloadOffset = l4 + tcpHeaderLen(buf, l4);
      return;
    }
    default:
      return notDecoded(d, 'ipv4', l4, `protocol ${ip.protocol} is not decoded`);
  }
}

function decodeIcmp(d: Building, buf: Uint8Array, at: number, len: number): void {
  const type = len > 0 ? buf[at]! : -1;
  if (type >= 0 && !ICMP_TYPES_DECODED.has(type)) return notDecoded(d, 'icmp', at, `ICMP type ${type} is not decoded`);
  const icmp = parseIcmp(buf, at, len);
  if (icmp instanceof WireError) return malformed(d, icmp, at);
  d.icmp = icmp;
  if ('data' in icmp) return; // an echo quotes nothing
  const q = decodeQuoted(icmp.quoted);
  if (q instanceof WireError) malformed(d, new WireError('icmp', `quoted datagram: ${q.reason}`), at);
  else d.quoted = q;
}

function decodeQuoted(q: Uint8Array): QuotedDatagram | WireError {
  const ip = parseIpv4Header(q, 0);
  if (ip instanceof WireError) return ip;
  const t = ipv4HeaderLen(q, 0);
  const firstFragment = ip.fragOffset === 0;
  if (firstFragment && (ip.protocol === IPPROTO_UDP || ip.protocol === IPPROTO_TCP)) {
    return { ipv4: ip, srcPort: (q[t]! << 8) | q[t + 1]!, dstPort: (q[t + 2]! << 8) | q[t + 3]! };
  }
  if (firstFragment && ip.protocol === IPPROTO_ICMP && (q[t] === ICMP_ECHO_REQUEST || q[t] === ICMP_ECHO_REPLY)) {
    return { ipv4: ip, echoId: (q[t + 4]! << 8) | q[t + 5]!, echoSeq: (q[t + 6]! << 8) | q[t + 7]! };
  }
  return { ipv4: ip };
}

function decodeUdp(d: Building, buf: Uint8Array, at: number, ip: Ipv4Repr, depth: number): void {
  const udp = parseUdp(buf, at, ip.payloadLen, ip.src, ip.dst);
  if (udp instanceof WireError) return malformed(d, udp, at);
  d.udp = udp;
  const p = at + UDP_HEADER_LEN;
  d.payloadOffset = p;
  if (udp.dstPort !== VXLAN_PORT) return;
  if (depth >= MAX_VXLAN_DEPTH) return notDecoded(d, 'vxlan', p, `VXLAN nested deeper than ${MAX_VXLAN_DEPTH}`);
  const vx = parseVxlan(buf, p, udp.payloadLen);
  if (vx instanceof WireError) return malformed(d, vx, p);
  d.vxlan = vx;
  d.inner = decodeAt(buf, p + VXLAN_HEADER_LEN, udp.payloadLen - VXLAN_HEADER_LEN, depth + 1);
}
