/**
 * Where twinnet writes its output (`--out DIR`, `plan -o FILE`), made safe: a path that
 * cannot hold the output is refused with a sentence (OutputPathError, which the command
 * line turns into exit code 2) before any work is done, and output files never follow a
 * symbolic link someone planted in the output folder.
 *
 * Files are created with O_CREAT|O_EXCL|O_NOFOLLOW after removing whatever entry had the
 * name (a file or a symbolic link, never a folder): O_EXCL fails on any existing entry,
 * a symbolic link included (open(2)), so a link planted between the removal and the
 * creation is an error, never followed. Sub folders the output needs (`pcap/`) must be
 * real folders. The output folder itself may be a symbolic link the user gave, if it
 * points to a folder. Not modelled: fsync, and atomic replacement of a file that
 * already existed (it is removed first).
 */
import { closeSync, constants, lstatSync, mkdirSync, openSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';

/** A path the output cannot be written to; the message names it and says why. */
export class OutputPathError extends Error {
  constructor(
    readonly path: string,
    what: string,
  ) {
    super(`output ${path === '' ? '""' : path}: ${what}`);
    this.name = 'OutputPathError';
  }
}

/** Mode of files twinnet writes, before the umask (as creat(2) callers usually give). */
const FILE_MODE = 0o644;

/** Makes sure `dir` is a folder the output can go to, creating it and its parents if missing. */
export function prepareOutputDir(dir: string): void {
  if (dir === '') throw new OutputPathError(dir, 'an empty path; expected a folder');
  const st = lstatOf(dir);
  if (st === undefined) {
    attempt(dir, () => mkdirSync(dir, { recursive: true }), 'cannot create the folder');
    return;
  }
  const target = st.isSymbolicLink() ? statOf(dir) : st;
  if (target === undefined) throw new OutputPathError(dir, 'is a symbolic link to something that does not exist; expected a folder');
  if (!target.isDirectory()) throw new OutputPathError(dir, 'exists and is not a folder; expected a folder (or a path that does not exist yet)');
}

/** Makes sure `dir`, a folder inside the output folder, is a real folder (never a symbolic link). */
export function prepareSubDir(dir: string): void {
  const st = lstatOf(dir);
  if (st === undefined) attempt(dir, () => mkdirSync(dir), 'cannot create the folder');
  else if (st.isSymbolicLink()) throw new OutputPathError(dir, 'is a symbolic link; twinnet writes only into real folders');
  else if (!st.isDirectory()) throw new OutputPathError(dir, 'exists and is not a folder');
}

/** Checks that a file can be created at `path`: not empty, not a folder, in a folder that exists. */
export function checkOutputFile(path: string): void {
  if (path === '') throw new OutputPathError(path, 'an empty path; expected a file name');
  if (lstatOf(path)?.isDirectory() === true) throw new OutputPathError(path, 'is a folder; expected a file name');
  const parent = statOf(dirname(path));
  if (parent === undefined) throw new OutputPathError(path, `the folder ${dirname(path)} does not exist`);
  if (!parent.isDirectory()) throw new OutputPathError(path, `${dirname(path)} is not a folder`);
}

/**
 * Creates `path` as a new file and returns its descriptor: an existing file or symbolic
 * link of that name is removed first, never followed or truncated.
 */
export function createOutputFile(path: string): number {
  checkOutputFile(path);
  if (lstatOf(path) !== undefined) attempt(path, () => unlinkSync(path), 'cannot replace the file there');
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
  return attempt(path, () => openSync(path, flags, FILE_MODE), 'cannot create the file');
}

/** Writes a whole file at `path` as createOutputFile creates it. */
export function writeOutputFile(path: string, data: string | Uint8Array): void {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const fd = createOutputFile(path);
  try {
    let done = 0;
    while (done < bytes.length) done += attempt(path, () => writeSync(fd, bytes, done, bytes.length - done), 'cannot write');
  } finally {
    closeSync(fd);
  }
}

function lstatOf(path: string): Stats | undefined {
  return attempt(path, () => lstatSync(path, { throwIfNoEntry: false }), 'cannot look at it');
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined; // ELOOP, ENOTDIR: not a folder either way
  }
}

/** Node's errors on the output path, as sentences (open(2), mkdir(2), errno(3)). */
const WHY: Readonly<Record<string, string>> = {
  ENOENT: 'a folder on the way does not exist, or the file system does not allow creating it',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'a folder is in the way',
  EEXIST: 'something appeared at this path while it was being created; not followed',
  ELOOP: 'a symbolic link is in the way; not followed',
  ENOSPC: 'no space left on the device',
  ENAMETOOLONG: 'name too long',
};

/** Runs `f`; a file-system error it throws becomes an OutputPathError saying what failed and why. */
function attempt<T>(path: string, f: () => T, what: string): T {
  try {
    return f();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === undefined ? undefined : WHY[code];
    if (why === undefined) throw e;
    throw new OutputPathError(path, `${what}: ${why}`);
  }
}
