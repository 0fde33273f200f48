/**
 * The one error value of the wire module, and the bounds check every parser starts with.
 *
 * Parsing never throws (smoltcp's contract: malformed input is a value, which the
 * simulator turns into a traced drop). `WireError` is deliberately not an `Error`
 * subclass, so making one captures no stack trace on the hot path. Emitting is different:
 * a malformed Repr handed to an emit function is a caller bug and may throw.
 * Not modelled: error codes; the reason is prose for traces and reports.
 */

/** The protocol layer a WireError is about. */
export type WireLayer = 'ethernet' | 'arp' | 'ipv4' | 'icmp' | 'udp' | 'tcp' | 'vxlan';

/** Why bytes could not be read as a header: the layer and a reason in words. */
export class WireError {
  constructor(
    readonly layer: WireLayer,
    readonly reason: string,
  ) {}

  /** `ipv4: header length 16 is below 20 (RFC 791)`. */
  toString(): string {
    return `${this.layer}: ${this.reason}`;
  }
}

/** Whether a parse result is a WireError. */
export function isWireError(x: unknown): x is WireError {
  return x instanceof WireError;
}

/**
 * The number of bytes a parser may read at `off`: `len`, or the rest of the buffer when
 * `len` is undefined; -1 when `off` or `len` is not a whole number inside the buffer.
 */
export function spanLen(buf: Uint8Array, off: number, len: number | undefined): number {
  if (!Number.isInteger(off) || off < 0 || off > buf.length) return -1;
  const avail = buf.length - off;
  if (len === undefined) return avail;
  return Number.isInteger(len) && len >= 0 && len <= avail ? len : -1;
}

/** The WireError for an out-of-range offset or length. */
export function spanError(layer: WireLayer, off: number, len: number | undefined): WireError {
  return new WireError(layer, `offset ${off} and length ${len ?? 'rest'} do not fit the buffer`);
}
