/**
 * Leaf types of the scenario format: names, addresses, units and impairments.
 *
 * These schemas describe the file as written (strings with units, as tc(8) and ip(8)
 * spell them); conversion to integers happens in `../resolve/`, so that the exported
 * JSON Schema describes exactly what an editor sees.
 */
import { z } from 'zod';
import { CIDR_PATTERN, IPV4_PATTERN, MAC_PATTERN } from '../../addr.js';
import { DURATION_PATTERN, PERCENT_PATTERN, RATE_PATTERN } from '../../units.js';

/** Longest interface name Linux accepts: IFNAMSIZ (16) minus the terminating NUL. */
export const IFNAMSIZ_MAX = 15;
/** Characters twinnet keeps free in every interface name for an engine's run marker. */
export const RUN_MARKER_ROOM = 4;
/** Longest interface name a scenario or plan may use. */
export const IFNAME_MAX = IFNAMSIZ_MAX - RUN_MARKER_ROOM;

/** Names of hosts, containers, networks, segments: Docker's container-name grammar. */
export const NAME_PATTERN = '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$';
/** Interface names: Linux's dev_valid_name() rules, within IFNAME_MAX. */
export const IFNAME_PATTERN = `^[a-zA-Z][a-zA-Z0-9_.-]{0,${IFNAME_MAX - 1}}$`;

/** A string of a given grammar; the same message whether the value has the wrong type or the wrong form. */
export function pattern(re: RegExp, message: string) {
  return z.string({ error: message }).regex(re, { error: message });
}

export const name = pattern(
  new RegExp(NAME_PATTERN),
  'expected a name of letters, digits, "_", "." or "-" that starts with a letter or digit (at most 63)',
);

export const ifname = pattern(
  new RegExp(IFNAME_PATTERN),
  `expected an interface name: a letter, then letters, digits, "_", "." or "-", at most ${IFNAME_MAX} characters (Linux allows ${IFNAMSIZ_MAX}; twinnet keeps ${RUN_MARKER_ROOM} for its run marker)`,
);

export const ipv4 = pattern(new RegExp(IPV4_PATTERN), 'expected an IPv4 address such as 192.0.2.10');

export const cidr = pattern(new RegExp(CIDR_PATTERN), 'expected an IPv4 prefix such as 172.18.0.0/16');

/** An interface address with its prefix length, as `ip addr add` takes it. */
export const ifaddr = pattern(new RegExp(CIDR_PATTERN), 'expected an address with a prefix length such as 203.0.113.2/24');

export const mac = pattern(new RegExp(MAC_PATTERN), 'expected a MAC address such as 02:42:ac:11:00:02');

export const duration = pattern(
  new RegExp(DURATION_PATTERN),
  'expected a duration with a unit: ns, us, ms, s or m (such as 10ms or 1.5s)',
);

export const rate = pattern(
  new RegExp(RATE_PATTERN),
  'expected a rate as tc(8) writes it, such as 100mbit, 1gbit or 10mbps (bytes)',
);

export const percent = pattern(new RegExp(PERCENT_PATTERN), 'expected a percentage such as 0.1%');

export const mtu = z
  .int()
  .min(68, { error: 'expected an MTU of at least 68 (RFC 791: every IPv4 host must take 68-byte datagrams)' })
  .max(65535, { error: 'expected an MTU of at most 65535' });

export const port = z
  .int()
  .min(1, { error: 'expected a port from 1 to 65535' })
  .max(65535, { error: 'expected a port from 1 to 65535' });

export const proto = z.enum(['tcp', 'udp']);

/** A listening service: `tcp/80` or `udp/53`. */
export const listenSpec = pattern(/^(tcp|udp)\/[0-9]{1,5}$/, 'expected a service as PROTO/PORT such as tcp/80 or udp/53');

/**
 * Link impairments in netem's and tbf's words (tc-netem(8), tc-tbf(8)). Each direction of
 * an impaired cable, link or segment is shaped once, so a delay counts twice in a round
 * trip. In an `impair` fault, 0 turns a field off (`rate: 0bit`, `limit: 0`).
 */
export const impairmentFields = {
  delay: duration.optional().describe('one-way delay added at each end (netem delay)'),
  jitter: duration.optional().describe('random variation of the delay, uniform +/- (netem delay TIME JITTER)'),
  loss: percent.optional().describe('random loss at each end (netem loss)'),
  rate: rate.optional().describe('serialisation rate of each end (tbf/netem rate)'),
  limit: z.int().min(0).optional().describe('queue limit in packets; a full queue drops (netem limit; 0 or absent: 1000)'),
};

export const impairment = z.strictObject(impairmentFields);
