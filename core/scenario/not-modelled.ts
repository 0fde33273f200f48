/**
 * Features a user may reasonably write that twinnet does not model yet: IPv6 addresses,
 * network drivers other than bridge and overlay (macvlan, ipvlan), port ranges in
 * `ports`, Docker IPAM's `--ip-range` and auxiliary addresses, DNS options. Such a value
 * or field gets "not modelled yet" and a pointer to the documentation, instead of
 * "unknown field" or a bare "expected an IPv4 address", so that the user learns that the
 * file is fine and twinnet is the one that falls short.
 *
 * The lists are of names Docker and Compose use; anything else stays "unknown field".
 */
import type { Path } from './diagnostics.js';

/** Where the documentation lists what is not modelled. */
export const NOT_MODELLED_DOC = 'docs/scenario-format.md#not-yet-modelled';

const IPV6 = 'IPv6';
const DRIVERS = 'network drivers other than bridge and overlay';
const IPAM = "Docker IPAM's --ip-range and auxiliary addresses";
const DNS = 'DNS (names are resolved from the file)';

/** Field names (Compose's snake_case or twinnet's kebab-case) of features not modelled. */
const FIELDS: Readonly<Record<string, string>> = {
  ipv6: IPV6,
  'enable-ipv6': IPV6,
  'ipv6-address': IPV6,
  'ipv6-subnet': IPV6,
  'ipv6-gateway': IPV6,
  'link-local-ips': IPV6,
  'ip-range': IPAM,
  'aux-addresses': IPAM,
  parent: DRIVERS,
  dns: DNS,
  'dns-search': DNS,
  aliases: DNS,
};

/** Network drivers Docker has that twinnet does not build. */
const OTHER_DRIVERS = new Set(['macvlan', 'ipvlan', 'host', 'none', 'null', 'remote']);

/** An IPv6 address or prefix as people write them (two or more colons, hex groups). */
const IPV6_LIKE = /^\[?[0-9a-fA-F]*:[0-9a-fA-F:.]*:[0-9a-fA-F.]*\]?(\/[0-9]{1,3})?$/;

/** A MAC address, which has colons too. */
const MAC = /^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$/;

/** A port range as docker run -p takes it: 8000-8010:80-90. */
const PORT_RANGE = /[0-9]+-[0-9]+/;

/** The message for an unknown field that names a feature not modelled, if it does. */
export function notModelledField(key: string): string | undefined {
  const feature = FIELDS[key.toLowerCase().replace(/_/g, '-')];
  return feature === undefined ? undefined : message(feature);
}

/** The message for a value the schema refused that asks for a feature not modelled, if it does. */
export function notModelledValue(path: Path, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (last === 'driver' && OTHER_DRIVERS.has(value)) return message(`the ${value} driver (${DRIVERS})`);
  if (last === 'ports' || parent === 'ports') {
    if (value.startsWith('[') || value.includes('::')) return message(`${IPV6} addresses`);
    return PORT_RANGE.test(value) ? message('port ranges in ports') : undefined;
  }
  if (IPV6_LIKE.test(value) && !MAC.test(value) && (value.match(/:/g)?.length ?? 0) >= 2)
    return message(`${IPV6} addresses`);
  return undefined;
}

function message(feature: string): string {
  return `not modelled yet: ${feature}; see ${NOT_MODELLED_DOC}`;
}
