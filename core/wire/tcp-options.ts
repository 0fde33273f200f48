/**
 * TCP option lists laid out the way Linux writes them, so that frames the simulator
 * builds look like a real stack's (net/ipv4/tcp_output.c, tcp_options_write).
 *
 * Linux writes MSS first (TcpRepr's `mss`, not part of these bytes), then: with
 * timestamps, SACK-permitted folded into their leading pad (`04 02 08 0a`) or two NOPs
 * (`01 01 08 0a`); without timestamps, SACK-permitted after two NOPs; then the window
 * scale after one NOP. Measured: a Linux SYN carries `mss, sackOK, TS, nop, wscale`
 * (tcp.test.ts). SACK blocks follow after two NOPs (a D-SACK block reports a
 * duplicate segment, RFC 2883). Not modelled: MD5, TCP-AO, MPTCP, Fast Open.
 */
import { writeU32 } from './bytes.js';
import { TCPOPT_NOP, TCPOPT_SACK, TCPOPT_SACK_PERMITTED, TCPOPT_TIMESTAMPS, TCPOPT_WSCALE } from './tcp.js';

/** The options besides MSS that a segment carries. */
export interface LinuxTcpOptions {
  readonly sackPermitted?: boolean;
  readonly timestamps?: { readonly val: number; readonly ecr: number };
  readonly wscale?: number;
  /** SACK blocks, left and right edges (at most 3 next to timestamps). */
  readonly sackBlocks?: readonly { readonly left: number; readonly right: number }[];
}

/** The option bytes (after MSS) for `opts`, in Linux's order and padding. */
export function linuxTcpOptions(opts: LinuxTcpOptions): Uint8Array {
  const ts = opts.timestamps;
  const sack = opts.sackPermitted === true;
  const blocks = opts.sackBlocks ?? [];
  const len =
    (ts !== undefined ? 12 : sack ? 4 : 0) +
    (opts.wscale !== undefined ? 4 : 0) +
    (blocks.length > 0 ? 4 + 8 * blocks.length : 0);
  const out = new Uint8Array(len);
  let i = 0;
  if (ts !== undefined) {
    out.set(
      sack ? [TCPOPT_SACK_PERMITTED, 2, TCPOPT_TIMESTAMPS, 10] : [TCPOPT_NOP, TCPOPT_NOP, TCPOPT_TIMESTAMPS, 10],
      0,
    );
    writeU32(out, 4, ts.val);
    writeU32(out, 8, ts.ecr);
    i = 12;
  } else if (sack) {
    out.set([TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK_PERMITTED, 2], 0);
    i = 4;
  }
  if (opts.wscale !== undefined) {
    out.set([TCPOPT_NOP, TCPOPT_WSCALE, 3, opts.wscale], i);
    i += 4;
  }
  if (blocks.length > 0) {
    out.set([TCPOPT_NOP, TCPOPT_NOP, TCPOPT_SACK, 2 + 8 * blocks.length], i);
    blocks.forEach((b, k) => {
      writeU32(out, i + 4 + 8 * k, b.left);
      writeU32(out, i + 8 + 8 * k, b.right);
    });
  }
  return out;
}
