/**
 * What a namespace offers its netfilter: the clock and random stream, address types as
 * the routing tables give them (inet_addr_type: LOCAL and BROADCAST from the local
 * table, MULTICAST by prefix, UNICAST otherwise), MASQUERADE's and REDIRECT's address
 * choice, REJECT's answers (ipt_REJECT: icmp_send with the chosen code, or
 * nf_send_reset's RST, built from the packet as the hook saw it, after any DNAT, and
 * attached to its connection so that NAT translates it back), and the drop and trace
 * records.
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { buildTcpFrame } from '../../core/wire/frame.js';
import { IPPROTO_TCP, ipv4Dst, ipv4HeaderLen, ipv4Protocol, ipv4Src, ipv4TotalLen } from '../../core/wire/ipv4.js';
import {
  TCP_ACK,
  TCP_FIN,
  TCP_RST,
  TCP_SYN,
  tcpAck,
  tcpDstPort,
  tcpFlags,
  tcpHeaderLen,
  tcpSeq,
  tcpSrcPort,
} from '../../core/wire/tcp.js';
import { REJECT_TYPES, type AddrType, type RejectType, type Ruleset } from '../../core/netfilter/types.js';
import { Netfilter, type NfHost } from '../netfilter/netfilter.js';
import { icmpSendError } from './icmp.js';
import type { NetNamespace } from './namespace.js';
import { ipOutput } from './output.js';
import { SkBuff } from '../skb.js';

const LOOPBACK = 0x7f000001;

/** Loads a ruleset into a namespace; from then on its packets pass the hooks. */
export function attachNetfilter(ns: NetNamespace, ruleset: Ruleset): Netfilter {
  const nf = new Netfilter(ruleset, hostOf(ns));
  ns.nf = nf;
  return nf;
}

function hostOf(ns: NetNamespace): NfHost {
  const rng = ns.rng.fork('netfilter');
  return {
    now: () => ns.sim.now,
    rng,
    addrType: (addr, dev) => addrType(ns, addr, dev),
    masqueradeSource: (dev, nextHop) => {
      const d = ns.devices.get(dev);
      return d === undefined ? undefined : ns.sourceFor(d, nextHop);
    },
    redirectAddress: (inDev) => {
      if (inDev === undefined) return LOOPBACK;
      return ns.addresses.find((a) => a.dev.name === inDev)?.addr;
    },
    reject: (frame, type, inDev) => reject(ns, frame, type, inDev),
    drop: (frame, dev, rule) => ns.dropFrame(frame, 'filtered', dev, rule),
    step: (skb, dev, step, detail) => {
      if (ns.trace.tracing) ns.trace.step(skb, ns.sim.now, ns.id, dev, step, detail);
    },
  };
}

/** inet_addr_type / inet_dev_addr_type (net/ipv4/fib_frontend.c). */
export function addrType(ns: NetNamespace, addr: number, dev?: string): AddrType {
  if (addr === 0 || addr === 0xffffffff) return 'BROADCAST';
  if (addr >>> 28 === 14) return 'MULTICAST';
  if (addr >>> 24 === 127) return dev === undefined || dev === 'lo' ? 'LOCAL' : 'UNICAST';
  const local = ns.localAddress(addr);
  if (local !== undefined) return dev === undefined || local.dev.name === dev ? 'LOCAL' : 'UNICAST';
  if (ns.isBroadcast(addr)) return 'BROADCAST';
  return 'UNICAST';
}

/** ipt_REJECT: an ICMP destination unreachable with the type's code, or a TCP RST. */
function reject(ns: NetNamespace, skb: SkBuff, type: RejectType, _inDev: string | undefined): void {
  if (type !== 'tcp-reset') return icmpSendError(ns, skb, 'dest-unreachable', REJECT_TYPES[type]);
  if (ipv4Protocol(skb.data, ETH_HEADER_LEN) !== IPPROTO_TCP) return;
  const bytes = resetFor(skb.data);
  if (bytes === undefined) return;
  const rst = new SkBuff(bytes, skb.flow);
  ns.nf?.attach(skb, rst); // nf_send_reset: nf_ct_attach, so NAT reverses the reset on its way out
  ipOutput(ns, rst);
}

/** nf_send_reset (nf_reject_ipv4.c): no RST for a RST; SEQ from the ACK, or ACK for the segment's length. */
function resetFor(frame: Uint8Array): Uint8Array | undefined {
  const ip = ETH_HEADER_LEN;
  const l4 = ip + ipv4HeaderLen(frame, ip);
  const flags = tcpFlags(frame, l4);
  if (flags & TCP_RST) return undefined;
  const dataLen = ip + ipv4TotalLen(frame, ip) - l4 - tcpHeaderLen(frame, l4);
  const withAck = (flags & TCP_ACK) === 0;
  const seq = withAck ? 0 : tcpAck(frame, l4);
  const ack = withAck ? (tcpSeq(frame, l4) + (flags & TCP_SYN ? 1 : 0) + (flags & TCP_FIN ? 1 : 0) + dataLen) >>> 0 : 0;
  return buildTcpFrame({
    srcMac: 0,
    dstMac: 0,
    src: ipv4Dst(frame, ip),
    dst: ipv4Src(frame, ip),
    id: 0,
    df: true,
    srcPort: tcpDstPort(frame, l4),
    dstPort: tcpSrcPort(frame, l4),
    seq,
    ack,
    flags: TCP_RST | (withAck ? TCP_ACK : 0),
    window: 0,
  });
}
