/**
 * Packets of two engines in one vocabulary, with what legitimately differs between a
 * model and a kernel taken out, so that what is left must be equal:
 *
 * - timestamps: not part of the description (RTTs are compared separately, with a
 *   tolerance);
 * - the IPv4 identification: Linux draws it per destination at random (ip_idents);
 * - checksums: a real veth carries CHECKSUM_PARTIAL packets, whose captured checksum is
 *   unfinished; the simulator's are checked by tshark instead;
 * - ephemeral ports (32768-60999), TCP initial sequence numbers and ICMP echo
 *   identifiers: random in both engines, so replaced by their order of appearance (e1,
 *   e2 ... for ports, sequence numbers relative to the first SYN, id1 ... for echo ids),
 *   counted separately for each pair of addresses: probes that start together between
 *   other hosts may reach a device in either order, and must not renumber these;
 * - TCP windows and timestamp values: a kernel's depend on its buffers and clock;
 * - payload bytes: their length is kept (ping's data holds a timestamp; a service's
 *   reply holds an ephemeral port of the same length).
 */
import { formatIpv4 } from '../addr.js';
import type { DecodedFrame } from '../wire/decode.js';
import { tcpFlagLetters } from '../wire/pretty.js';
import { EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST } from '../scenario/defaults.js';

/** Renaming state for one packet sequence (one device of one engine). */
export class Normalizer {
  private readonly names = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  private readonly isn = new Map<string, number>();

  /** An ephemeral port's name among those seen between one pair of addresses (`scope`). */
  port(p: number, scope = ''): string {
    if (p < EPHEMERAL_PORT_FIRST || p > EPHEMERAL_PORT_LAST) return String(p);
    return this.name('e', scope, p);
  }

  /** An echo identifier's name among those seen between one pair of addresses. */
  echoId(id: number, scope = ''): string {
    return this.name('id', scope, id);
  }

  private name(kind: string, scope: string, value: number): string {
    const key = `${kind} ${scope} ${value}`;
    let name = this.names.get(key);
    if (name === undefined) {
      const counter = `${kind} ${scope}`;
      const k = (this.counts.get(counter) ?? 0) + 1;
      this.counts.set(counter, k);
      name = `${kind}${k}`;
      this.names.set(key, name);
    }
    return name;
  }

  /** A sequence number relative to the first one seen in that direction of that connection. */
  seq(dir: string, seq: number): number {
    const base = this.isn.get(dir);
    if (base === undefined) {
      this.isn.set(dir, seq);
      return 0;
    }
    return (seq - base) >>> 0;
  }

  /**
   * An acknowledgement number, relative to the other direction's first sequence number.
   * When that direction was never seen here (its packets carry other addresses on this
   * device, as replies de-NATed before the capture point do), the first acknowledgement
   * stands for its ISN + 1, so both engines still print the same relative numbers.
   */
  ack(reverseDir: string, ack: number): number {
    const base = this.isn.get(reverseDir);
    if (base !== undefined) return (ack - base) >>> 0;
    this.isn.set(reverseDir, (ack - 1) >>> 0);
    return 1;
  }
}

/** A frame as a flow key (which conversation it belongs to) and a normalised description. */
export interface NormalPacket {
  readonly flow: string;
  readonly text: string;
}

/** Describes a decoded frame without what legitimately differs between engines. */
export function normalizePacket(d: DecodedFrame, n: Normalizer): NormalPacket {
  const eth = d.eth === undefined ? 'short' : `${d.eth.src} > ${d.eth.dst}`;
  if (d.arp !== undefined) {
    const a = d.arp;
    const pair = [a.senderIp, a.targetIp]
      .sort((x, y) => x - y)
      .map(formatIpv4)
      .join('|');
    return {
      flow: `arp ${pair}`,
      text: `${eth} ARP ${a.op === 1 ? 'request' : 'reply'} ${a.senderMac} ${formatIpv4(a.senderIp)} -> ${a.targetMac} ${formatIpv4(a.targetIp)}`,
    };
  }
  const ip = d.ipv4;
  if (ip === undefined) return { flow: 'other', text: `${eth} ${d.stop?.reason ?? 'not IPv4'}` };
  const iph = `${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)} ttl ${ip.ttl}${ip.df ? ' DF' : ''}${ip.mf ? ' MF' : ''}${ip.fragOffset > 0 ? ` frag@${ip.fragOffset}` : ''} len ${ip.payloadLen}`;
  const hosts = [formatIpv4(ip.src), formatIpv4(ip.dst)].sort().join('|');
  if (d.tcp !== undefined) return tcpPacket(d, n, eth, iph);
  if (d.udp !== undefined) {
    const ports = [n.port(d.udp.srcPort, hosts), n.port(d.udp.dstPort, hosts)];
    if (d.vxlan !== undefined && d.inner !== undefined) return vxlanPacket(d, n, eth, iph, ports);
    return {
      flow: `udp ${hosts} ${[...ports].sort().join('|')}`,
      text: `${eth} ${iph} UDP ${ports[0]} > ${ports[1]} len ${d.udp.payloadLen}`,
    };
  }
  if (d.icmp !== undefined) return icmpPacket(d, n, eth, iph, hosts);
  return { flow: `ip ${hosts}`, text: `${eth} ${iph} proto ${ip.protocol}` };
}

/**
 * A VXLAN packet: its VNI, outer addresses and the inner frame normalised the same way,
 * so that both engines' underlay traces compare by what they carry. The outer source
 * port is the kernel's hash of the inner flow with a per-boot seed: it is numbered like
 * any ephemeral port. The conversation is the inner one, within the VNI.
 */
function vxlanPacket(d: DecodedFrame, n: Normalizer, eth: string, iph: string, ports: string[]): NormalPacket {
  const inner = normalizePacket(d.inner as DecodedFrame, n);
  const vni = d.vxlan?.vni ?? 0;
  return {
    flow: `vxlan ${vni} ${inner.flow}`,
    text: `${eth} ${iph} UDP ${ports[0]} > ${ports[1]} VXLAN vni ${vni}: ${inner.text}`,
  };
}

function tcpPacket(d: DecodedFrame, n: Normalizer, eth: string, iph: string): NormalPacket {
  const ip = d.ipv4 as NonNullable<DecodedFrame['ipv4']>;
  const t = d.tcp as NonNullable<DecodedFrame['tcp']>;
  const src = `${formatIpv4(ip.src)}:${t.srcPort}`;
  const dst = `${formatIpv4(ip.dst)}:${t.dstPort}`;
  const hosts = [formatIpv4(ip.src), formatIpv4(ip.dst)].sort().join('|');
  const sp = n.port(t.srcPort, hosts);
  const dp = n.port(t.dstPort, hosts);
  const seq = n.seq(`${src}>${dst}`, t.seq);
  const ack = (t.flags & 0x10) !== 0 ? ` ack ${n.ack(`${dst}>${src}`, t.ack)}` : '';
  const mss = t.mss === undefined ? '' : ` mss ${t.mss}`;
  return {
    flow: `tcp ${hosts} ${[sp, dp].sort().join('|')}`,
    text: `${eth} ${iph} TCP ${sp} > ${dp} [${tcpFlagLetters(t.flags)}] seq ${seq}${ack}${mss} len ${t.payloadLen}`,
  };
}

function icmpPacket(d: DecodedFrame, n: Normalizer, eth: string, iph: string, hosts: string): NormalPacket {
  const i = d.icmp as NonNullable<DecodedFrame['icmp']>;
  if (i.kind === 'echo-request' || i.kind === 'echo-reply') {
    const id = n.echoId(i.id, hosts);
    return {
      flow: `icmp ${hosts} ${id}`,
      text: `${eth} ${iph} ICMP ${i.kind} ${id} seq ${i.seq} len ${i.data.length}`,
    };
  }
  const err = i as Exclude<typeof i, { kind: 'echo-request' | 'echo-reply' }>;
  const q = d.quoted;
  const qHosts = q === undefined ? '' : [formatIpv4(q.ipv4.src), formatIpv4(q.ipv4.dst)].sort().join('|');
  const about =
    q === undefined
      ? ''
      : ` about ${formatIpv4(q.ipv4.src)} > ${formatIpv4(q.ipv4.dst)}${q.echoId !== undefined ? ` ${n.echoId(q.echoId, qHosts)} seq ${q.echoSeq}` : ''}${q.srcPort !== undefined ? ` ${n.port(q.srcPort, qHosts)} > ${n.port(q.dstPort ?? 0, qHosts)}` : ''}`;
  const code =
    err.kind === 'dest-unreachable' && err.code === 4 ? `${err.code} mtu ${err.nextHopMtu}` : String(err.code);
  return { flow: `icmp-error ${hosts}`, text: `${eth} ${iph} ICMP ${err.kind} code ${code}${about}` };
}
