/** How an emulator failure ends `twinnet emulate` and `twinnet compare`: exit 1 is for unmet expectations only. */
import { describe, expect, it } from 'vitest';
import { EmulatorError } from '../emulator/errors.js';
import { emulatorFailure } from './emulate.js';
import { CliError, EXIT_INTERNAL, EXIT_UNAVAILABLE } from './errors.js';

function exitOf(e: unknown): { code: number; message: string } {
  try {
    emulatorFailure(e);
  } catch (x) {
    if (x instanceof CliError) return { code: x.exitCode, message: x.message };
    throw x;
  }
  throw new Error('emulatorFailure returned');
}

describe('emulator failures and exit codes', () => {
  it('a build command that fails exits 70 (not 1), with the command, its exit code and its stderr', () => {
    const e = new EmulatorError(
      'command-failed',
      'ip -n tnab12-h -batch - failed (exit 2): RTNETLINK answers: File exists',
      ['ip', '-n', 'tnab12-h', '-batch', '-'],
      2,
      'RTNETLINK answers: File exists\nCommand failed -:7\n',
    );
    const r = exitOf(e);
    expect(r.code).toBe(EXIT_INTERNAL);
    expect(r.message).toContain(
      '  command: ip -n tnab12-h -batch -\n  exit code: 2\n  stderr: RTNETLINK answers: File exists',
    );
    expect(exitOf(new EmulatorError('timeout', 'the namespace agent did not answer')).code).toBe(EXIT_INTERNAL);
    expect(exitOf(new EmulatorError('verify-mismatch', 'namespace h: route ... is missing')).code).toBe(EXIT_INTERNAL);
  });
  it('what the machine lacks exits 3', () => {
    expect(exitOf(new EmulatorError('precondition', 'no br_netfilter')).code).toBe(EXIT_UNAVAILABLE);
  });
  it('anything else goes on as it is (an internal error)', () => {
    const e = new Error('boom');
    expect(() => emulatorFailure(e)).toThrow(e);
  });
});
