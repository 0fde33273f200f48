/**
 * Pcap files on disk: the only place where capture records meet the file system.
 *
 * `writePcapFile` writes a whole file; `PcapFileWriter` appends records as a long run
 * produces them, through the pure `PcapStreamEncoder` (core/pcap/writer.ts), so memory
 * stays bounded by one batch. Bytes are those of `encodePcap` (classic libpcap, nanosecond
 * timestamps, pcap-savefile(5)). Parent directories are created; every error names the
 * path. A file is created as output-path.ts creates output: an existing file or symbolic
 * link of the name is replaced, never followed. Not modelled: appending to an existing
 * capture, fsync, and atomic replacement (a failed write leaves a shorter file that still
 * decodes, flagged `truncated` if it ends inside a record).
 */
import { closeSync, mkdirSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PcapEncodeOptions, PcapRecord } from '../core/pcap/format.js';
import { PcapStreamEncoder } from '../core/pcap/writer.js';
import { createOutputFile } from './output-path.js';

/** Records encoded and written per write(2), to bound the memory one append needs. */
export const PCAP_WRITE_BATCH = 1024;

/** A pcap file could not be written; `path` says which. */
export class PcapFileError extends Error {
  constructor(
    readonly path: string,
    what: string,
    cause: unknown,
  ) {
    super(`pcap file ${path}: ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'PcapFileError';
  }
}

/** A pcap file open for appending records; write the header on open, close when done. */
export class PcapFileWriter {
  readonly #encoder: PcapStreamEncoder;
  #fd: number | undefined;

  private constructor(
    readonly path: string,
    encoder: PcapStreamEncoder,
    fd: number,
  ) {
    this.#encoder = encoder;
    this.#fd = fd;
  }

  /** Creates (or replaces) the file and its parent directories and writes the global header. */
  static open(path: string, opts?: PcapEncodeOptions): PcapFileWriter {
    const encoder = attempt(path, 'bad options', () => new PcapStreamEncoder(opts));
    attempt(path, 'cannot create its directory', () => mkdirSync(dirname(path), { recursive: true }));
    // OutputPathError (a folder there, a link planted meanwhile) goes through unwrapped: it is bad input.
    const fd = createOutputFile(path);
    const writer = new PcapFileWriter(path, encoder, fd);
    try {
      writer.#write(encoder.encode([]));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return writer;
  }

  /** Appends records in file order, a batch at a time. */
  append(records: Iterable<PcapRecord>): void {
    let batch: PcapRecord[] = [];
    for (const r of records) {
      batch.push(r);
      if (batch.length === PCAP_WRITE_BATCH) {
        this.#appendBatch(batch);
        batch = [];
      }
    }
    if (batch.length > 0) this.#appendBatch(batch);
  }

  /** Records written so far. */
  get recordCount(): number {
    return this.#encoder.recordCount;
  }

  /** Closes the file; closing twice is harmless. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    attempt(this.path, 'cannot close', () => closeSync(fd));
  }

  #appendBatch(batch: readonly PcapRecord[]): void {
    this.#write(attempt(this.path, 'bad record', () => this.#encoder.encode(batch)));
  }

  #write(bytes: Uint8Array): void {
    const fd = this.#fd;
    if (fd === undefined) throw new PcapFileError(this.path, 'cannot append', new Error('the writer is closed'));
    let done = 0;
    while (done < bytes.length) done += attempt(this.path, 'cannot write', () => writeSync(fd, bytes, done, bytes.length - done));
  }
}

/** Writes records to a new pcap file at `path` (parent directories created). */
export function writePcapFile(path: string, records: Iterable<PcapRecord>, opts?: PcapEncodeOptions): void {
  const writer = PcapFileWriter.open(path, opts);
  try {
    writer.append(records);
  } finally {
    writer.close();
  }
}

/** Runs `f`, turning whatever it throws into a PcapFileError that names the path. */
function attempt<T>(path: string, what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw new PcapFileError(path, what, e);
  }
}
