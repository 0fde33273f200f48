/**
 * The namespace agent's client: one id scheme for every command (a probe the agent
 * cannot start is rejected with the agent's error, not waited for under another name),
 * a deadline on every command, and the agent's loop living through timers longer than
 * epoll takes.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect } from 'vitest';
import { AgentClient } from './agent-client.js';
import { RunResources } from './lifecycle.js';
import type { RunNames } from './names.js';
import { itEmulator } from '../test/helpers/emulator.js';

const MINUTE_NS = 60e9;

describe('the namespace agent client', () => {
  const runs: RunResources[] = [];
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((r) => r.teardown()));
  });

  function started(): { agent: AgentClient; res: RunResources; names: RunNames } {
    const res = new RunResources();
    runs.push(res);
    const agent = new AgentClient();
    res.agent = agent;
    return { agent, res, names: res.claimNames() };
  }

  itEmulator(
    'a TCP or UDP probe the agent cannot start is rejected with its error instead of waiting forever',
    async () => {
      const { agent, names } = started();
      await agent.ready;
      for (const kind of ['tcp', 'udp'] as const) {
        const probe = agent.probe(`p-${kind}`, {
          ns: names.ns('absent'),
          kind,
          dst: '192.0.2.1',
          port: 80,
          request: 'x',
          timeoutNs: 1e9,
        });
        await expect(probe).rejects.toThrow(
          new RegExp(`probe p-${kind}: namespace agent: FileNotFoundError.*${names.ns('absent')}`),
        );
      }
      // The agent is still there and answers.
      await expect(agent.request({ op: 'sysctl', ns: names.ns('absent') })).rejects.toThrow(/FileNotFoundError/);
    },
  );

  itEmulator('a command the agent does not answer fails at its deadline, with what was asked', async () => {
    const { agent } = started();
    await agent.ready;
    process.kill(agent.pid as number, 'SIGSTOP');
    try {
      const t = Date.now();
      await expect(agent.request({ op: 'relay-stats' }, 300)).rejects.toThrow(
        /did not answer within 300 ms: \{"op":"relay-stats"/,
      );
      expect(Date.now() - t).toBeLessThan(5000);
    } finally {
      process.kill(agent.pid as number, 'SIGCONT');
    }
  });

  itEmulator('a probe timer of 36000 minutes (past what epoll_wait takes) leaves the agent serving', async () => {
    const { agent, res, names } = started();
    const ns = names.ns('a');
    res.namespaces.push(ns);
    await agent.ready;
    // The datagram goes to a MAC nobody has (a permanent neighbour, so no ARP fails) and
    // the veth's peer drops it as another host's: the probe waits for its timeout.
    const ip = (args: string[]) => expect(spawnSync('ip', args, { encoding: 'utf8' }).stderr).toBe('');
    ip(['netns', 'add', ns]);
    ip(['-n', ns, 'link', 'add', 'd0', 'type', 'veth', 'peer', 'name', 'd1']);
    ip(['-n', ns, 'link', 'set', 'd0', 'up']);
    ip(['-n', ns, 'link', 'set', 'd1', 'up']);
    ip(['-n', ns, 'address', 'add', '192.0.2.1/24', 'dev', 'd0']);
    ip(['-n', ns, 'neigh', 'add', '192.0.2.2', 'lladdr', '02:00:00:00:00:02', 'dev', 'd0', 'nud', 'permanent']);
    const probe = agent.probe('long', {
      ns,
      kind: 'udp',
      dst: '192.0.2.2',
      port: 9,
      request: 'x',
      timeoutNs: 36_000 * MINUTE_NS,
    });
    probe.catch(() => undefined);
    const r = await agent.request({ op: 'sysctl', ns, read: ['net.ipv4.ip_forward'] });
    expect(r.values).toEqual({ 'net.ipv4.ip_forward': '0' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(agent.exitCode).toBeNull();
    await expect(agent.request({ op: 'relay-stats' })).resolves.toMatchObject({ op: 'ok' });
  });
});
