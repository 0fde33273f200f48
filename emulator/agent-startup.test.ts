/**
 * The namespace agent's start-up, which every run waits for before its first sysctl:
 * it does not compile proxy.py (Docker's userland proxy, without a bytecode cache) unless
 * a run asks for a proxy, nor relay.py unless it splices a cable; docker-proxy.test.ts
 * covers the proxies themselves.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PYTHON } from './agent-client.js';
import { agentScript } from './paths.js';

describe('namespace agent start-up', () => {
  it('does not import proxy.py or relay.py when no proxy or relay is asked for', () => {
    const r = spawnSync(PYTHON, ['-S', '-X', 'importtime', agentScript()], {
      input: `${JSON.stringify({ op: 'quit' })}\n`,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('"op":"ready"');
    const imported = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('import time:'))
      .map((l) => l.split('|').pop()?.trim());
    expect(imported).toContain('json');
    expect(imported).toContain('twinnet_agent.agent');
    expect(imported).not.toContain('twinnet_agent.proxy');
    expect(imported).not.toContain('twinnet_agent.relay');
  });
});
