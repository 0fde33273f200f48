/**
 * The underlay: every segment and link becomes a namespace holding one Linux bridge
 * (the switch), and every host interface cabled to it becomes a veth pair whose far end
 * is a port of that bridge. A link is a segment with two cables, so that taking it down
 * can drop the carrier at both hosts while their interfaces stay administratively up,
 * as when a cable is pulled.
 *
 * Impairments: an interface's impairment shapes both ends of its own cable; a segment's
 * or link's shapes the switch-side end of each of its cables. Either way each direction
 * between two members is shaped once.
 */
import { derivedMac, uniqueHashedName } from '../../hash.js';
import { segmentNs } from '../../naming.js';
import type { HostModel, SegmentModel, Shape } from '../../scenario/model.js';
import { impaired } from '../../scenario/shape.js';
import { IFNAME_MAX } from '../../scenario/schema/common.js';
import type { InterfacePlan, QdiscPlan } from '../types.js';
import { IPV6_OFF, NamespaceBuilder } from './namespace-builder.js';
import { bridgeAutoMtu, DEFAULT_PORT_FLAGS, LINUX_BRIDGE_DEFAULTS } from './bridge-defaults.js';

/**
 * A segment's switch is a plain one: no IGMP snooping, so the bridge sends no IGMP of
 * its own (a snooping bridge joins the all-snoopers group, RFC 4286, and reports it
 * through its ports, across a learning-mode tunnel too; the simulator models no IGMP).
 */
const PLAIN_SWITCH = { ...LINUX_BRIDGE_DEFAULTS, mcastSnooping: false };

/** The switch inside every segment namespace. */
export const SEGMENT_BRIDGE = 'sw0';

/** Builds the segment namespaces and returns, per `host:if`, the cable's switch-side port. */
export function buildUnderlay(
  segments: readonly SegmentModel[],
  hosts: readonly HostModel[],
): { namespaces: NamespaceBuilder[]; ports: Map<string, string> } {
  const ports = new Map<string, string>();
  const namespaces = segments.map((s) => {
    const b = new NamespaceBuilder(
      segmentNs(s.name),
      s.kind === 'link' ? 'link' : 'segment',
      s.kind === 'link' ? `link ${s.name} (two cables through a switch)` : `segment ${s.name}: a switch`,
    );
    IPV6_OFF.forEach((x) => b.sysctl(x.key, x.value, x.why));
    const cables = hosts.flatMap((h) => h.interfaces.filter((i) => i.segment === s.name).map((i) => ({ h, i })));
    b.addInterface({
      name: SEGMENT_BRIDGE,
      kind: 'bridge',
      mac: derivedMac(`seg/${s.name}`),
      mtu: bridgeAutoMtu(cables.map(() => s.mtu)),
      mtuAuto: true,
      up: true,
      addresses: [],
      bridge: PLAIN_SWITCH,
      why: `the switch of ${s.kind} ${s.name}`,
    });
    const taken = new Set([SEGMENT_BRIDGE]);
    for (const { h, i } of cables) {
      const name = portName(h.name, i.name, taken);
      ports.set(`${h.name}:${i.name}`, name);
      b.addInterface(portIface(name, s, h.name, i.name));
      // An interface's impairment shapes both ends of its cable (the host end in buildHost);
      // a segment's or link's shapes the switch end of every cable. Validation forbids both at once.
      if (impaired(i.shape)) b.qdiscs.push(qdisc(name, i.shape, `${h.name}:${i.name}'s cable, toward ${h.name}`));
      else if (impaired(s.shape)) b.qdiscs.push(qdisc(name, s.shape, `${s.kind} ${s.name} toward ${h.name}`));
    }
    return b;
  });
  return { namespaces, ports };
}

function portIface(name: string, s: SegmentModel, host: string, ifname: string): InterfacePlan {
  return {
    name,
    kind: 'veth',
    mac: derivedMac(`seg/${s.name}/${host}/${ifname}`),
    mtu: s.mtu,
    up: true,
    addresses: [],
    master: SEGMENT_BRIDGE,
    peer: { ns: host, name: ifname },
    port: DEFAULT_PORT_FLAGS,
    why: `switch port for ${host}:${ifname}`,
  };
}

/** Hex digits in a hashed port name: all a 32-bit hash gives (hexDigest returns at most 8). */
const PORT_HASH_DIGITS = 8;

/**
 * `HOST-IF` when it fits the name limit, else a shortened host name, else a hash; a hash
 * already taken is hashed again with a counter (`#1`, `#2`...), so names never collide.
 */
function portName(host: string, ifname: string, taken: Set<string>): string {
  const room = IFNAME_MAX - ifname.length - 1;
  const candidates = [`${host}-${ifname}`, `${host.slice(0, Math.max(room, 1))}-${ifname}`];
  const plain = candidates.find((c) => c.length <= IFNAME_MAX && !taken.has(c));
  if (plain === undefined) return uniqueHashedName(taken, 'p', `${host}:${ifname}`, PORT_HASH_DIGITS);
  taken.add(plain);
  return plain;
}

/** A qdisc plan for one device's egress. */
export function qdisc(dev: string, shape: Shape, why: string): QdiscPlan {
  return { dev, shape: { ...shape }, why };
}
