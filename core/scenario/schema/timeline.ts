/**
 * The timeline: probes (ping, TCP, UDP, path MTU) and faults (links down and up,
 * impairment changes, container disconnect and connect, the overlay control plane
 * programming or withdrawing an endpoint's entries on one node) at given times, and what
 * each probe must show.
 *
 * Probes mirror the tools the emulator runs: ping(8) from iputils for `ping`, the
 * project's own small TCP and UDP clients for `tcp` and `udp`.
 */
import { z } from 'zod';
import { duration, impairmentFields, ipv4, name, pattern, port, proto } from './common.js';
import { ifRef } from './networks.js';

/** The closed set of probe outcomes (architecture, firm decision 5). */
export const OUTCOMES = ['delivered', 'refused', 'unreachable', 'dropped', 'timed-out'] as const;

const target = z.union(
  [
    z.string().min(1),
    z.strictObject({ container: name, network: name.optional() }),
    z.strictObject({ host: name, interface: z.string().optional() }),
    z.strictObject({
      container: name,
      published: z.int().min(1).max(65535).describe('the container port whose published host port to use'),
      address: ipv4.optional().describe('the host address to use; default the mapping\'s, else the host\'s primary'),
    }),
  ],
  {
    error:
      'expected an address, a host or container name, {container, network}, {host, interface} or {container, published}',
  },
);

const from = name.describe('the host or container the probe runs in');

const ping = z.strictObject({
  from,
  to: target,
  count: z.int().min(1).max(10000).optional().describe('echo requests to send (ping -c); default 1'),
  interval: duration.optional().describe('between requests (ping -i); default 1s'),
  size: z.int().min(0).max(65507).optional().describe('ICMP payload bytes (ping -s); default 56'),
  df: z.boolean().optional().describe('set Don\'t Fragment (ping -M do); default false'),
  ttl: z.int().min(1).max(255).optional().describe('IP TTL (ping -t); default 64'),
  timeout: duration.optional().describe('wait for a reply to the last request (ping -W); default 2s'),
});

const tcp = z.strictObject({
  from,
  to: target,
  port: port.optional().describe('destination port; not with to.published'),
  request: z.string().optional().describe('bytes to send once connected; default "twinnet\\n"'),
  timeout: duration.optional().describe('connect timeout; default 3.5s (three SYNs at the 1 s initial RTO)'),
});

const udp = z.strictObject({
  from,
  to: target,
  port: port.optional(),
  request: z.string().optional(),
  timeout: duration.optional().describe('wait for the reply; default 2s'),
});

const pmtu = z.strictObject({ from, to: target });

/**
 * A loss bound: a percentage from 0% to 100%, spelled like netem's loss. The grammar
 * itself stops at 100% so that an editor flags `150%` as well as `twinnet validate`.
 */
const lossPercent = pattern(
  /^(100(\.0+)?|[0-9]{1,2}(\.[0-9]+)?)%$/,
  'expected a percentage from 0% to 100%, such as 5%',
);

/** Bounds on one measure; at least one of min and max (checked when resolving). */
const bounds = <T extends z.ZodType>(t: T, what: string) =>
  z.strictObject({ min: t.optional().describe(`smallest ${what} allowed`), max: t.optional().describe(`largest ${what} allowed`) });

/** A percentile of the round-trip times, nearest-rank (docs/scenario-format.md, Expectations). */
const rttPercentile = (p: string) => bounds(duration, `${p} round-trip time`).optional();

const outcomeError = `expected an outcome: ${OUTCOMES.join(', ')}`;

const expectation = z.strictObject({
  outcome: z
    .union([z.enum(OUTCOMES, { error: outcomeError }), z.array(z.enum(OUTCOMES, { error: outcomeError })).min(1, { error: 'expected a list of at least one outcome' })], {
      error: `${outcomeError} or a list of them`,
    })
    .optional()
    .describe('how the probe ends; a list accepts any of them (a race in the real kernel, which compare forgives)'),
  reachable: z.boolean().optional().describe('true: delivered; false: anything else'),
  'seen-source': z
    .string()
    .regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}(:[0-9]{1,5})?$/, { error: 'expected ADDRESS or ADDRESS:PORT' })
    .optional()
    .describe('the source address (and port) the server saw'),
  ttl: z.int().min(0).max(255).optional().describe('TTL of the reply as the client saw it'),
  rtt: z
    .strictObject({
      min: duration.optional().describe('every round-trip time at least this'),
      max: duration.optional().describe('every round-trip time at most this'),
      p50: rttPercentile('median (50th percentile)'),
      median: rttPercentile('median (same as p50)'),
      p90: rttPercentile('90th percentile'),
      p99: rttPercentile('99th percentile'),
    })
    .optional()
    .describe('bounds on every round-trip time (min, max) or on a percentile of them (p50 or median, p90, p99: nearest rank)'),
  'path-mtu': z.int().min(68).max(65535).optional().describe('pmtu: the largest packet that passes'),
  received: z
    .union([z.int().min(0), bounds(z.int().min(0), 'number of replies')], {
      error: 'expected a number of replies (0 or more) or {min: N, max: N}',
    })
    .optional()
    .describe('ping: replies that must arrive, exactly or {min, max}'),
  loss: bounds(lossPercent, 'loss')
    .optional()
    .describe('ping: bounds on the fraction of requests without a reply, as percentages (max: 5%)'),
});

const timelineBase = {
  at: duration.describe('when, from the start of the run'),
  name: name.optional().describe('a name for reports; default the action and its position'),
  expect: expectation.optional(),
};

/** Which overlay nodes the control plane updates: every other node (default), none, or the listed ones. */
const nodes = z.union([z.literal('all'), z.literal('none'), z.array(name)], {
  error: 'expected all, none, or a list of Docker hosts the overlay spans',
});

const membership = z.strictObject({
  container: name,
  network: name,
  unprogram: nodes.optional().describe('overlay: the nodes that withdraw the endpoint\'s FDB and neighbour entries; default all (none leaves them stale)'),
});

const connection = z.strictObject({
  container: name,
  network: name,
  'ipv4-address': ipv4.optional().describe('static address (docker network connect --ip)'),
  'gw-priority': z.int().optional().describe('default-gateway priority (docker network connect --gw-priority; Docker 28 or newer)'),
  program: nodes.optional().describe('overlay: the nodes that get the endpoint\'s FDB and neighbour entries; default all (none: programmed later with program)'),
});

/** One container's overlay endpoint on one node, for the control plane's program and unprogram. */
const peerEntries = z.strictObject({
  host: name.describe('the node whose overlay namespace is updated'),
  network: name.describe('the overlay'),
  container: name.describe('the container whose endpoint the entries describe'),
});

const impair = z.strictObject({ target: z.string(), ...impairmentFields });

/** Every action a timeline entry may carry; exactly one per entry. */
export const ACTIONS = {
  ping,
  tcp,
  udp,
  pmtu,
  'link-down': ifRef.or(name),
  'link-up': ifRef.or(name),
  impair,
  disconnect: membership,
  connect: connection,
  program: peerEntries,
  unprogram: peerEntries,
} as const;

export type ActionKind = keyof typeof ACTIONS;
export const ACTION_KINDS = Object.keys(ACTIONS) as ActionKind[];

export const timelineEntry = z.strictObject({
  ...timelineBase,
  ping: ping.optional(),
  tcp: tcp.optional(),
  udp: udp.optional(),
  pmtu: pmtu.optional(),
  'link-down': ACTIONS['link-down'].optional().describe('take a link or interface down (carrier off)'),
  'link-up': ACTIONS['link-up'].optional(),
  impair: impair.optional().describe('change a link\'s impairments'),
  disconnect: membership.optional().describe('docker network disconnect'),
  connect: connection.optional().describe('docker network connect'),
  program: peerEntries.optional().describe('the overlay control plane delivers a container\'s FDB and neighbour entries to one node'),
  unprogram: peerEntries.optional().describe('the overlay control plane withdraws a container\'s entries from one node (current or stale)'),
});

export { proto };
