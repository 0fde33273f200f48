/**
 * The run's teardown: the grace given to processes after SIGTERM lasts only as long as
 * one of them still lives (a fixed wait cost every run, bench included, 50 ms).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { RunResources } from './lifecycle.js';

/** A pid whose process has ended and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn('true');
  await new Promise((r) => child.once('exit', r));
  return child.pid as number;
}

describe('RunResources teardown', () => {
  it('does not wait out the SIGTERM grace when every process has already ended', async () => {
    const res = new RunResources();
    res.pids.add(await deadPid());
    const t = performance.now();
    await res.teardown();
    // GRACE_MS is 50: a fixed wait would take at least that.
    expect(performance.now() - t).toBeLessThan(40);
  });

  it('still sends a live process SIGTERM first, and it ends', async () => {
    const res = new RunResources();
    const child = spawn('sleep', ['30']);
    res.track(child);
    const exited = new Promise((r) => child.once('exit', (_c, sig) => r(sig)));
    await res.teardown();
    expect(await exited).toBe('SIGTERM');
  });

  it('refuses to claim a second marker, whose record its teardown would leave', async () => {
    const res = new RunResources();
    const names = res.claimNames();
    expect(() => res.claimNames()).toThrow(`internal: run ${names.marker} claims a second marker`);
    await res.teardown();
    expect(existsSync(`/run/twinnet/${names.marker}.json`)).toBe(false);
  });
});
