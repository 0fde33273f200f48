/**
 * How a probe ended, from the raw facts its socket saw: the one table of architecture
 * decision 5 that both engines classify with. The simulator's probe applications
 * (sim/apps) hand it what their model of a socket reported; the emulator's namespace
 * agent reports what the kernel's socket said (an errno, an ICMP error read from the
 * IP_RECVERR queue, a reply line, silence) and emulator/ping.ts what ping(8) printed;
 * this module turns each into an Outcome and the words a person reads.
 *
 * The words follow strerror(3) for errno values and ping(8) for ICMP errors. Silence is
 * `dropped` when the engine knows the drop that decided it (only the simulator does),
 * else `timed-out`. Left out: ICMP types other than destination unreachable and time
 * exceeded (a probe's socket reports no others), IPv6.
 */
import type { DropRecord, Outcome } from './observations.js';

/** An outcome and the words a person reads. */
export interface Classified {
  readonly outcome: Outcome;
  readonly detail: string;
}

// --- errno ---------------------------------------------------------------------------

/** strerror(3) (glibc) of the errno values a probe's socket reports. */
export const ERRNO_WORDS = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  EMSGSIZE: 'Message too long',
  EPERM: 'Operation not permitted',
} as const;

/** An errno a probe's socket reports, by its name in errno(3). */
export type ProbeErrno = keyof typeof ERRNO_WORDS;

/**
 * Where in a probe an errno came:
 * - `connect`: connect(2) failed at once (no route: ENETUNREACH);
 * - `send`: a datagram was not sent (EPERM: netfilter's OUTPUT dropped it, NF_DROP becomes
 *   -EPERM in net_xmit_errno; EMSGSIZE: larger than the route's MTU);
 * - `connection`: a TCP connection failed afterwards (SO_ERROR after the handshake, or a
 *   read): a reset, an ICMP error TCP counts as hard (icmp_err_convert), or the SYNs'
 *   retries running out (ETIMEDOUT);
 * - `receive`: a connected UDP socket's read failed with no ICMP error queued.
 */
export type ErrnoStep = 'connect' | 'send' | 'connection' | 'receive';

/** An errno as a socket reported it. */
export interface ErrnoFact {
  /** Its name (ECONNREFUSED); a name outside ProbeErrno is `unreachable`, in `strerror`'s words. */
  readonly errno: string;
  readonly step: ErrnoStep;
  /** strerror(3) as the reporter's C library gave it, for names this module has no words for. */
  readonly strerror?: string;
  /** EMSGSIZE: the MTU that was exceeded, when the reporter knows it. */
  readonly mtu?: number;
}

/** What silence on a probe means; see silentOutcome. */
export interface Silent {
  readonly outcome: 'silent';
}

function errnoWords(f: ErrnoFact): string {
  if (f.errno === 'EMSGSIZE' && f.mtu !== undefined) return `${ERRNO_WORDS.EMSGSIZE} (mtu ${f.mtu})`;
  if (f.step === 'send' && f.errno === 'EPERM') return `sendto: ${ERRNO_WORDS.EPERM}`;
  return (ERRNO_WORDS as Record<string, string>)[f.errno] ?? f.strerror ?? f.errno;
}

/**
 * The outcome of an errno. A reset or a refusal on a TCP connection is `refused`; the SYNs'
 * retries running out (ETIMEDOUT) is silence, as when the probe's own timeout comes first;
 * a datagram netfilter's OUTPUT dropped (EPERM on send) is `dropped`; the rest (no route,
 * ICMP host or net unreachable turned into an errno, too large) is `unreachable`.
 */
export function errnoOutcome(f: ErrnoFact): Classified | Silent {
  const detail = errnoWords(f);
  if (f.step === 'connection') {
    if (f.errno === 'ECONNREFUSED' || f.errno === 'ECONNRESET') return { outcome: 'refused', detail };
    if (f.errno === 'ETIMEDOUT') return { outcome: 'silent' };
  }
  if (f.step === 'send' && f.errno === 'EPERM') return { outcome: 'dropped', detail };
  return { outcome: 'unreachable', detail };
}

// --- ICMP errors -----------------------------------------------------------------------

/** ICMP types (RFC 792) a probe's socket hears as errors. */
export const ICMP_DEST_UNREACH = 3;
export const ICMP_TIME_EXCEEDED = 11;

/** Destination unreachable codes (RFC 792, RFC 1812 5.2.7.1) that mean the far end said no. */
const REFUSING_CODES: ReadonlySet<number> = new Set([
  3, // port unreachable: nothing listens
  9, // network administratively prohibited
  10, // host administratively prohibited
  13, // communication administratively prohibited (iptables REJECT --reject-with icmp-admin-prohibited)
]);

/** twinnet's words for destination unreachable codes (ping(8)'s, but for 13). */
function unreachWords(code: number, mtu: number): string {
  const words: Record<number, string> = {
    0: 'Destination Net Unreachable',
    1: 'Destination Host Unreachable',
    2: 'Destination Protocol Unreachable',
    3: 'Destination Port Unreachable',
    4: `Frag needed and DF set (mtu = ${mtu})`,
    9: 'Destination Net Prohibited',
    10: 'Destination Host Prohibited',
    13: 'Communication prohibited by filter',
  };
  return words[code] ?? `Destination Unreachable, code ${code}`;
}

/**
 * The outcome and words of an ICMP error a probe received (type, code, and the
 * next-hop MTU for "fragmentation needed"): port unreachable and the prohibitions are
 * `refused`, every other unreachable and time exceeded are `unreachable`.
 */
export function icmpOutcome(type: number, code: number, mtu: number): Classified {
  if (type === ICMP_TIME_EXCEEDED) {
    return { outcome: 'unreachable', detail: code === 1 ? 'Frag reassembly time exceeded' : 'Time to live exceeded' };
  }
  return { outcome: REFUSING_CODES.has(code) ? 'refused' : 'unreachable', detail: unreachWords(code, mtu) };
}

/**
 * ping(8)'s words (iputils 20221126, ping/ping.c pr_icmph) for destination unreachable
 * codes, to read its output back into a code. Code 13 is "Packet filtered" there.
 */
const IPUTILS_UNREACH_WORDS: readonly string[] = [
  'Destination Net Unreachable',
  'Destination Host Unreachable',
  'Destination Protocol Unreachable',
  'Destination Port Unreachable',
  'Frag needed and DF set',
  'Source Route Failed',
  'Destination Net Unknown',
  'Destination Host Unknown',
  'Source Host Isolated',
  'Destination Net Prohibited',
  'Destination Host Prohibited',
  'Destination Net Unreachable for Type of Service',
  'Destination Host Unreachable for Type of Service',
  'Packet filtered',
  'Precedence Violation',
  'Precedence Cutoff',
];

/**
 * The ICMP code behind ping's words for a destination unreachable error, or undefined
 * for words that name none (time exceeded, for one). Longest words first, so that
 * "... for Type of Service" is not read as its prefix.
 */
export function unreachCodeOfPingWords(words: string): number | undefined {
  let best: number | undefined;
  IPUTILS_UNREACH_WORDS.forEach((w, code) => {
    if (words.startsWith(w) && (best === undefined || w.length > (IPUTILS_UNREACH_WORDS[best] as string).length))
      best = code;
  });
  return best;
}

/** The outcome of an ICMP error as ping(8) printed it (`Destination Port Unreachable`). */
export function pingWordsOutcome(words: string): Outcome {
  const code = unreachCodeOfPingWords(words);
  return code === undefined ? 'unreachable' : icmpOutcome(ICMP_DEST_UNREACH, code, 0).outcome;
}

// --- silence ---------------------------------------------------------------------------

/**
 * A probe that heard nothing: `dropped` with the drop that decided it when the engine
 * knows one (the simulator), else `timed-out`; `why` is added to the words (" (connect
 * timed out)").
 */
export function silentOutcome(drop?: DropRecord, why = ''): Classified {
  if (drop === undefined) return { outcome: 'timed-out', detail: `no answer${why}` };
  const at = drop.dev === undefined ? '' : ` at ${drop.dev}`;
  const rule = drop.rule === undefined ? '' : ` (${drop.rule})`;
  return { outcome: 'dropped', detail: `dropped in ${drop.ns}${at}: ${drop.reason}${rule}${why}` };
}

// --- a TCP or UDP probe's end ------------------------------------------------------------

/** The source address and port a service saw (its reply line says so). */
export interface Seen {
  readonly address: string;
  readonly port: number;
}

/** How a TCP or UDP probe's socket ended, as raw facts. */
export type ProbeEnd =
  /** The service's reply line came. */
  | { readonly kind: 'reply'; readonly seen: Seen }
  /** A TCP server closed without a reply line. */
  | { readonly kind: 'closed' }
  | ({ readonly kind: 'errno' } & ErrnoFact)
  /** An ICMP error (from the socket's error queue, or the simulator's socket). */
  | {
      readonly kind: 'icmp';
      readonly type: number;
      readonly code: number;
      readonly info: number;
      readonly from: string;
    }
  /** The probe's timeout; `connected`: TCP, after the handshake. */
  | { readonly kind: 'timeout'; readonly connected?: boolean };

/** A probe's classified end, with what the result records beside the outcome. */
export interface ProbeEndOutcome extends Classified {
  readonly seen?: Seen;
  readonly errorFrom?: string;
}

/**
 * Classifies a TCP or UDP probe's end; `dst` and `port` are where it went, `drop` the
 * drop that decided a silent probe when the engine knows it.
 */
export function probeEndOutcome(end: ProbeEnd, dst: string, port: number, drop?: DropRecord): ProbeEndOutcome {
  switch (end.kind) {
    case 'reply':
      return { outcome: 'delivered', detail: `reply from ${dst}:${port}`, seen: end.seen };
    case 'closed':
      return { outcome: 'timed-out', detail: 'the server closed without a reply line' };
    case 'icmp': {
      const o = icmpOutcome(end.type, end.code, end.info);
      return { outcome: o.outcome, detail: `From ${end.from}: ${o.detail}`, errorFrom: end.from };
    }
    case 'timeout': {
      if (end.connected === undefined) return silentOutcome(drop);
      return silentOutcome(drop, end.connected ? ' (no reply after connecting)' : ' (connect timed out)');
    }
    case 'errno': {
      const o = errnoOutcome(end);
      return o.outcome === 'silent' ? silentOutcome(drop) : o;
    }
  }
}

// --- ping --------------------------------------------------------------------------------

/** An ICMP error a ping heard: its type and code (the simulator), or ping(8)'s words for it (the emulator). */
export type PingError =
  | { readonly from: string; readonly type: number; readonly code: number; readonly info: number }
  | { readonly from: string; readonly words: string };

/** What a ping saw, as raw facts. */
export interface PingFacts {
  readonly sent: number;
  readonly received: number;
  /** connect(2) failed with ENETUNREACH: ping printed "connect: Network is unreachable" and stopped. */
  readonly noRoute?: boolean;
  /** The first ICMP error. */
  readonly error?: PingError;
  /** "local error: message too long, mtu=N" (EMSGSIZE on a request). */
  readonly localError?: string;
}

/**
 * How a ping ended, as iputils decides its exit: delivered when any reply came (exit 0);
 * else no route, else the first ICMP error, else a local error; else silence.
 */
export function pingOutcome(f: PingFacts, drop?: DropRecord): ProbeEndOutcome {
  if (f.received > 0) return { outcome: 'delivered', detail: `${f.received}/${f.sent} replies` };
  if (f.noRoute === true) return { outcome: 'unreachable', detail: `connect: ${ERRNO_WORDS.ENETUNREACH}` };
  const e = f.error;
  if (e !== undefined) {
    const o =
      'words' in e ? { outcome: pingWordsOutcome(e.words), detail: e.words } : icmpOutcome(e.type, e.code, e.info);
    return { outcome: o.outcome, detail: `From ${e.from}: ${o.detail}`, errorFrom: e.from };
  }
  if (f.localError !== undefined) return { outcome: 'unreachable', detail: f.localError };
  return silentOutcome(drop);
}
