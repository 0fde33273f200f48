/**
 * Reading a scenario file: the command line's side of loading (core gets text or bytes,
 * never a path: core/plan/load-plan.ts). Reading is bounded: only regular files (and
 * standard input, `-`) are read, at most MAX_SCENARIO_BYTES of them, so that a mistaken
 * path (`/dev/zero`, a FIFO, a disk image) gets a sentence instead of a process that
 * reads forever.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';

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

/** The name messages give a scenario read from `file` (`-` is standard input). */
export function scenarioFileName(file: string): string {
  return file === '-' ? 'stdin' : file;
}

/**
 * The bytes of a regular file or of standard input (`-`), at most MAX_SCENARIO_BYTES.
 * I/O errors (Node's, and ScenarioFileError) are thrown to the caller.
 */
export function readScenarioBytes(file: string): Uint8Array {
  // Standard input is read where it is (it may be a socket, which /dev/stdin cannot reopen).
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const fd = file === '-' ? STDIN_FD : openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = fstatSync(fd);
    if (file !== '-' && !st.isFile()) throw new ScenarioFileError(file, `is ${kindOf(st)}; expected a scenario file`);
    if (st.isFile() && st.size > MAX_SCENARIO_BYTES) throw tooLarge(scenarioFileName(file));
    return readAtMost(fd, scenarioFileName(file));
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
  return new ScenarioFileError(
    file,
    `is larger than ${MAX_SCENARIO_BYTES / 1024 / 1024} MiB, the most twinnet reads of a scenario (MAX_SCENARIO_BYTES)`,
  );
}

function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}
