/**
 * The byte layout of a classic libpcap file: constants, the 24-byte global header and
 * the 16-byte record header, and the exact split of integer nanoseconds into them.
 *
 * Sources: pcap-savefile(5), https://www.tcpdump.org/manpages/pcap-savefile.5.html, and
 * the IETF draft "PCAP Capture File Format", draft-ietf-opsawg-pcap (sections 4 and 5).
 * twinnet writes this small module itself: there is no npm package called
 * `pcap-writer`, and none of the pcap writers on npm is well kept. Writing is always in
 * little-endian byte order with nanosecond timestamps (magic 0xa1b23c4d); reading both
 * byte orders and both resolutions lives in `format.ts`. Not modelled: the FCS-length
 * bits in the upper half of the link-type field (written as zero), and pcapng.
 */
import { NS_PER_S } from '../units.js';

/** Magic number of a file with microsecond timestamps (pcap-savefile(5)). */
export const PCAP_MAGIC_USEC = 0xa1b2c3d4;
/** Magic number of a file with nanosecond timestamps (pcap-savefile(5)). */
export const PCAP_MAGIC_NSEC = 0xa1b23c4d;
/** First four bytes of a pcapng Section Header Block, recognised only to say so. */
export const PCAPNG_MAGIC = 0x0a0d0d0a;
/** File format version written, 2.4 (draft-ietf-opsawg-pcap section 4). */
export const PCAP_VERSION_MAJOR = 2;
export const PCAP_VERSION_MINOR = 4;
/** Length of the file header (draft-ietf-opsawg-pcap section 4). */
export const GLOBAL_HEADER_LEN = 24;
/** Length of a packet record header (draft-ietf-opsawg-pcap section 5). */
export const RECORD_HEADER_LEN = 16;
/** LINKTYPE_ETHERNET: IEEE 802.3 / Ethernet II frames (tcpdump.org linktypes list). */
export const LINKTYPE_ETHERNET = 1;
/** LINKTYPE_LINUX_SLL: Linux "cooked" capture v1, what `tcpdump -i any` used to write. */
export const LINKTYPE_LINUX_SLL = 113;
/** LINKTYPE_LINUX_SLL2: Linux "cooked" capture v2 (libpcap 1.10). */
export const LINKTYPE_LINUX_SLL2 = 276;
/** libpcap's MAXIMUM_SNAPLEN, tcpdump's default snapshot length since 4.99. */
export const DEFAULT_SNAPLEN = 262144;
/** Largest value of a 32-bit unsigned header field. */
export const U32_MAX = 0xffffffff;
/** The link type is the low 16 bits of its field (draft-ietf-opsawg-pcap section 4). */
export const LINKTYPE_MASK = 0xffff;

/** One captured packet: its time in integer nanoseconds, the bytes kept, the length on the wire. */
export interface PcapRecord {
  readonly timeNs: number;
  readonly data: Uint8Array;
  /** Length on the wire; defaults to `data.length` when writing, always set when read. */
  readonly origLen?: number;
}

/** How a file is written; every field has the default named beside it. */
export interface PcapEncodeOptions {
  /** Bytes kept per packet; longer data is cut, as `tcpdump -s` does (DEFAULT_SNAPLEN). */
  readonly snaplen?: number;
  /** Link-layer header type of every record (LINKTYPE_ETHERNET). */
  readonly linktype?: number;
  /** Whole seconds since the Unix epoch added to every record's time (0: 1970). */
  readonly epochSec?: number;
}

/** Encoding options with the defaults filled in and checked. */
export interface ResolvedEncodeOptions {
  readonly snaplen: number;
  readonly linktype: number;
  readonly epochSec: number;
}

/** Fills in defaults; throws a RangeError for values the header fields cannot hold. */
export function resolveEncodeOptions(opts: PcapEncodeOptions = {}): ResolvedEncodeOptions {
  const snaplen = opts.snaplen ?? DEFAULT_SNAPLEN;
  const linktype = opts.linktype ?? LINKTYPE_ETHERNET;
  const epochSec = opts.epochSec ?? 0;
  requireInt('snaplen', snaplen, 1, U32_MAX);
  requireInt('linktype', linktype, 0, LINKTYPE_MASK);
  requireInt('epochSec', epochSec, 0, U32_MAX);
  return { snaplen, linktype, epochSec };
}

function requireInt(name: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max)
    throw new RangeError(`pcap: ${name} must be an integer in ${min}..${max}, got ${v}`);
}

/** Splits integer nanoseconds into whole seconds and the nanoseconds left over, exactly. */
export function splitNs(timeNs: number): { sec: number; nsec: number } {
  // `%` on integral doubles is exact (ECMA-262 Number::remainder), and so is dividing
  // an exact multiple of 1e9 that is at most 2^53: no float rounding can creep in.
  const nsec = timeNs % NS_PER_S;
  return { sec: (timeNs - nsec) / NS_PER_S, nsec };
}

/** `seconds.nanoseconds` since the epoch, the way tshark prints `frame.time_epoch`. */
export function formatEpochTime(epochSec: number, timeNs: number): string {
  const total = BigInt(epochSec) * BigInt(NS_PER_S) + BigInt(timeNs);
  const sign = total < 0n ? '-' : '';
  const abs = total < 0n ? -total : total;
  const ns = BigInt(NS_PER_S);
  return `${sign}${abs / ns}.${String(abs % ns).padStart(9, '0')}`;
}

/** Writes the global header at offset 0 of `out` (draft-ietf-opsawg-pcap section 4). */
export function writeGlobalHeader(out: DataView, o: ResolvedEncodeOptions): void {
  out.setUint32(0, PCAP_MAGIC_NSEC, true);
  out.setUint16(4, PCAP_VERSION_MAJOR, true);
  out.setUint16(6, PCAP_VERSION_MINOR, true);
  out.setInt32(8, 0, true); // thiszone: "SHOULD be 0" (reserved in the draft)
  out.setUint32(12, 0, true); // sigfigs: "SHOULD be 0" (reserved in the draft)
  out.setUint32(16, o.snaplen, true);
  out.setUint32(20, o.linktype, true);
}

/** Bytes a record takes in the file: its header plus the data kept under the snaplen. */
export function recordSize(r: PcapRecord, o: ResolvedEncodeOptions): number {
  return RECORD_HEADER_LEN + Math.min(r.data.length, o.snaplen);
}

/** Writes one record at `offset`; returns the offset after it. Throws RangeError on a bad record. */
export function writeRecord(out: Uint8Array, offset: number, r: PcapRecord, o: ResolvedEncodeOptions): number {
  const origLen = r.origLen ?? r.data.length;
  if (!Number.isSafeInteger(r.timeNs) || r.timeNs < 0)
    throw new RangeError(`pcap: timeNs must be a non-negative safe integer, got ${r.timeNs}`);
  if (!Number.isInteger(origLen) || origLen < r.data.length || origLen > U32_MAX) {
    throw new RangeError(
      `pcap: origLen ${origLen} must be an integer from data.length (${r.data.length}) to ${U32_MAX}`,
    );
  }
  const { sec, nsec } = splitNs(r.timeNs);
  if (o.epochSec + sec > U32_MAX)
    throw new RangeError(`pcap: time ${o.epochSec + sec} s is past the 32-bit seconds field`);
  const inclLen = Math.min(r.data.length, o.snaplen);
  const view = new DataView(out.buffer, out.byteOffset + offset, RECORD_HEADER_LEN);
  view.setUint32(0, o.epochSec + sec, true);
  view.setUint32(4, nsec, true);
  view.setUint32(8, inclLen, true);
  view.setUint32(12, origLen, true);
  out.set(r.data.subarray(0, inclLen), offset + RECORD_HEADER_LEN);
  return offset + RECORD_HEADER_LEN + inclLen;
}

/** The bytes of `records`, preceded by the global header when `withHeader` is set. */
export function encodeChunk(records: readonly PcapRecord[], o: ResolvedEncodeOptions, withHeader: boolean): Uint8Array {
  const start = withHeader ? GLOBAL_HEADER_LEN : 0;
  const out = new Uint8Array(records.reduce((n, r) => n + recordSize(r, o), start));
  if (withHeader) writeGlobalHeader(new DataView(out.buffer, 0, GLOBAL_HEADER_LEN), o);
  let offset = start;
  for (const r of records) offset = writeRecord(out, offset, r, o);
  return out;
}
