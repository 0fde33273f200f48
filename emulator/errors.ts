/**
 * The emulator's errors: one class with a `kind`, carrying what a person needs to act:
 * the command (argv), its exit code and its standard error, or the objects that differ
 * from the plan. Nothing is swallowed: a failed step stops the build and is reported.
 */

export type EmulatorErrorKind = 'precondition' | 'command-failed' | 'verify-mismatch' | 'timeout';

export class EmulatorError extends Error {
  constructor(
    readonly kind: EmulatorErrorKind,
    message: string,
    readonly argv?: readonly string[],
    readonly exitCode?: number | null,
    readonly stderr?: string,
  ) {
    super(message);
    this.name = 'EmulatorError';
  }

  /** The error as a person reads it: what failed, the command, its exit code and stderr. */
  describe(): string {
    const lines = [this.message];
    if (this.argv !== undefined) lines.push(`  command: ${this.argv.map(shellWord).join(' ')}`);
    if (this.exitCode !== undefined) lines.push(`  exit code: ${this.exitCode ?? 'killed'}`);
    if (this.stderr !== undefined && this.stderr.trim() !== '')
      lines.push(
        ...this.stderr
          .trimEnd()
          .split('\n')
          .map((l) => `  stderr: ${l}`),
      );
    return lines.join('\n');
  }
}

/** An argument as a shell would need it written, for messages only (commands never go through a shell). */
export function shellWord(a: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
