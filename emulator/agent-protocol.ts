/**
 * The namespace agent's protocol (emulator/agent/): JSON lines, a request per line on the
 * agent's stdin, a reply or an event per line on its stdout. Written once, here, in zod:
 * the TypeScript client (agent-client.ts) checks every line the agent writes with these
 * schemas, and the agent checks every request it reads and every reply it writes against
 * emulator/agent/protocol.schema.json, which is generated from them (z.toJSONSchema;
 * agent-protocol.test.ts fails when the file is stale). Every field name is camelCase.
 *
 * Probe results carry raw facts (what the kernel's socket said: a reply line, an errno, an
 * ICMP error, silence), never an outcome: core/outcome.ts classifies them, as it does
 * the simulator's. Left out: versioning (the client and the agent ship together).
 */
import { z } from 'zod';

const nsName = z.string().min(1).describe('a network namespace, as in /run/netns');
const port = z.int().min(0).max(65535);
const nonNegative = z.int().nonnegative();
const proto = z.enum(['tcp', 'udp']);
const requestId = z.string().min(1).describe("the client's id for the request; the answer carries it");

/** netem's parameters for one direction of a relayed cable (core/plan ShapePlan). */
export const Shape = z.strictObject({
  delayNs: nonNegative,
  jitterNs: nonNegative,
  lossPpm: z.int().min(0).max(1_000_000),
  rateBps: nonNegative,
  limit: nonNegative,
});

const deviceEnd = z.strictObject({ ns: nsName, dev: z.string().min(1) });

/** Every request the agent serves (without the id, which the client adds). */
export const AgentCommand = z.discriminatedUnion('op', [
  z.strictObject({
    op: z
      .literal('sysctl')
      .describe('writes then reads /proc/sys/net/* keys (dotted, as sysctl(8) prints them) in a namespace'),
    ns: nsName,
    set: z.record(z.string(), z.string()).optional(),
    read: z.array(z.string()).optional(),
  }),
  z.strictObject({ op: z.literal('listen').describe('a scenario service on 0.0.0.0:port'), ns: nsName, proto, port }),
  z.strictObject({
    op: z.literal('probe').describe('a TCP or UDP probe: send the request, wait for the reply line'),
    ns: nsName,
    kind: proto,
    dst: z.string(),
    port,
    request: z.string(),
    timeoutNs: z.int().positive(),
  }),
  z.strictObject({
    op: z.literal('relay').describe('a userspace link between two devices, shaped each way'),
    relay: z.string().min(1).describe("the cable's name, which relay-shape gives later"),
    a: deviceEnd,
    b: deviceEnd,
    shapeAB: Shape,
    shapeBA: Shape,
    seed: z.int().optional(),
  }),
  z.strictObject({ op: z.literal('relay-shape'), relay: z.string().min(1), dir: z.enum(['ab', 'ba']), shape: Shape }),
  z.strictObject({ op: z.literal('relay-stats') }),
  z.strictObject({
    op: z.literal('proxy').describe('a docker-proxy for a published port'),
    ns: nsName,
    proto,
    hostIp: z.string(),
    hostPort: port,
    containerIp: z.string(),
    containerPort: port,
    version: z.enum(['20.10', '28', '29']),
    udpTimeoutNs: z.int().positive().optional().describe("forget a UDP client sooner than Docker's 90 s (tests)"),
  }),
]);
export type AgentCommand = z.infer<typeof AgentCommand>;

/** A request as it goes on the wire: a command with its id, or quit (which has no answer). */
export const AgentRequest = z.discriminatedUnion('op', [
  AgentCommand.options[0].extend({ id: requestId }),
  AgentCommand.options[1].extend({ id: requestId }),
  AgentCommand.options[2].extend({ id: requestId }),
  AgentCommand.options[3].extend({ id: requestId }),
  AgentCommand.options[4].extend({ id: requestId }),
  AgentCommand.options[5].extend({ id: requestId }),
  AgentCommand.options[6].extend({ id: requestId }),
  z.strictObject({ op: z.literal('quit') }),
]);
export type AgentRequest = z.infer<typeof AgentRequest>;

const seen = z.strictObject({ address: z.string(), port });

/** How a probe's socket ended: core/outcome.ts ProbeEnd, as the agent reports it. */
export const ProbeEndFact = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('reply'), seen }),
  z.strictObject({ kind: z.literal('closed') }),
  z.strictObject({
    kind: z.literal('errno'),
    errno: z.string().describe('its name, as errno(3) spells it'),
    step: z.enum(['connect', 'send', 'connection', 'receive']),
    strerror: z.string(),
  }),
  z.strictObject({ kind: z.literal('icmp'), type: z.int(), code: z.int(), info: z.int(), from: z.string() }),
  z.strictObject({ kind: z.literal('timeout'), connected: z.boolean().optional() }),
]);

const relayCounts = z.strictObject({
  sent: nonNegative,
  loss: nonNegative,
  queueFull: nonNegative,
  linkDown: nonNegative,
});

/** Every line the agent writes. */
export const AgentReply = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('ready'), pid: z.int().positive() }),
  z.strictObject({
    op: z.literal('ok'),
    id: requestId,
    values: z
      .record(z.string(), z.string().nullable())
      .optional()
      .describe('sysctl: what was read (null: no such key)'),
    stats: z.record(z.string(), relayCounts).optional().describe('relay-stats: the counts of each relay'),
  }),
  z.strictObject({ op: z.literal('error'), id: requestId.nullable(), error: z.string() }),
  z.strictObject({
    op: z.literal('result'),
    id: requestId,
    end: ProbeEndFact,
    sent: nonNegative,
    received: nonNegative,
    rttNs: z.array(nonNegative),
  }),
  z.strictObject({
    op: z.literal('log').describe('what a docker-proxy would log'),
    ns: z.string(),
    what: z.string(),
    message: z.string(),
  }),
  z.strictObject({ op: z.literal('fault').describe('a callback failed: the run stops'), error: z.string() }),
]);
export type AgentReply = z.infer<typeof AgentReply>;
export type AgentOk = Extract<AgentReply, { op: 'ok' }>;
export type AgentProbeReport = Extract<AgentReply, { op: 'result' }>;

/** The protocol as one JSON Schema document: the request and the reply under $defs. */
export function protocolJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'twinnet namespace agent protocol (generated from emulator/agent-protocol.ts; do not edit)',
    $defs: {
      request: withoutDialect(z.toJSONSchema(AgentRequest)),
      reply: withoutDialect(z.toJSONSchema(AgentReply)),
    },
  };
}

function withoutDialect(s: Record<string, unknown>): Record<string, unknown> {
  const { $schema: _, ...rest } = s;
  return rest;
}

/** The schema file's text, as written to emulator/agent/protocol.schema.json. */
export function protocolSchemaText(): string {
  return `${JSON.stringify(protocolJsonSchema(), null, 2)}\n`;
}

/** One request line (the agent reads lines). */
export function encodeRequest(r: AgentRequest): string {
  AgentRequest.parse(r);
  return `${JSON.stringify(r)}\n`;
}

/** One line the agent wrote, checked; throws (a ZodError, or a SyntaxError) when it breaks the protocol. */
export function decodeReply(line: string): AgentReply {
  return AgentReply.parse(JSON.parse(line));
}
