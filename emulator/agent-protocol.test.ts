import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AgentReply, decodeReply, encodeRequest, protocolSchemaText } from './agent-protocol.js';
import { agentDir } from './paths.js';

const SCHEMA_FILE = join(agentDir(), 'protocol.schema.json');

describe("the namespace agent's protocol", () => {
  it('is the schema file the agent checks against (UPDATE_AGENT_SCHEMA=1 rewrites it)', () => {
    if (process.env.UPDATE_AGENT_SCHEMA === '1') writeFileSync(SCHEMA_FILE, protocolSchemaText());
    expect(readFileSync(SCHEMA_FILE, 'utf8')).toBe(protocolSchemaText());
  });
  it('encodes a request as one checked line', () => {
    expect(encodeRequest({ op: 'listen', id: 'c1', ns: 'tnab12-web', proto: 'tcp', port: 80 })).toBe(
      '{"op":"listen","id":"c1","ns":"tnab12-web","proto":"tcp","port":80}\n',
    );
    expect(encodeRequest({ op: 'quit' })).toBe('{"op":"quit"}\n');
    expect(() => encodeRequest({ op: 'listen', id: 'c1', ns: 'x', proto: 'tcp', port: 70000 })).toThrow();
  });
  it('decodes replies and refuses what breaks the protocol', () => {
    const result =
      '{"op":"result","id":"c3","end":{"kind":"icmp","type":3,"code":3,"info":0,"from":"10.0.0.2"},"sent":1,"received":0,"rttNs":[]}';
    expect(decodeReply(result)).toMatchObject({ op: 'result', end: { kind: 'icmp', code: 3 } });
    expect(decodeReply('{"op":"ok","id":"c1","values":{"net.ipv4.ip_forward":"1","net.x":null}}')).toMatchObject({
      op: 'ok',
    });
    expect(() => decodeReply('{"op":"ok"}')).toThrow();
    expect(() => decodeReply('{"op":"result","id":"c3","outcome":"delivered"}')).toThrow();
    expect(() => decodeReply('{"op":"ok","id":"c1","rtt_ns":[]}')).toThrow();
    expect(() => decodeReply('not json')).toThrow(SyntaxError);
    expect(AgentReply.safeParse({ op: 'ready', pid: 7 }).success).toBe(true);
  });
});
