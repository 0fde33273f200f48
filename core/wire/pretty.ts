/**
 * One-line, tcpdump-like summaries of frames (smoltcp's PrettyPrinter, tcpdump's words):
 * `02:42:ac:11:00:02 > 02:42:ac:11:00:03, IPv4 172.17.0.2 > 172.17.0.3: ICMP echo
 * request, id 7, seq 1, length 64`.
 *
 * Lengths are tcpdump's: the ICMP message, the UDP or TCP payload. Bad checksums and
 * malformed layers are annotated in brackets, never thrown. Not modelled: tcpdump's
 * relative sequence numbers, timestamps, verbose (-v) fields and application decoders.
 */
import { formatIpv4 } from '../addr.js';
import { ARP_OP_REPLY, ARP_OP_REQUEST, type ArpRepr } from './arp.js';
import { readU32 } from './bytes.js';
import { decodeFrame, type DecodedFrame, type QuotedDatagram } from './decode.js';
import { ETHERTYPE_ARP, ETHERTYPE_IPV4 } from './ethernet.js';
import {
  TIME_EXCEEDED_REASSEMBLY,
  TIME_EXCEEDED_TTL,
  UNREACH_ADMIN_PROHIBITED,
  UNREACH_FRAG_NEEDED,
  UNREACH_HOST,
  UNREACH_NET,
  UNREACH_PORT,
  UNREACH_PROTOCOL,
  type IcmpRepr,
} from './icmpv4.js';
import { IPPROTO_ICMP, IPPROTO_TCP, IPPROTO_UDP, type Ipv4Repr } from './ipv4.js';
import {
  TCPOPT_NOP,
  TCPOPT_SACK,
  TCPOPT_SACK_PERMITTED,
  TCPOPT_TIMESTAMPS,
  TCPOPT_WSCALE,
  walkTcpOptions,
  type TcpRepr,
} from './tcp.js';

/** Decodes `bytes` and summarizes it on one line; never throws. */
export function summarizeFrame(bytes: Uint8Array): string {
  return summarize(decodeFrame(bytes));
}

/** Summarizes a decoded frame on one line. */
export function summarize(d: DecodedFrame): string {
  if (d.eth === undefined) return stopNote(d);
  const head = `${d.eth.src} > ${d.eth.dst}, `;
  if (d.eth.ethertype === ETHERTYPE_ARP) return head + (d.arp === undefined ? `ARP ${stopNote(d)}` : arpLine(d.arp));
  if (d.eth.ethertype === ETHERTYPE_IPV4)
    return head + (d.ipv4 === undefined ? `IPv4 ${stopNote(d)}` : ipv4Line(d, d.ipv4));
  return `${head}ethertype 0x${d.eth.ethertype.toString(16).padStart(4, '0')}, length ${d.length}`;
}

function stopNote(d: DecodedFrame): string {
  if (d.stop === undefined) return '';
  return d.stop.malformed ? `[${d.stop.layer} malformed: ${d.stop.reason}]` : `[${d.stop.reason}]`;
}

function arpLine(a: ArpRepr): string {
  if (a.op === ARP_OP_REQUEST) return `ARP, Request who-has ${formatIpv4(a.targetIp)} tell ${formatIpv4(a.senderIp)}`;
  if (a.op === ARP_OP_REPLY) return `ARP, Reply ${formatIpv4(a.senderIp)} is-at ${a.senderMac}`;
  return `ARP, op ${a.op}`;
}

function protoName(p: number): string {
  return p === IPPROTO_ICMP ? 'ICMP' : p === IPPROTO_UDP ? 'UDP' : p === IPPROTO_TCP ? 'TCP' : `ip-proto-${p}`;
}

function bad(ok: boolean | undefined, what: string): string {
  return ok === false ? ` [bad ${what} cksum]` : '';
}

function ipv4Line(d: DecodedFrame, ip: Ipv4Repr): string {
  const tail = bad(ip.checksumOk, 'ipv4');
  if (d.udp !== undefined) return udpLine(d, ip, d.udp.srcPort, d.udp.dstPort) + tail;
  if (d.tcp !== undefined) return tcpLine(ip, d.tcp) + tail;
  const route = `IPv4 ${formatIpv4(ip.src)} > ${formatIpv4(ip.dst)}: `;
  if (d.icmp !== undefined)
    return `${route}ICMP ${icmpText(d.icmp, d.quoted)}, length ${ip.payloadLen}${bad(d.icmp.checksumOk, 'icmp')}${tail}`;
  if (ip.mf || ip.fragOffset > 0) {
    const flags = ip.mf ? '+' : 'none';
    return `${route}${protoName(ip.protocol)} fragment id ${ip.id}, offset ${ip.fragOffset}, flags [${flags}], length ${ip.payloadLen}${tail}`;
  }
  if (d.stop?.malformed === true) return `${route}${stopNote(d)}${tail}`;
  const note = d.stop !== undefined && d.stop.layer !== 'ipv4' ? ` ${stopNote(d)}` : '';
  return `${route}${protoName(ip.protocol)}, length ${ip.payloadLen}${note}${tail}`;
}

function endpoint(addr: number, port: number): string {
  return `${formatIpv4(addr)}.${port}`;
}

function udpLine(d: DecodedFrame, ip: Ipv4Repr, sp: number, dp: number): string {
  const head = `UDP ${endpoint(ip.src, sp)} > ${endpoint(ip.dst, dp)}`;
  const ck = bad(d.udp?.checksumOk, 'udp');
  if (d.vxlan !== undefined && d.inner !== undefined)
    return `${head}, VXLAN vni ${d.vxlan.vni}${ck}: ${summarize(d.inner)}`;
  if (d.stop?.malformed === true) return `${head}${ck} ${stopNote(d)}`;
  return `${head}, length ${d.udp?.payloadLen ?? 0}${ck}`;
}

function tcpLine(ip: Ipv4Repr, t: TcpRepr): string {
  let s = `TCP ${endpoint(ip.src, t.srcPort)} > ${endpoint(ip.dst, t.dstPort)}: Flags [${tcpFlagLetters(t.flags)}], seq ${t.seq}`;
  if ((t.flags & 0x10) !== 0) s += `, ack ${t.ack}`;
  s += `, win ${t.window}`;
  const opts = tcpOptionWords(t);
  if (opts.length > 0) s += `, options [${opts.join(',')}]`;
  if (t.payloadLen > 0) s += `, length ${t.payloadLen}`;
  return s + bad(t.checksumOk, 'tcp');
}

/** tcpdump's flag letters, in its order: F S R P . U E W; `none` when no flag is set. */
export function tcpFlagLetters(flags: number): string {
  const letters = ['F', 'S', 'R', 'P', '.', 'U', 'E', 'W'].filter((_, i) => (flags & (1 << i)) !== 0).join('');
  return letters === '' ? 'none' : letters;
}

function tcpOptionWords(t: TcpRepr): string[] {
  const words = t.mss === undefined ? [] : [`mss ${t.mss}`];
  const o = t.options;
  walkTcpOptions(o, 0, o.length, (kind, at, len) => {
    if (kind === TCPOPT_NOP) words.push('nop');
    else if (kind === TCPOPT_SACK_PERMITTED) words.push('sackOK');
    else if (kind === TCPOPT_WSCALE && len === 3) words.push(`wscale ${o[at + 2]}`);
    else if (kind === TCPOPT_TIMESTAMPS && len === 10)
      words.push(`TS val ${readU32(o, at + 2)} ecr ${readU32(o, at + 6)}`);
    else if (kind === TCPOPT_SACK) words.push(`sack ${(len - 2) >>> 3}`);
    else words.push(`unknown-${kind}`);
  });
  return words;
}

function icmpText(m: IcmpRepr, q: QuotedDatagram | undefined): string {
  switch (m.kind) {
    case 'echo-request':
      return `echo request, id ${m.id}, seq ${m.seq}`;
    case 'echo-reply':
      return `echo reply, id ${m.id}, seq ${m.seq}`;
    case 'time-exceeded':
      if (m.code === TIME_EXCEEDED_TTL) return 'time exceeded in-transit';
      return m.code === TIME_EXCEEDED_REASSEMBLY ? 'ip reassembly time exceeded' : `time exceeded, code ${m.code}`;
    case 'dest-unreachable':
      return unreachText(m.code, m.nextHopMtu, q);
  }
}

function unreachText(code: number, mtu: number, q: QuotedDatagram | undefined): string {
  const dst = q === undefined ? '?' : formatIpv4(q.ipv4.dst);
  switch (code) {
    case UNREACH_NET:
      return `net ${dst} unreachable`;
    case UNREACH_HOST:
      return `host ${dst} unreachable`;
    case UNREACH_PROTOCOL:
      return `${dst} protocol ${q?.ipv4.protocol ?? '?'} unreachable`;
    case UNREACH_PORT:
      return q?.dstPort === undefined
        ? `${dst} port unreachable`
        : `${dst} ${protoName(q.ipv4.protocol).toLowerCase()} port ${q.dstPort} unreachable`;
    case UNREACH_FRAG_NEEDED:
      return `${dst} unreachable - need to frag (mtu ${mtu})`;
    case UNREACH_ADMIN_PROHIBITED:
      return `${dst} unreachable - admin prohibited filter`;
    default:
      return `${dst} unreachable - code ${code}`;
  }
}
