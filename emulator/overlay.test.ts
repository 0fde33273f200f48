/**
 * Overlays on a real kernel, on hand-written plans (test/helpers/plans.ts overlayLab):
 * two Docker hosts on one underlay segment, an overlay namespace per host with br0,
 * vxlan0 and a container's veth. Checked: with Docker's control plane (static FDB
 * entries and neighbours, proxy ARP) a ping between the containers crosses the tunnel,
 * as the project's own decoder reads the underlay's capture (outer UDP to 4789, the
 * VNI, inner ICMP), with no ARP inside the tunnel; `unprogram` on one side stops the
 * traffic and `program` brings it back; in learning mode (a flooding entry, no static
 * MACs) the ARP crosses the tunnel and the device learns the remote MAC.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { formatIpv4 } from '../core/addr.js';
import type { CapturedPacket } from '../core/backend.js';
import type { StateChange, TimelineEntryPlan } from '../core/plan/types.js';
import { decodeFrame, type DecodedFrame } from '../core/wire/decode.js';
import { itEmulator } from '../test/helpers/emulator.js';
import { buildOnKernel } from '../test/helpers/kernel-lab.js';
import { overlayFdb, overlayLab, overlayNeighbour, type OverlaySide } from '../test/helpers/plans.js';
import { readCapture, startCapture, stopCapture } from './capture.js';
import { RunResources } from './lifecycle.js';
import { runPing } from './ping.js';
import { emulate } from './run.js';
import { readFdb } from './verify-overlay.js';
import { verifyPlan } from './verify.js';

const C1: OverlaySide = {
  host: 'h1',
  underlay: '192.0.2.1',
  overlayNs: 'ov1',
  container: 'c1',
  ip: '10.0.1.2',
  mac: '02:42:0a:00:01:02',
};
const C2: OverlaySide = {
  host: 'h2',
  underlay: '192.0.2.2',
  overlayNs: 'ov2',
  container: 'c2',
  ip: '10.0.1.3',
  mac: '02:42:0a:00:01:03',
};

const MS = 1_000_000;
const NO_CHANGE: StateChange = { addInterfaces: [], removeInterfaces: [], addRoutes: [], removeRoutes: [] };

function ping(name: string, atNs: number, count: number): TimelineEntryPlan {
  return {
    atNs,
    name,
    action: {
      kind: 'ping',
      ns: 'c1',
      dst: C2.ip,
      count,
      intervalNs: 200 * MS,
      size: 56,
      df: false,
      ttl: 64,
      timeoutNs: 1000 * MS,
    },
  };
}

/** The control plane on h1 withdrawing (or programming again) c2's entries in ov1. */
function control(kind: 'program' | 'unprogram', atNs: number): TimelineEntryPlan {
  const entries = {
    fdb: [{ ns: 'ov1', fdb: overlayFdb(C2) }],
    neighbours: [{ ns: 'ov1', neighbour: overlayNeighbour(C2) }],
  };
  const change: StateChange =
    kind === 'program'
      ? { ...NO_CHANGE, addFdb: entries.fdb, addNeighbours: entries.neighbours }
      : { ...NO_CHANGE, removeFdb: entries.fdb, removeNeighbours: entries.neighbours };
  return { atNs, name: `${kind} c2 on h1`, action: { kind, host: 'h1', container: 'c2', network: 'ov', change } };
}

const UNPROGRAM_AT = 1200 * MS;
const PROGRAM_AT = 3000 * MS;
const TIMELINE = [
  ping('before', 200 * MS, 3),
  control('unprogram', UNPROGRAM_AT),
  ping('withdrawn', 1400 * MS, 2),
  control('program', PROGRAM_AT),
  ping('restored', 3200 * MS, 3),
];

/** The VXLAN frames of a capture, decoded, with their times. */
function tunnelled(packets: readonly CapturedPacket[]): { timeNs: number; d: DecodedFrame }[] {
  return packets.map((p) => ({ timeNs: p.timeNs, d: decodeFrame(p.data) })).filter((x) => x.d.vxlan !== undefined);
}

const ip = (a: number | undefined) => (a === undefined ? undefined : formatIpv4(a));

describe("an overlay with Docker's control plane (static entries, proxy ARP)", () => {
  itEmulator('carries a ping through the tunnel, and unprogram/program stop and restore it (seed 1)', async () => {
    const { observations: o, captures } = await emulate(
      overlayLab('overlay-static', 'static', 4242, [C1, C2], TIMELINE),
    );
    const outcome = (n: string) => o.probes.find((p) => p.name === n);
    expect(outcome('before')).toMatchObject({ outcome: 'delivered', received: 3 });
    expect(outcome('withdrawn')).toMatchObject({ outcome: 'timed-out', received: 0 });
    expect(outcome('restored')).toMatchObject({ outcome: 'delivered', received: 3 });

    const frames = tunnelled(captures.find((c) => c.ns === 'h1' && c.dev === 'eth0')?.packets ?? []);
    // Every tunnelled frame: outer UDP to 4789 between the two hosts, VNI 4242.
    expect(frames.length).toBeGreaterThanOrEqual(12);
    for (const { d } of frames) {
      expect(d.udp?.dstPort).toBe(4789);
      expect([ip(d.ipv4?.src), ip(d.ipv4?.dst)].sort()).toEqual([C1.underlay, C2.underlay]);
      expect(d.vxlan?.vni).toBe(4242);
    }
    // Inside: the pings, from c1 to c2 and back, and no ARP at all (proxy + static neighbours).
    const inner = frames.map((f) => f.d.inner);
    const requests = frames.filter((f) => f.d.inner?.icmp?.kind === 'echo-request');
    const replies = inner.filter((f) => f?.icmp?.kind === 'echo-reply');
    expect(requests).toHaveLength(6);
    expect(replies).toHaveLength(6);
    for (const r of requests) {
      expect([ip(r.d.ipv4?.src), ip(r.d.ipv4?.dst), ip(r.d.inner?.ipv4?.src), ip(r.d.inner?.ipv4?.dst)]).toEqual([
        C1.underlay,
        C2.underlay,
        C1.ip,
        C2.ip,
      ]);
      expect(r.d.inner?.eth?.dst).toBe(C2.mac);
    }
    expect(inner.filter((f) => f?.arp !== undefined)).toEqual([]);
    // Withdrawn on h1: nothing crossed the tunnel until it was programmed again.
    expect(frames.filter((f) => f.timeNs > UNPROGRAM_AT + 50 * MS && f.timeNs < PROGRAM_AT)).toEqual([]);
  });
});

describe('an overlay in learning mode (a flooding entry, no static MACs)', () => {
  itEmulator('floods the ARP through the tunnel and learns the remote MAC', async () => {
    const lab = overlayLab('overlay-learning', 'learning', 4343, [C1, C2]);
    const res = new RunResources();
    const dir = mkdtempSync(join(tmpdir(), 'twinnet-overlay-test-'));
    try {
      const { names, agent } = await buildOnKernel(lab, res);
      await verifyPlan(lab, names, agent);
      const capture = await startCapture(dir, 'h1', names.ns('h1'), 'eth0');
      if (capture.child.pid !== undefined) res.pids.add(capture.child.pid);
      const originNs = BigInt(Date.now()) * 1_000_000n - 1_000_000_000n;
      const r = await runPing(names.ns('c1'), {
        ns: 'c1',
        dst: C2.ip,
        count: 2,
        intervalNs: 200 * MS,
        size: 56,
        df: false,
        ttl: 64,
        timeoutNs: 1000 * MS,
      });
      await stopCapture(capture);
      expect(r).toMatchObject({ outcome: 'delivered', received: 2 });

      const frames = tunnelled(readCapture(capture.file, originNs));
      const arp = frames.filter((f) => f.d.inner?.arp !== undefined);
      // c1's ARP request for c2 went to h2 by the all-zeros entry; c2's answer came back.
      expect(
        arp.some(
          (f) =>
            ip(f.d.ipv4?.dst) === C2.underlay &&
            ip(f.d.inner?.arp?.targetIp) === C2.ip &&
            f.d.inner?.eth?.dst === 'ff:ff:ff:ff:ff:ff',
        ),
      ).toBe(true);
      expect(arp.some((f) => ip(f.d.ipv4?.src) === C2.underlay && f.d.inner?.arp?.senderMac === C2.mac)).toBe(true);
      expect(frames.every((f) => f.d.vxlan?.vni === 4343 && f.d.udp?.dstPort === 4789)).toBe(true);

      // vxlan0 in ov1 learned c2's MAC behind h2 (not permanent), beside the flooding entry.
      const fdb = (await readFdb(names.ns('ov1'))).filter(
        (e) => e.ifname === 'vxlan0' && (e.flags ?? []).includes('self'),
      );
      expect(fdb.find((e) => e.mac === C2.mac)).toMatchObject({ dst: C2.underlay });
      expect(fdb.find((e) => e.mac === C2.mac)?.state).not.toBe('permanent');
      expect(fdb.find((e) => e.mac === '00:00:00:00:00:00')).toMatchObject({ dst: C2.underlay, state: 'permanent' });
    } finally {
      await res.teardown();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
