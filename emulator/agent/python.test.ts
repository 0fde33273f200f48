/**
 * Runs the namespace agent's own unit tests (emulator/agent/tests, Python's unittest):
 * its protocol checks against protocol.schema.json, its schema validator, and the pure
 * parts of its probes, relay and sysctl keys. None needs root or a namespace. And the
 * two sides of the protocol on the same messages: every request the client encodes passes
 * the agent's check, and the replies the agent writes pass the client's.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PYTHON } from '../agent-client.js';
import { decodeReply, encodeRequest, type AgentRequest } from '../agent-protocol.js';
import { agentDir } from '../paths.js';

/** Runs Python in the agent's folder as the agent runs (-S) and without writing bytecode (-B). */
function python(args: string[], input?: string) {
  return spawnSync(PYTHON, ['-S', '-B', ...args], { cwd: agentDir(), encoding: 'utf8', input });
}

const SHAPE = { delayNs: 1_000_000, jitterNs: 0, lossPpm: 10_000, rateBps: 0, limit: 0 };
const REQUESTS: AgentRequest[] = [
  { op: 'sysctl', id: 'c0', ns: 'tnab12-a', set: { 'net.ipv4.ip_forward': '1' }, read: ['net.ipv4.ip_forward'] },
  { op: 'listen', id: 'c1', ns: 'tnab12-a', proto: 'tcp', port: 80 },
  { op: 'probe', id: 'c2', ns: 'tnab12-a', kind: 'udp', dst: '10.0.0.2', port: 53, request: 'q\n', timeoutNs: 2e9 },
  {
    op: 'relay',
    id: 'c3',
    relay: 'a/eth0',
    a: { ns: 'tnab12-_relay', dev: 'r1' },
    b: { ns: 'tnab12-_relay', dev: 'r2' },
    shapeAB: SHAPE,
    shapeBA: SHAPE,
    seed: 7,
  },
  { op: 'relay-shape', id: 'c4', relay: 'a/eth0', dir: 'ab', shape: SHAPE },
  { op: 'relay-stats', id: 'c5' },
  {
    op: 'proxy',
    id: 'c6',
    ns: 'tnab12-h',
    proto: 'udp',
    hostIp: '0.0.0.0',
    hostPort: 53,
    containerIp: '172.17.0.2',
    containerPort: 53,
    version: '20.10',
    udpTimeoutNs: 3e8,
  },
  { op: 'quit' },
];

// Reads request lines, checks each with the agent's Protocol and answers as the agent would
// for one that does not touch a namespace (relay-stats), or with the error it would send.
const CHECK_REQUESTS = `
import io, sys
from twinnet_agent.agent import Agent
from twinnet_agent.protocol import Protocol
out = io.StringIO()
p = Protocol(out)
for line in sys.stdin:
    p.decode(line)
    print('checked', file=sys.stderr)
agent = Agent(out)
agent.run_line(b'{"op":"relay-stats","id":"c9"}')
agent.run_line(b'{"op":"listen","id":"c10","ns":"x","proto":"tcp","port":99999}')
sys.stdout.write(out.getvalue())
`;

describe('the namespace agent (Python)', () => {
  it('passes its unit tests', () => {
    const r = python(['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.']);
    expect(r.stderr).toMatch(/\nOK\n?$/);
    expect(r.status).toBe(0);
  });

  it('accepts every request the client encodes, and writes replies the client accepts', () => {
    const r = python(['-c', CHECK_REQUESTS], REQUESTS.map(encodeRequest).join(''));
    expect(r.stderr.trim().split('\n')).toEqual(REQUESTS.map(() => 'checked'));
    const replies = r.stdout.trim().split('\n').map(decodeReply);
    expect(replies).toEqual([
      { op: 'ok', id: 'c9', stats: {} },
      { op: 'error', id: 'c10', error: expect.stringMatching(/port: more than 65535/) },
    ]);
  });
});
