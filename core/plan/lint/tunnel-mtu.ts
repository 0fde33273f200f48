/**
 * VXLAN needs 50 bytes more on the underlay than it carries (RFC 7348: outer Ethernet,
 * IPv4, UDP, VXLAN). An overlay whose MTU plus 50 exceeds the smallest MTU on the
 * underlay path between two of its nodes, or a learning-mode VXLAN device whose MTU plus
 * 50 exceeds the path to one of its remotes, loses or fragments its full-size packets;
 * Docker does not lower an overlay's MTU by itself (it is 1450 unless the network says).
 * The path is the one each node's routes take toward the other's tunnel endpoint, traced
 * through the compiled plan (core/plan/path-mtu.ts): a lint of the plan, run after compiling.
 * A path that does not exist at all is reported too: nothing would cross the tunnel.
 */
import { formatIpv4 } from '../../addr.js';
import { VXLAN_OVERHEAD } from '../../scenario/defaults.js';
import type { DiagnosticSink } from '../../scenario/diagnostics.js';
import type { NetworkModel, ScenarioModel } from '../../scenario/model.js';
import { vtepOf } from '../../scenario/overlay.js';
import { pathMtuOf, tracePath, type Crossing } from '../path-mtu.js';
import type { Plan } from '../types.js';

/** Reports tunnels too big for their underlay, and tunnels with no underlay path. */
export function checkTunnelMtus(sink: DiagnosticSink, m: ScenarioModel, plan: Plan): void {
  const overlays = m.networks.filter((n) => n.driver === 'overlay' && n.hosts.length > 1);
  const vxlans = m.hosts.flatMap((h) => h.vxlans.filter((x) => x.remotes.length > 0).map((x) => ({ h, x })));
  for (const n of overlays) checkOverlay(sink, plan, m, n);
  for (const { h, x } of vxlans) {
    for (const r of x.remotes) {
      const u = underlay(plan, h.name, r);
      const what = `vxlan ${x.name} (MTU ${x.mtu})`;
      if ('reason' in u) sink.warn(x.path, `${what} has no underlay path to its remote ${formatIpv4(r)}: ${u.reason}`);
      else if (x.mtu + VXLAN_OVERHEAD > u.mtu)
        sink.warn(
          x.path,
          `${what} needs ${x.mtu + VXLAN_OVERHEAD}-byte packets toward ${formatIpv4(r)} (VXLAN adds ${VXLAN_OVERHEAD}), but ${at(u.limit)} on the way has MTU ${u.mtu}; mtu: ${u.mtu - VXLAN_OVERHEAD} would fit`,
          x.mtu,
        );
    }
  }
}

/** Each pair of nodes, both directions; one warning per pair, for the worse direction. */
function checkOverlay(sink: DiagnosticSink, plan: Plan, m: ScenarioModel, n: NetworkModel): void {
  n.hosts.forEach((a, i) =>
    n.hosts.slice(i + 1).forEach((b) => {
      const ways = [
        { from: a, to: b },
        { from: b, to: a },
      ].map((w) => ({ ...w, u: underlay(plan, w.from, vtepOf(m.hosts, w.to)) }));
      const what = `overlay ${n.name} (MTU ${n.mtu})`;
      const broken = ways.find((w) => 'reason' in w.u);
      if (broken !== undefined && 'reason' in broken.u) {
        sink.warn(
          n.path,
          `${what} has no underlay path from ${broken.from} to ${broken.to}'s tunnel endpoint ${formatIpv4(vtepOf(m.hosts, broken.to))}: ${broken.u.reason}`,
        );
        return;
      }
      const worst = ways.reduce((x, y) => ('mtu' in y.u && 'mtu' in x.u && y.u.mtu < x.u.mtu ? y : x));
      if (!('mtu' in worst.u) || n.mtu + VXLAN_OVERHEAD <= worst.u.mtu) return;
      sink.warn(
        n.path,
        `${what} needs ${n.mtu + VXLAN_OVERHEAD}-byte packets between ${a} and ${b} (VXLAN adds ${VXLAN_OVERHEAD}), but ${at(worst.u.limit)} on the way from ${worst.from} to ${worst.to} has MTU ${worst.u.mtu}; mtu: ${worst.u.mtu - VXLAN_OVERHEAD} would fit`,
        n.mtu,
      );
    }),
  );
}

/** The smallest MTU on the route from a node's namespace to an address, and where it is. */
function underlay(plan: Plan, from: string, to: number): { mtu: number; limit: Crossing } | { reason: string } {
  if (to === 0) return { reason: 'it has no address to advertise' };
  const t = tracePath(plan, from, formatIpv4(to));
  if (!t.ok) return { reason: t.reason };
  const v = pathMtuOf(t.crossings);
  return v === undefined ? { reason: "it is the node's own address" } : { mtu: v.mtu, limit: v.limit };
}

function at(c: Crossing): string {
  return `${c.ns}:${c.dev}`;
}
