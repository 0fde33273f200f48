/**
 * IPv4 and MAC address value types: parsing, formatting and prefix arithmetic.
 *
 * An IPv4 address is held as an unsigned 32-bit integer (a JS number in 0..2^32-1) so
 * that prefix math is plain arithmetic. Only dotted-quad notation is accepted
 * (inet_pton(3) rules: four decimal octets, no leading zeros), not the legacy
 * inet_aton forms such as `10.1`. IPv6 is out of scope for twinnet v1.
 */

/** An IPv4 address as an unsigned 32-bit integer. */
export type Ipv4 = number;

/** An IPv4 prefix: the network address (host bits zero) and its length. */
export interface Cidr {
  readonly addr: Ipv4;
  readonly len: number;
}

/** An interface address: the address itself and the prefix length of its subnet. */
export interface IfAddr {
  readonly addr: Ipv4;
  readonly len: number;
}

const OCTET = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])';
/** Grammar of a dotted-quad IPv4 address, for the JSON Schema. */
export const IPV4_PATTERN = `^${OCTET}(\\.${OCTET}){3}$`;
/** Grammar of an address or prefix with a length, for the JSON Schema. */
export const CIDR_PATTERN = `^${OCTET}(\\.${OCTET}){3}/([0-9]|[12][0-9]|3[0-2])$`;
const IPV4_RE = new RegExp(IPV4_PATTERN);

/** Parses `192.0.2.1`; undefined when it is not a dotted quad. */
export function parseIpv4(text: string): Ipv4 | undefined {
  if (!IPV4_RE.test(text)) return undefined;
  return text.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}

/** Formats an address as a dotted quad. */
export function formatIpv4(a: Ipv4): string {
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}

/** The netmask of a prefix length as an address. */
export function maskOf(len: number): Ipv4 {
  return len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
}

/** The network address of `a` under a prefix length. */
export function networkOf(a: Ipv4, len: number): Ipv4 {
  return (a & maskOf(len)) >>> 0;
}

/** The broadcast address of a prefix. */
export function broadcastOf(c: Cidr): Ipv4 {
  return (c.addr | ~maskOf(c.len)) >>> 0;
}

/** Parses `a.b.c.d/n` keeping the host bits (an interface address). */
export function parseIfAddr(text: string): IfAddr | undefined {
  const [a, l, rest] = text.split('/');
  if (a === undefined || l === undefined || rest !== undefined || !/^[0-9]{1,2}$/.test(l)) return undefined;
  const addr = parseIpv4(a);
  const len = Number(l);
  return addr === undefined || len > 32 ? undefined : { addr, len };
}

/** Parses a prefix `a.b.c.d/n`; undefined if malformed or host bits are set. */
export function parseCidr(text: string): Cidr | undefined {
  const ia = parseIfAddr(text);
  if (ia === undefined || networkOf(ia.addr, ia.len) !== ia.addr) return undefined;
  return ia;
}

/** Formats a prefix or interface address as `a.b.c.d/n`. */
export function formatCidr(c: Cidr | IfAddr): string {
  return `${formatIpv4(c.addr)}/${c.len}`;
}

/** The prefix an interface address belongs to. */
export function subnetOf(ia: IfAddr): Cidr {
  return { addr: networkOf(ia.addr, ia.len), len: ia.len };
}

/** Whether `a` lies inside prefix `c`. */
export function cidrContains(c: Cidr, a: Ipv4): boolean {
  return networkOf(a, c.len) === c.addr;
}

/** Whether two prefixes share any address. */
export function cidrsOverlap(x: Cidr, y: Cidr): boolean {
  const len = Math.min(x.len, y.len);
  return networkOf(x.addr, len) === networkOf(y.addr, len);
}

/** The number of addresses in a prefix. */
export function cidrSize(c: Cidr): number {
  return 2 ** (32 - c.len);
}

/** A MAC address as six bytes. */
export type Mac = Uint8Array;

export const MAC_PATTERN = '^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$';
const MAC_RE = new RegExp(MAC_PATTERN);

/** Parses `02:42:ac:11:00:02`. */
export function parseMac(text: string): Mac | undefined {
  if (!MAC_RE.test(text)) return undefined;
  return Uint8Array.from(text.split(':').map((h) => parseInt(h, 16)));
}

/** Formats six bytes as lower-case colon-separated hex, as iproute2 prints them. */
export function formatMac(m: Uint8Array): string {
  return Array.from(m.subarray(0, 6), (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Whether the I/G bit marks a multicast (or broadcast) MAC address (IEEE 802). */
export function isMulticastMac(m: Uint8Array): boolean {
  return ((m[0] ?? 0) & 1) === 1;
}

/**
 * Docker's container MAC: `02:42` followed by the four bytes of the endpoint's IPv4
 * address (libnetwork `netutils.GenerateMACFromIP`, measured: 172.17.0.2 ->
 * 02:42:ac:11:00:02, docker-semantics.md section 4.2).
 */
export function dockerMacFromIpv4(a: Ipv4): string {
  return formatMac(Uint8Array.of(0x02, 0x42, a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255));
}
