/**
 * How the command line ends: exit codes and the errors that map to them. Bad input
 * (usage, unreadable or invalid files) exits 2 with a message and never a stack trace
 * (architecture, firm decision 8).
 */

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

/** Turns Node's file errors into sentences that name the file. */
export function describeIoError(e: unknown, file: string): CliError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new CliError(`${file}: no such file`);
  if (code === 'EISDIR') return new CliError(`${file}: is a directory; expected a scenario file`);
  if (code === 'EACCES') return new CliError(`${file}: permission denied`);
  return undefined;
}
