/**
 * Comparing what each engine saw on one device: packets are normalised (normalize.ts)
 * and grouped by conversation, since two conversations at the same instant interleave as
 * the kernel's scheduling happens to run them; within a conversation the order is the
 * protocol's and must be the same, except that two packets crossing in opposite
 * directions within microseconds may be captured either way round. The first packet
 * where a conversation differs is reported: where the two traces part. Conversations
 * that begin while a racy probe ran, when the engines ended it differently (probes.ts),
 * are left out and counted: their packets follow from the outcome the race picked.
 */
import type { CapturedPacket } from '../backend.js';
import { decodeFrame } from '../wire/decode.js';

/** IANA protocol number of IGMP (RFC 1112). */
const IPPROTO_IGMP = 2;
import { Normalizer, normalizePacket } from './normalize.js';

export interface Divergence {
  readonly flow: string;
  /** Index within the conversation. */
  readonly index: number;
  readonly sim?: string;
  readonly emu?: string;
}

export interface DeviceComparison {
  readonly ns: string;
  readonly dev: string;
  readonly simPackets: number;
  readonly emuPackets: number;
  readonly agree: boolean;
  readonly divergence?: Divergence;
  /** Conversations left out because they began during a racy probe the engines ended differently. */
  readonly raceSkipped?: number;
}

/**
 * Two packets in opposite directions closer than this on the emulator's capture may
 * appear in either order: which the capture saw first depends on how long the kernel
 * took to answer the one before (a few to tens of microseconds), which the simulator
 * does not model (it answers at once). Measured: a duplicate SYN-ACK captured 11 us
 * before the ACK the first one drew.
 */
export const CROSSING_WINDOW_NS = 50_000;

interface Seen {
  readonly text: string;
  /** Who sent it (source MAC), to tell the directions apart. */
  readonly from: string;
  readonly timeNs: number;
}

function conversations(packets: readonly CapturedPacket[], perDirection: boolean): Map<string, Seen[]> {
  const n = new Normalizer();
  const flows = new Map<string, Seen[]>();
  for (const p of packets) {
    const d = decodeFrame(p.data);
    // IGMP is left out: Linux bridges with multicast snooping join the all-snoopers group
    // (224.0.0.106, RFC 4286) when they come up and report it again at random within a
    // second; the simulator does not model multicast membership.
    if (d.ipv4?.protocol === IPPROTO_IGMP) continue;
    const np = normalizePacket(d, n);
    const from = d.eth?.src ?? '?';
    const key = perDirection ? `${np.flow} from ${from}` : np.flow;
    const list = flows.get(key) ?? (flows.set(key, []).get(key) as Seen[]);
    list.push({ text: np.text, from, timeNs: p.timeNs });
  }
  return flows;
}

/**
 * Where two conversations part, allowing the emulator's packets to cross within
 * CROSSING_WINDOW_NS when they go in opposite directions; -1 when they do not part.
 */
function partingIndex(x: readonly Seen[], y: Seen[]): number {
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i]?.text === y[i]?.text) continue;
    const a = y[i];
    const b = y[i + 1];
    const crossed =
      a !== undefined &&
      b !== undefined &&
      a.from !== b.from &&
      Math.abs(b.timeNs - a.timeNs) < CROSSING_WINDOW_NS &&
      b.text === x[i]?.text;
    if (!crossed) return i;
    y[i] = b;
    y[i + 1] = a;
  }
  return -1;
}

/** A span of run time, [fromNs, toNs). */
export interface TimeWindow {
  readonly fromNs: number;
  readonly toNs: number;
}

/**
 * Compares one device's captures; the first divergence, in the order conversations began.
 * A conversation whose first packet in either engine falls in one of `skip` is not compared.
 */
export function compareDevice(
  ns: string,
  dev: string,
  sim: readonly CapturedPacket[],
  emu: readonly CapturedPacket[],
  perDirection = false,
  skip: readonly TimeWindow[] = [],
): DeviceComparison {
  const a = conversations(sim, perDirection);
  const b = conversations(emu, perDirection);
  let skipped = 0;
  const inSkip = (first: Seen | undefined) =>
    first !== undefined && skip.some((w) => first.timeNs >= w.fromNs && first.timeNs < w.toNs);
  const counted = () => (skipped > 0 ? { raceSkipped: skipped } : {});
  const base = { ns, dev, simPackets: sim.length, emuPackets: emu.length };
  for (const flow of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(flow) ?? [];
    const y = [...(b.get(flow) ?? [])];
    if (inSkip(x[0]) || inSkip(y[0])) {
      skipped++;
      continue;
    }
    const i = partingIndex(x, y);
    if (i < 0) continue;
    const sim = x[i]?.text;
    const emu = y[i]?.text;
    return {
      ...base,
      agree: false,
      divergence: { flow, index: i, ...(sim !== undefined && { sim }), ...(emu !== undefined && { emu }) },
      ...counted(),
    };
  }
  return { ...base, agree: true, ...counted() };
}
