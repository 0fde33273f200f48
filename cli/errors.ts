/**
 * How the command line ends: exit codes and the errors that map to them. Bad input
 * (usage, unreadable or invalid files) exits 2 with a message and never a stack trace
 * (architecture, firm decision 8).
 */
import { ScenarioFileError } from './scenario-file.js';

export const EXIT_OK = 0;
/** The run finished but an expectation (or a comparison) failed. */
export const EXIT_FAILED = 1;
/** The input was wrong: usage, an unreadable file, an invalid scenario. */
export const EXIT_BAD_INPUT = 2;
/** The machine cannot do what was asked (the emulator without root, say). */
export const EXIT_UNAVAILABLE = 3;
/** A bug in twinnet. */
export const EXIT_INTERNAL = 70;

/** An error whose message is the whole story for the user. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_BAD_INPUT,
  ) {
    super(message);
  }
}

/** Node's file error codes, as sentences (open(2), errno(3)). */
const IO_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory; expected a scenario file',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  ENXIO: 'no such device or address (a socket, or a FIFO with no reader)',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EEXIST: 'already exists',
};

/** Turns Node's file errors (and the scenario reader's own) into sentences that name the file. */
export function describeIoError(e: unknown, file: string): CliError | undefined {
  if (e instanceof ScenarioFileError) return new CliError(e.message);
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const what = code === undefined ? undefined : IO_ERRORS[code];
  return what === undefined ? undefined : new CliError(`${file}: ${what}`);
}
