/**
 * Classic libpcap files as values: `encodePcap` writes one, `decodePcap` reads one.
 *
 * Format: pcap-savefile(5), https://www.tcpdump.org/manpages/pcap-savefile.5.html, and
 * draft-ietf-opsawg-pcap. twinnet writes this module itself (there is no npm package
 * called `pcap-writer`, and none of the pcap writers on npm is well kept). Pure: no I/O.
 *
 * Writing: little-endian, version 2.4, nanosecond timestamps, the simulator's integer
 * nanoseconds split exactly into seconds and nanoseconds. Reading: both byte orders and
 * both the microsecond and the nanosecond magic, timestamps as integer nanoseconds; a
 * file cut short in the middle of a record (tcpdump killed) yields its complete records
 * and `truncated: true`. Reading never throws: a file it cannot read is a `PcapError`.
 *
 * Because real captures carry Unix times (about 1.8e18 ns, past 2^53), decoded times are
 * nanoseconds since `epochSec`: 0 when every time fits a safe integer (so simulator files
 * round-trip unchanged), otherwise the earliest whole second in the file, or the caller's.
 *
 * Not modelled: pcapng (recognised and refused with a reason), the "modified" pcap
 * formats (magic 0xa1b2cd34 and friends), versions before 2.x (and 2.0 to 2.2 files that
 * swap caplen and len), the FCS-length bits of the link-type field, and `thiszone`.
 */
import { NS_PER_S, NS_PER_US } from '../units.js';
import {
  DEFAULT_SNAPLEN,
  GLOBAL_HEADER_LEN,
  LINKTYPE_MASK,
  PCAP_MAGIC_NSEC,
  PCAP_MAGIC_USEC,
  PCAP_VERSION_MAJOR,
  PCAPNG_MAGIC,
  RECORD_HEADER_LEN,
  encodeChunk,
  resolveEncodeOptions,
  type PcapEncodeOptions,
  type PcapRecord,
} from './layout.js';

export {
  DEFAULT_SNAPLEN,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
  PCAP_MAGIC_NSEC,
  PCAP_MAGIC_USEC,
  formatEpochTime,
  type PcapEncodeOptions,
  type PcapRecord,
} from './layout.js';

/** Why a byte string could not be read as a pcap file. */
export class PcapError {
  constructor(readonly reason: string) {}
  /** The reason, prefixed so that it reads well in a log line. */
  toString(): string {
    return `pcap: ${this.reason}`;
  }
}

/** A decoded file: its header fields and records with times relative to `epochSec`. */
export interface DecodedPcap {
  readonly linktype: number;
  readonly snaplen: number;
  /** Whether the file had the nanosecond magic (else microsecond timestamps). */
  readonly nanosecond: boolean;
  readonly bigEndian: boolean;
  /** Whole seconds since the Unix epoch that every record's `timeNs` counts from. */
  readonly epochSec: number;
  /** Records in file order; `data` is a view into the input bytes, not a copy. */
  readonly records: PcapRecord[];
  /** Whether the file ended inside a record (the records before it are returned). */
  readonly truncated: boolean;
}

/** How times are read back. */
export interface PcapDecodeOptions {
  /** Count record times from this second since the epoch instead of choosing (see header). */
  readonly epochSec?: number;
}

/** Encodes records as a whole file. Throws RangeError on options or records a file cannot hold. */
export function encodePcap(records: readonly PcapRecord[], opts?: PcapEncodeOptions): Uint8Array {
  return encodeChunk(records, resolveEncodeOptions(opts), true);
}

interface GlobalHeader {
  readonly littleEndian: boolean;
  readonly nanosecond: boolean;
  readonly snaplen: number;
  readonly linktype: number;
}

/** Byte order and resolution by the magic as read little-endian (pcap-savefile(5)). */
const MAGICS = new Map<number, { littleEndian: boolean; nanosecond: boolean }>([
  [PCAP_MAGIC_USEC, { littleEndian: true, nanosecond: false }],
  [PCAP_MAGIC_NSEC, { littleEndian: true, nanosecond: true }],
  [0xd4c3b2a1, { littleEndian: false, nanosecond: false }],
  [0x4d3cb2a1, { littleEndian: false, nanosecond: true }],
]);

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}

function readGlobalHeader(bytes: Uint8Array): GlobalHeader | PcapError {
  if (bytes.length < GLOBAL_HEADER_LEN)
    return new PcapError(`file is ${bytes.length} bytes, shorter than the ${GLOBAL_HEADER_LEN}-byte file header`);
  const view = viewOf(bytes);
  const magic = view.getUint32(0, true);
  if (magic === PCAPNG_MAGIC)
    return new PcapError('this is a pcapng file, which is not supported (convert it with `editcap -F pcap`)');
  const kind = MAGICS.get(magic);
  if (kind === undefined) return new PcapError(`not a pcap file: magic ${hex32(magic)}`);
  const le = kind.littleEndian;
  const major = view.getUint16(4, le);
  if (major !== PCAP_VERSION_MAJOR)
    return new PcapError(`unsupported file format version ${major}.${view.getUint16(6, le)}`);
  return { ...kind, snaplen: view.getUint32(16, le), linktype: view.getUint32(20, le) & LINKTYPE_MASK };
}

/** A record as stored: seconds, fraction in the file's unit, where its data is. */
interface RawRecord {
  readonly sec: number;
  readonly frac: number;
  readonly start: number;
  readonly inclLen: number;
  readonly origLen: number;
}

function readRecords(bytes: Uint8Array, h: GlobalHeader): { raw: RawRecord[]; truncated: boolean } | PcapError {
  const view = viewOf(bytes);
  const le = h.littleEndian;
  const maxIncl = Math.max(h.snaplen, DEFAULT_SNAPLEN);
  const raw: RawRecord[] = [];
  let off = GLOBAL_HEADER_LEN;
  while (off < bytes.length) {
    if (bytes.length - off < RECORD_HEADER_LEN) return { raw, truncated: true };
    const inclLen = view.getUint32(off + 8, le);
    // libpcap refuses a captured length above the largest snapshot length, as corrupt.
    if (inclLen > maxIncl)
      return new PcapError(`record ${raw.length + 1} at byte ${off}: captured length ${inclLen} exceeds ${maxIncl}`);
    const start = off + RECORD_HEADER_LEN;
    if (bytes.length - start < inclLen) return { raw, truncated: true };
    raw.push({
      sec: view.getUint32(off, le),
      frac: view.getUint32(off + 4, le),
      start,
      inclLen,
      origLen: view.getUint32(off + 12, le),
    });
    off = start + inclLen;
  }
  return { raw, truncated: false };
}

/** 0 when every absolute time is a safe integer of nanoseconds, else the earliest second. */
function chooseEpoch(raw: readonly RawRecord[], fracNs: number): number {
  const fits = raw.every((r) => Number.isSafeInteger(r.sec * NS_PER_S + r.frac * fracNs));
  return fits ? 0 : raw.reduce((min, r) => Math.min(min, r.sec), Infinity);
}

/** Reads a classic pcap file; never throws, whatever the bytes. */
export function decodePcap(bytes: Uint8Array, opts: PcapDecodeOptions = {}): DecodedPcap | PcapError {
  const h = readGlobalHeader(bytes);
  if (h instanceof PcapError) return h;
  const read = readRecords(bytes, h);
  if (read instanceof PcapError) return read;
  const fracNs = h.nanosecond ? 1 : NS_PER_US;
  const epochSec = opts.epochSec ?? chooseEpoch(read.raw, fracNs);
  if (!Number.isSafeInteger(epochSec)) return new PcapError(`epochSec ${epochSec} is not a safe integer`);
  const records: PcapRecord[] = [];
  for (const r of read.raw) {
    const timeNs = (r.sec - epochSec) * NS_PER_S + r.frac * fracNs;
    if (!Number.isSafeInteger(timeNs))
      return new PcapError(
        `record ${records.length + 1}: time is more than 2^53 ns (about 104 days) from second ${epochSec}`,
      );
    records.push({ timeNs, data: bytes.subarray(r.start, r.start + r.inclLen), origLen: r.origLen });
  }
  return {
    linktype: h.linktype,
    snaplen: h.snaplen,
    nanosecond: h.nanosecond,
    bigEndian: !h.littleEndian,
    epochSec,
    records,
    truncated: read.truncated,
  };
}
