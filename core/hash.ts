/**
 * Deterministic hashing for generated names and addresses.
 *
 * The compile step must be pure (same scenario, same plan), so wherever Docker or the
 * kernel would pick something at random (a veth name, a bridge's MAC), twinnet derives
 * it from a hash of stable names instead. FNV-1a (32-bit) is enough: these values need
 * to be stable and well spread, not secure. Written by hand because it is six lines.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a over the UTF-16 code units of `text`, as an unsigned 32-bit integer. */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** `n` lower-case hex digits derived from `text` (n <= 8). */
export function hexDigest(text: string, n: number): string {
  return fnv1a32(text).toString(16).padStart(8, '0').slice(0, n);
}

/**
 * `prefix` and `n` hex digits of `seed`, not yet in `taken`: a name already taken is
 * hashed again as `seed#1`, `seed#2`... (where Docker would draw another random name),
 * so the result is the same every run. The name is added to `taken`.
 */
export function uniqueHashedName(taken: Set<string>, prefix: string, seed: string, n: number): string {
  let name = `${prefix}${hexDigest(seed, n)}`;
  for (let k = 1; taken.has(name); k++) name = `${prefix}${hexDigest(`${seed}#${k}`, n)}`;
  taken.add(name);
  return name;
}

/**
 * A locally administered unicast MAC derived from `text` (IEEE 802: the 0x02 bit of the
 * first octet set, the 0x01 bit clear), for devices whose MAC Linux or Docker would
 * randomise (bridges, host-side veths).
 */
export function derivedMac(text: string): string {
  const a = fnv1a32(text);
  const b = fnv1a32(`${text}#2`);
  const bytes = [0x02 | ((a >>> 24) & 0xfc), (a >>> 16) & 255, (a >>> 8) & 255, a & 255, (b >>> 8) & 255, b & 255];
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}
