/**
 * The front door of the scenario pipeline: bytes -> text -> parse -> resolve -> validate,
 * with every diagnostic located in the file. Callers get either a model with no errors
 * (and maybe warnings) or the full list of what is wrong.
 *
 * Reading is bounded: only regular files (and standard input, `-`) are read, at most
 * MAX_SCENARIO_BYTES of them, so that a mistaken path (`/dev/zero`, a FIFO, a disk image)
 * gets a sentence instead of a process that reads forever. Text must be UTF-8.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { basename, extname } from 'node:path';
import { DiagnosticSink, hasErrors, type Diagnostic } from './diagnostics.js';
import type { ScenarioModel } from './model.js';
import { parseScenarioText } from './parse.js';
import { resolveScenario } from './resolve/index.js';
import type { SourceDoc } from './source.js';
import { validateModel } from './validate/index.js';

export interface LoadResult {
  /** Present when there are no errors. */
  readonly model?: ScenarioModel;
  readonly diagnostics: readonly Diagnostic[];
  readonly source: SourceDoc;
}

/** The steps of loading, in order, told to `onStep` as each begins (the CLI shows progress on large files). */
export type LoadStep = 'parse' | 'resolve' | 'check';

/** Loads scenario text that came from `file` (used for messages and the default name). */
export function loadScenarioText(text: string, file: string, onStep: (step: LoadStep) => void = () => {}): LoadResult {
  onStep('parse');
  const parsed = parseScenarioText(text, file);
  if (parsed.raw === undefined) return { diagnostics: parsed.diagnostics, source: parsed.source };
  const sink = new DiagnosticSink();
  onStep('resolve');
  const model = resolveScenario(parsed.raw, basename(file, extname(file)), sink);
  onStep('check');
  validateModel(sink, model);
  const diagnostics = parsed.source.attach(sink.list).sort(byPosition);
  return hasErrors(diagnostics) ? { diagnostics, source: parsed.source } : { model, diagnostics, source: parsed.source };
}

/**
 * The largest scenario read, in bytes (64 MiB; README and docs/scenario-format.md say so).
 * A scenario of 100,000 containers is under 3 MiB.
 */
export const MAX_SCENARIO_BYTES = 64 * 1024 * 1024;

/** A scenario file that cannot be read as one: not a regular file, or too large. */
export class ScenarioFileError extends Error {
  constructor(
    readonly file: string,
    what: string,
  ) {
    super(`${file}: ${what}`);
    this.name = 'ScenarioFileError';
  }
}

/**
 * Reads and loads a scenario file (`-`: standard input). I/O errors (Node's, and
 * ScenarioFileError) are thrown to the caller (the CLI reports them).
 */
export function loadScenarioFile(file: string, onStep?: (step: LoadStep) => void): LoadResult {
  return loadScenarioBytes(readScenarioBytes(file), file === '-' ? 'stdin' : file, onStep);
}

/** Loads scenario bytes: text that is not UTF-8 is one located error. */
export function loadScenarioBytes(bytes: Uint8Array, file: string, onStep?: (step: LoadStep) => void): LoadResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const lenient = new TextDecoder('utf-8').decode(bytes);
    const at = lenient.indexOf('\uFFFD');
    const before = lenient.slice(0, Math.max(at, 0));
    const line = before.split('\n').length;
    const col = before.length - before.lastIndexOf('\n');
    const parsed = parseScenarioText('', file);
    return { source: parsed.source, diagnostics: [{ severity: 'error', path: [], message: 'not a text file: it is not valid UTF-8; expected a scenario in YAML or JSON', file, line, col }] };
  }
  return loadScenarioText(text, file, onStep);
}

/** The bytes of a regular file or of standard input (`-`), at most MAX_SCENARIO_BYTES. */
export function readScenarioBytes(file: string): Uint8Array {
  // Standard input is read where it is (it may be a socket, which /dev/stdin cannot reopen).
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const fd = file === '-' ? STDIN_FD : openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (file !== '-' && !st.isFile()) throw new ScenarioFileError(file, `is ${kindOf(st)}; expected a scenario file`);
    if (st.isFile() && st.size > MAX_SCENARIO_BYTES) throw tooLarge(file === '-' ? 'stdin' : file);
    return readAtMost(fd, file === '-' ? 'stdin' : file);
  } finally {
    if (fd !== STDIN_FD) closeSync(fd);
  }
}

const STDIN_FD = 0;
/** How long to wait before reading standard input again when it has nothing yet (EAGAIN). */
const STDIN_RETRY_MS = 10;

/** read(2), waiting while a non-blocking descriptor (a pipe Node made) has nothing yet. */
function readWaiting(fd: number, buf: Buffer): number {
  for (;;) {
    try {
      return readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, STDIN_RETRY_MS);
    }
  }
}

function readAtMost(fd: number, file: string): Uint8Array {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(1 << 20, MAX_SCENARIO_BYTES + 1 - total));
    const n = readWaiting(fd, chunk);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    // A file that grows while it is read, or a pipe that does not end, stops here.
    if (total > MAX_SCENARIO_BYTES) throw tooLarge(file);
  }
  return Buffer.concat(chunks, total);
}

function tooLarge(file: string): ScenarioFileError {
  return new ScenarioFileError(file, `is larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB, the most twinnet reads of a scenario (MAX_SCENARIO_BYTES)`);
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}
