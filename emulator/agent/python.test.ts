/**
 * Runs the namespace agent's own unit tests (emulator/agent/tests, Python's unittest):
 * its protocol checks against protocol.schema.json, its schema validator, and the pure
 * parts of its probes, relay and sysctl keys. None needs root or a namespace.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../agent-client.js';
import { agentDir } from '../paths.js';

describe('the namespace agent (Python)', () => {
  it('passes its unit tests', () => {
    // -S as the agent runs (standard library only); -B: no __pycache__ in the source tree.
    const r = spawnSync(PYTHON, ['-S', '-B', '-m', 'unittest', 'discover', '-s', 'tests', '-t', '.'], {
      cwd: agentDir(),
      encoding: 'utf8',
    });
    expect(r.stderr).toMatch(/\nOK\n?$/);
    expect(r.status).toBe(0);
  });
});
