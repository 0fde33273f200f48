/**
 * Comparing what each engine saw on one device: packets are normalised (normalize.ts)
 * and grouped by conversation, since two conversations at the same instant interleave as
 * the kernel's scheduling happens to run them; within a conversation the order is the
 * protocol's and must be the same. The first packet where a conversation differs is
 * reported: where the two traces part.
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
}

function conversations(packets: readonly CapturedPacket[], perDirection: boolean): Map<string, string[]> {
  const n = new Normalizer();
  const flows = new Map<string, string[]>();
  for (const p of packets) {
    const d = decodeFrame(p.data);
    // IGMP is left out: Linux bridges with multicast snooping join the all-snoopers group
    // (224.0.0.106, RFC 4286) when they come up and report it again at random within a
    // second; the simulator does not model multicast membership.
    if (d.ipv4?.protocol === IPPROTO_IGMP) continue;
    const np = normalizePacket(d, n);
    const key = perDirection ? `${np.flow} from ${d.eth?.src ?? '?'}` : np.flow;
    flows.set(key, [...(flows.get(key) ?? []), np.text]);
  }
  return flows;
}

/** Compares one device's captures; the first divergence, in the order conversations began. */
export function compareDevice(ns: string, dev: string, sim: readonly CapturedPacket[], emu: readonly CapturedPacket[], perDirection = false): DeviceComparison {
  const a = conversations(sim, perDirection);
  const b = conversations(emu, perDirection);
  const base = { ns, dev, simPackets: sim.length, emuPackets: emu.length };
  for (const flow of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(flow) ?? [];
    const y = b.get(flow) ?? [];
    for (let i = 0; i < Math.max(x.length, y.length); i++) {
      if (x[i] === y[i]) continue;
      return { ...base, agree: false, divergence: { flow, index: i, ...(x[i] !== undefined && { sim: x[i] }), ...(y[i] !== undefined && { emu: y[i] }) } };
    }
  }
  return { ...base, agree: true };
}
