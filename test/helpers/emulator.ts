/**
 * What the emulator's tests need: root. They do not skip silently: without root they
 * fail with a message that says so, unless TWINNET_SKIP_EMULATOR=1 is set on purpose
 * (a developer's machine without root; never in CI).
 */
import { it } from 'vitest';

export const EMULATOR_TIMEOUT_MS = 180_000;

/** Whether to run emulator tests here; throws (failing the test) when they cannot run and may not be skipped. */
export function emulatorAvailable(): boolean {
  if (process.getuid?.() === 0) return true;
  if (process.env.TWINNET_SKIP_EMULATOR === '1') return false;
  throw new Error(
    'the emulator tests need root (they build network namespaces); run npm test as root, or set TWINNET_SKIP_EMULATOR=1 to skip them on purpose',
  );
}

/** `it` for emulator tests: a long timeout, and skipped only when skipping was asked for. */
export function itEmulator(name: string, fn: () => Promise<void>): void {
  let run = true;
  try {
    run = emulatorAvailable();
  } catch (e) {
    it(name, () => {
      throw e;
    });
    return;
  }
  (run ? it : it.skip)(name, fn, EMULATOR_TIMEOUT_MS);
}
