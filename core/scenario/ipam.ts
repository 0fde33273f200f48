/**
 * Address management as Docker's IPAM does it: networks carved from address pools in
 * creation order, and addresses handed out within a network serially.
 *
 * libnetwork's allocator keeps a bitmap per subnet with the network address, the
 * broadcast address and the gateway reserved; dynamic requests search from just after
 * the last dynamic allocation and wrap around ("serial" allocation), while static
 * requests (`--ip`) only mark their bit. Not modelled: `ip-range`, IPv6, aux addresses.
 *
 * The order in which pools are tried depends on the engine (enginePoolOrder): 20.10
 * walks `default-address-pools` as listed, 28 and later sort them by address first.
 */
import { broadcastOf, cidrContains, cidrsOverlap, cidrSize, type Cidr, type Ipv4 } from '../addr.js';
import type { DockerVersion } from './model.js';

/** An address pool: prefixes of length `size` carved out of `base` (daemon.json default-address-pools). */
export interface AddressPool {
  readonly base: Cidr;
  readonly size: number;
}

/**
 * The pools in the order an engine tries them. Docker 20.10's ipamutils splits the
 * pools in the order daemon.json lists them and hands out the first free prefix of that
 * list. Docker 23 and later (defaultipam newAddrSpace, so 28 and 29) sort the pools by
 * base address, then by prefix length, and drop a pool that overlaps one sorted before
 * it, before carving: with unsorted pools the two pick different subnets.
 */
export function enginePoolOrder(pools: readonly AddressPool[], version: DockerVersion): AddressPool[] {
  if (version === '20.10') return [...pools];
  const sorted = [...pools].sort((a, b) => a.base.addr - b.base.addr || a.base.len - b.base.len);
  const kept: AddressPool[] = [];
  for (const p of sorted) {
    const last = kept[kept.length - 1];
    if (last === undefined || !cidrsOverlap(last.base, p.base)) kept.push(p);
  }
  return kept;
}

/** Carves prefixes out of pools, skipping any that overlap one already taken. */
export class PoolAllocator {
  private readonly taken: { cidr: Cidr; owner: string }[] = [];
  /** Prefixes dynamic allocation stays clear of, without making them conflicts for explicit subnets. */
  private readonly avoided: Cidr[] = [];

  constructor(private readonly pools: readonly AddressPool[]) {}

  /** The first taken prefix that overlaps `c`, if any. */
  conflict(c: Cidr): { cidr: Cidr; owner: string } | undefined {
    return this.taken.find((t) => cidrsOverlap(t.cidr, c));
  }

  /** Marks a prefix as used by `owner`. */
  reserve(c: Cidr, owner: string): void {
    this.taken.push({ cidr: c, owner });
  }

  /**
   * Keeps dynamic allocation clear of `c` (an on-link route of the host, see on-link.ts).
   * An explicit subnet may still overlap it, as Docker allows.
   */
  avoid(c: Cidr): void {
    this.avoided.push(c);
  }

  /** The next free prefix from the pools, reserved for `owner`; undefined when exhausted. */
  next(owner: string): Cidr | undefined {
    for (const pool of this.pools) {
      if (pool.size < pool.base.len) continue;
      const step = 2 ** (32 - pool.size);
      const end = pool.base.addr + cidrSize(pool.base);
      for (let a = pool.base.addr; a < end; a += step) {
        const c = { addr: a >>> 0, len: pool.size };
        if (this.conflict(c) === undefined && !this.avoided.some((a) => cidrsOverlap(a, c))) {
          this.reserve(c, owner);
          return c;
        }
      }
    }
    return undefined;
  }
}

/** Hands out addresses within one subnet, serially, as libnetwork's bitmap allocator. */
export class AddressAllocator {
  private readonly used = new Map<Ipv4, string>();
  private cursor: Ipv4;
  private readonly first: Ipv4;
  private readonly last: Ipv4;

  constructor(
    readonly subnet: Cidr,
    gateway: Ipv4,
  ) {
    // /31 and /32 have no network or broadcast address to reserve (RFC 3021).
    const reserveEnds = subnet.len < 31;
    this.first = subnet.addr + (reserveEnds ? 1 : 0);
    this.last = broadcastOf(subnet) - (reserveEnds ? 1 : 0);
    this.cursor = this.first;
    this.used.set(gateway, 'the gateway');
  }

  /** Who holds an address, if anyone. */
  holder(a: Ipv4): string | undefined {
    return this.used.get(a);
  }

  /** Whether `a` may be requested statically: inside the subnet and not an end address. */
  assignable(a: Ipv4): boolean {
    return cidrContains(this.subnet, a) && a >= this.first && a <= this.last;
  }

  /** Takes a static address; the caller checks `holder` and `assignable` first. */
  take(a: Ipv4, owner: string): void {
    this.used.set(a, owner);
  }

  /** The next free address after the last dynamic one, wrapping once; undefined when full. */
  next(owner: string): Ipv4 | undefined {
    const span = this.last - this.first + 1;
    for (let i = 0; i < span; i++) {
      const a = this.first + ((this.cursor - this.first + i) % span);
      if (!this.used.has(a)) {
        this.used.set(a, owner);
        this.cursor = a + 1 > this.last ? this.first : a + 1;
        return a;
      }
    }
    return undefined;
  }

  /** Gives an address back (docker network disconnect). */
  release(a: Ipv4): void {
    this.used.delete(a);
  }
}
