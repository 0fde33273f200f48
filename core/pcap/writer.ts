/**
 * A streaming pcap encoder for long runs: the global header once, then record chunks.
 *
 * Pure: it only returns bytes, so `reports/pcap.ts` can append them to a file as the
 * simulation goes and never hold every packet. The concatenation of its chunks is byte
 * for byte what `encodePcap` makes of the same records (same layout code, `layout.ts`;
 * format after pcap-savefile(5) and draft-ietf-opsawg-pcap). Not modelled: rewriting
 * the header afterwards (classic pcap has no record count or trailer to fix up).
 */
import {
  encodeChunk,
  resolveEncodeOptions,
  type PcapEncodeOptions,
  type PcapRecord,
  type ResolvedEncodeOptions,
} from './layout.js';

/** Encodes a pcap file piece by piece; the first chunk carries the global header. */
export class PcapStreamEncoder {
  readonly #opts: ResolvedEncodeOptions;
  #headerDone = false;
  #count = 0;

  /** Checks the options now (RangeError), so a bad snaplen fails before any byte is written. */
  constructor(opts?: PcapEncodeOptions) {
    this.#opts = resolveEncodeOptions(opts);
  }

  /** The bytes to append next: the global header if not yet given, then these records. */
  encode(records: Iterable<PcapRecord> = []): Uint8Array {
    const list = Array.isArray(records) ? (records as readonly PcapRecord[]) : [...records];
    const chunk = encodeChunk(list, this.#opts, !this.#headerDone);
    this.#headerDone = true;
    this.#count += list.length;
    return chunk;
  }

  /** Whether the global header has been handed out. */
  get headerDone(): boolean {
    return this.#headerDone;
  }

  /** Records encoded so far. */
  get recordCount(): number {
    return this.#count;
  }
}
