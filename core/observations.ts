/**
 * Observations: what a run of a scenario showed, in one type that both engines produce
 * (architecture, firm decision 4), so that checks, reports and the twin comparison are
 * written once. Outcomes are a closed set (firm decision 5).
 */

/** How a probe ended. */
export type Outcome = 'delivered' | 'refused' | 'unreachable' | 'dropped' | 'timed-out';

export const OUTCOMES: readonly Outcome[] = ['delivered', 'refused', 'unreachable', 'dropped', 'timed-out'];

/** Where and why a packet was dropped (the simulator knows; the emulator may infer). */
export interface DropRecord {
  readonly timeNs: number;
  readonly ns: string;
  readonly dev?: string;
  /** A closed vocabulary: see DROP_REASONS in sim/trace. */
  readonly reason: string;
  /** The rule that decided, for netfilter drops (`filter FORWARD #3: -o br-x -j DROP`). */
  readonly rule?: string;
  /** The dropped packet, one line (core/wire pretty). */
  readonly summary: string;
  /** The probe the packet belonged to, when it was a probe's. */
  readonly probe?: string;
}

/** One step of a decision trace: where a probe's packet was and what decided its way. */
export interface TraceStep {
  readonly timeNs: number;
  readonly ns: string;
  readonly dev?: string;
  /** `rx`, `tx`, `route`, `arp`, `fdb`, `forward`, `deliver`, `drop`, `icmp`, `nat`, `filter`... */
  readonly step: string;
  readonly detail: string;
}

/**
 * What a probe's trace left out when it had more steps than the simulator keeps
 * (sim/trace-record.ts): `trace` then holds its first `cutAfter` steps and its last
 * `kept - cutAfter`.
 */
export interface TraceSummary {
  /** Steps recorded in all. */
  readonly steps: number;
  /** Steps kept in `trace`. */
  readonly kept: number;
  /** Where in `trace` the omitted steps were. */
  readonly cutAfter: number;
  /** Every step recorded, counted by kind (`tx`, `rx`, `fdb`...), kinds in order. */
  readonly byStep: Readonly<Record<string, number>>;
}

export interface ProbeResult {
  readonly name: string;
  readonly kind: 'ping' | 'tcp' | 'udp' | 'pmtu';
  readonly atNs: number;
  /** The namespace it ran in and where it went. */
  readonly ns: string;
  readonly dst: string;
  readonly port?: number;
  readonly outcome: Outcome;
  /** In words: `3/3 replies`, `Destination Host Unreachable from 192.0.2.1`, `connection refused`. */
  readonly detail: string;
  readonly sent: number;
  readonly received: number;
  /** Round-trip times of the answers, in nanoseconds. */
  readonly rttsNs: readonly number[];
  /** TTL of the first reply as the client saw it. */
  readonly ttl?: number;
  /** The source address and port the server saw (its answer says so). */
  readonly seen?: { readonly address: string; readonly port: number };
  /** pmtu probes: the largest IPv4 packet that reached the destination with DF set. */
  readonly pathMtu?: number;
  /** The address that sent an ICMP error back, if one did. */
  readonly errorFrom?: string;
  /** The first drop of one of this probe's packets (simulator). */
  readonly drop?: DropRecord;
  /** The decision trace of this probe's packets (simulator); bounded, see traceSummary. */
  readonly trace?: readonly TraceStep[];
  /** Present when `trace` holds only the first and last steps of a longer trace (simulator). */
  readonly traceSummary?: TraceSummary;
}

export interface CaptureRecord {
  readonly ns: string;
  readonly dev: string;
  readonly packets: number;
  /** Written pcap file, relative to the output folder. */
  readonly file?: string;
}

export interface Observations {
  readonly engine: 'sim' | 'emulator';
  readonly scenario: string;
  readonly seed: number;
  /** When the run ended, in simulated (or elapsed) nanoseconds. */
  readonly endNs: number;
  readonly probes: readonly ProbeResult[];
  readonly drops: readonly DropRecord[];
  readonly captures: readonly CaptureRecord[];
  /** Facts a reader must know about this run (the mechanism used for delay, for one). */
  readonly notes: readonly string[];
}
