/**
 * An IPv4 routing table with longest-prefix match, as Linux's main table answers a
 * lookup: the most specific prefix wins, then the lowest metric, then the route added
 * first (fib_table_lookup walks a trie by prefix; among aliases of one prefix it takes
 * the lowest priority, i.e. metric). Routes whose device has no carrier are still used,
 * as with Linux's default ignore_routes_with_linkdown=0.
 *
 * Not modelled: policy routing (ip rule), the local and broadcast tables (local delivery
 * is decided by the namespace's address list), multipath, route types other than
 * unicast and the `unreachable`/`blackhole` kinds.
 */
import { maskOf } from '../../core/addr.js';

export interface Route {
  /** Network address of the destination prefix. */
  readonly dst: number;
  readonly len: number;
  readonly via?: number;
  readonly dev: string;
  readonly metric: number;
  readonly src?: number;
  readonly proto: 'kernel' | 'static';
}

export class RouteTable {
  /** Sorted by prefix length (longest first), then metric, then insertion. */
  private routes: Route[] = [];
  /**
   * Each route's prefix and mask, index for index: a lookup (one or more per packet)
   * then reads two number arrays instead of Route objects of several shapes.
   */
  private prefixes: number[] = [];
  private masks: number[] = [];

  add(r: Route): void {
    let i = 0;
    while (i < this.routes.length) {
      const o = this.routes[i] as Route;
      if (o.len < r.len || (o.len === r.len && o.metric > r.metric)) break;
      i++;
    }
    this.routes.splice(i, 0, r);
    this.index();
  }

  /** Removes routes matching the predicate (a deleted device's, a deleted address's). */
  remove(pred: (r: Route) => boolean): void {
    this.routes = this.routes.filter((r) => !pred(r));
    this.index();
  }

  private index(): void {
    this.prefixes = this.routes.map((r) => r.dst);
    this.masks = this.routes.map((r) => maskOf(r.len) | 0);
  }

  /** The best route to `dst`, or undefined ("Network is unreachable"). */
  lookup(dst: number): Route | undefined {
    const prefixes = this.prefixes;
    const masks = this.masks;
    for (let i = 0; i < prefixes.length; i++)
      if ((dst & (masks[i] as number)) >>> 0 === prefixes[i]) return this.routes[i];
    return undefined;
  }

  /** Every route, best first. */
  all(): readonly Route[] {
    return this.routes;
  }
}
