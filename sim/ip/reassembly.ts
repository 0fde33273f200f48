/**
 * Reassembly of IPv4 fragments for local delivery (net/ipv4/ip_fragment.c): fragments
 * are queued by (source, destination, protocol, identification); the datagram is
 * rebuilt when the last fragment has arrived and the payload is covered without holes.
 * A queue not completed within ipfrag_time (30 s) is dropped, and if its first
 * fragment had arrived the sender gets ICMP time exceeded, code 1 (RFC 792).
 *
 * The same queues serve conntrack's defragmentation before PREROUTING
 * (nf_defrag_ipv4), which also reassembles packets being forwarded; the largest
 * fragment's size is kept with the datagram (IPCB frag_max_size) so that forwarding
 * fragments it again no larger than it came.
 *
 * Not modelled: the memory thresholds (ipfrag_high_thresh), overlap policies beyond
 * "first copy wins".
 */
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { writeU16 } from '../../core/wire/bytes.js';
import {
  fillIpv4Checksum,
  IPV4_FLAGS_FRAG_OFF,
  IPV4_TOTAL_LEN_OFF,
  ipv4Dst,
  ipv4FragOffset,
  ipv4HeaderLen,
  ipv4Id,
  ipv4Mf,
  ipv4Protocol,
  ipv4Src,
  ipv4TotalLen,
} from '../../core/wire/ipv4.js';
import type { EventHandler } from '../engine/scheduler.js';
import { SkBuff } from '../skb.js';
import { icmpSendError } from './icmp.js';
import type { NetNamespace } from './namespace.js';

/** ipfrag_time (ip-sysctl.rst): 30 s to complete a datagram. */
export const IPFRAG_TIME_NS = 30_000_000_000;

interface Queue {
  readonly key: string;
  readonly pieces: { offset: number; data: Uint8Array }[];
  first?: SkBuff;
  totalLen?: number;
  /** The largest fragment's total length (IPCB frag_max_size). */
  maxSize: number;
  timer: number;
}

export class Reassembler implements EventHandler {
  private readonly queues = new Map<string, Queue>();

  constructor(private readonly ns: NetNamespace) {}

  /** Adds a fragment; returns the whole datagram as a frame once complete. */
  add(skb: SkBuff): SkBuff | undefined {
    const ip = ETH_HEADER_LEN;
    const frame = skb.data;
    const key = `${ipv4Src(frame, ip)}/${ipv4Dst(frame, ip)}/${ipv4Protocol(frame, ip)}/${ipv4Id(frame, ip)}`;
    let q = this.queues.get(key);
    if (q === undefined) {
      q = { key, pieces: [], maxSize: 0, timer: this.ns.sim.schedule(IPFRAG_TIME_NS, this, 0, key) };
      this.queues.set(key, q);
    }
    const hl = ipv4HeaderLen(frame, ip);
    const offset = ipv4FragOffset(frame, ip);
    const data = frame.subarray(ip + hl, ip + ipv4TotalLen(frame, ip));
    if (offset === 0) q.first = skb;
    q.maxSize = Math.max(q.maxSize, ipv4TotalLen(frame, ip));
    if (!ipv4Mf(frame, ip)) q.totalLen = offset + data.length;
    if (!q.pieces.some((p) => p.offset === offset)) q.pieces.push({ offset, data });
    return this.complete(q);
  }

  private complete(q: Queue): SkBuff | undefined {
    if (q.first === undefined || q.totalLen === undefined) return undefined;
    const sorted = [...q.pieces].sort((a, b) => a.offset - b.offset);
    let covered = 0;
    for (const p of sorted) {
      if (p.offset > covered) return undefined;
      covered = Math.max(covered, p.offset + p.data.length);
    }
    if (covered < q.totalLen) return undefined;
    this.ns.sim.cancel(q.timer);
    this.queues.delete(q.key);
    const whole = new SkBuff(this.rebuild(q.first.data, sorted, q.totalLen), q.first.flow);
    whole.fragMax = q.maxSize;
    return whole;
  }

  private rebuild(first: Uint8Array, pieces: { offset: number; data: Uint8Array }[], payloadLen: number): Uint8Array {
    const ip = ETH_HEADER_LEN;
    const hl = ipv4HeaderLen(first, ip);
    const out = new Uint8Array(ip + hl + payloadLen);
    out.set(first.subarray(0, ip + hl), 0);
    for (const p of pieces)
      out.set(p.data.subarray(0, Math.min(p.data.length, payloadLen - p.offset)), ip + hl + p.offset);
    writeU16(out, ip + IPV4_TOTAL_LEN_OFF, hl + payloadLen);
    writeU16(out, ip + IPV4_FLAGS_FRAG_OFF, out[ip + IPV4_FLAGS_FRAG_OFF]! & 0x40 ? 0x4000 : 0);
    fillIpv4Checksum(out, ip);
    return out;
  }

  /** ipfrag_time expired (ip_expire). */
  handleEvent(_kind: number, arg: unknown): void {
    const q = this.queues.get(arg as string);
    if (q === undefined) return;
    this.queues.delete(q.key);
    const sample = q.first ?? undefined;
    if (sample !== undefined) {
      this.ns.dropFrame(sample, 'reassembly-timeout');
      icmpSendError(this.ns, sample, 'time-exceeded', 1);
    }
  }
}
