/**
 * A VXLAN device (drivers/net/vxlan/vxlan_core.c, RFC 7348) as Docker's overlay uses it:
 * the device sits in one namespace (the overlay's, as a port of its bridge) while its
 * UDP socket and the routing of its outer packets belong to another (the Docker host's:
 * the device was created there and moved, `link-netns`).
 *
 * Sending a frame: with `proxy`, ARP requests are answered from the device's neighbour
 * table and never leave (arp_reduce); otherwise the destination MAC is looked up in the
 * device's FDB (static entries the control plane programmed, entries it learned, which
 * age out after `ageing`), and an unknown or broadcast destination goes to every
 * all-zeros (flooding) entry. The frame is wrapped in Ethernet/IPv4/UDP/VXLAN: the
 * outer source port comes from a hash of the inner flow mapped into the source port
 * range (udp_flow_src_port), DF clear, TTL 64 unless set, UDP checksum with `udpcsum`,
 * and sent by the host's IPv4 output, through its netfilter, fragmented if it must be.
 * An inner packet with DF that would not fit the outer route's MTU minus the 50 bytes of
 * encapsulation is answered with ICMP fragmentation needed, injected back into the
 * bridge as if from its destination (skb_tunnel_check_pmtu, iptunnel_pmtud_build_icmp).
 *
 * Receiving: the host's UDP socket on the destination port hands each packet to the
 * device of its VNI, which learns the inner source MAC's remote (vxlan_snoop) and passes
 * the inner frame up as if received on the device.
 *
 * Not modelled: multicast groups, GBP and GPE extensions, IPv6 underlays, remote checksum
 * offload, `df set`/`inherit`, the l2miss/l3miss netlink notifications (no agent listens
 * in twinnet), and the kernel's per-boot hash seed (the model's flow hash is fixed).
 */
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST, LINUX_DEFAULT_TTL } from '../../core/linux-defaults.js';
import type { VxlanParams } from '../../core/plan/types.js';
import { ARP_OP_REQUEST, arpOp, arpSenderIp, arpSenderMacNum, arpTargetIp } from '../../core/wire/arp.js';
import { ETH_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, ethEthertype } from '../../core/wire/ethernet.js';
import { buildArpFrame, buildIcmpErrorFrame, buildVxlanFrame } from '../../core/wire/frame.js';
import { ipv4Df, ipv4Dst, ipv4Src, ipv4TotalLen } from '../../core/wire/ipv4.js';
import { macNumAt } from '../../core/wire/mac.js';
import { VXLAN_FLAG_I, VXLAN_HEADER_LEN, vxlanFlags, vxlanVni } from '../../core/wire/vxlan.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { NetNamespace } from '../ip/namespace.js';
import { ipOutput, pathMtu } from '../ip/output.js';
import { SkBuff } from '../skb.js';
import { flowHash, flowSourcePort } from './flow-hash.js';
import { NetDevice, type DeviceHost } from './device.js';

/** VXLAN_HEADROOM for IPv4: outer IPv4 20 + UDP 8 + VXLAN 8 + inner Ethernet 14. */
export const VXLAN_IPV4_HEADROOM = 50;
/** ip_local_port_range's default, which `srcport 0 0` means (udp_flow_src_port). */
const DEFAULT_SRC_PORTS: readonly [number, number] = [EPHEMERAL_PORT_FIRST, EPHEMERAL_PORT_LAST + 1];

interface FdbEntry {
  remote: number;
  permanent: boolean;
  updatedNs: number;
}

const EV_RX = 1;

export class VxlanDevice extends NetDevice implements EventHandler {
  private readonly fdb = new Map<number, FdbEntry>();
  /** Remotes of the all-zeros entries: where unknown and broadcast frames go. */
  private readonly floods: number[] = [];
  /** The outer source address when `local` is set; else the route chooses per packet. */
  private readonly local: number | undefined;

  constructor(
    host: DeviceHost,
    name: string,
    mac: Uint8Array,
    mtu: number,
    readonly params: VxlanParams,
    readonly underlay: NetNamespace,
  ) {
    super(host, name, mac, mtu);
    this.local = params.local === undefined ? undefined : parseIpv4(params.local);
    VxlanSocket.of(underlay, params.dstPort).attach(params.vni, this);
  }

  get carrier(): boolean {
    return this.adminUp;
  }

  private get ns(): NetNamespace {
    return this.host as NetNamespace;
  }

  /** A static entry (bridge fdb append MAC dev vxlan0 dst IP self permanent); the all-zeros MAC floods. */
  addFdb(mac: number, remote: number): void {
    if (mac === 0) {
      if (!this.floods.includes(remote)) this.floods.push(remote);
    } else this.fdb.set(mac, { remote, permanent: true, updatedNs: this.host.sim.now });
  }

  removeFdb(mac: number, remote: number): void {
    if (mac !== 0) {
      if (this.fdb.get(mac)?.remote === remote) this.fdb.delete(mac);
      return;
    }
    const i = this.floods.indexOf(remote);
    if (i >= 0) this.floods.splice(i, 1);
  }

  /** The remote a MAC is reached at (learned entries expire after `ageing`), for tests and traces. */
  remoteOf(mac: number): number | undefined {
    const e = this.fdb.get(mac);
    if (e === undefined) return undefined;
    if (!e.permanent && this.host.sim.now - e.updatedNs > this.params.ageingS * 1e9) {
      this.fdb.delete(mac);
      return undefined;
    }
    return e.remote;
  }

  /** vxlan_xmit: a frame from the bridge (or the stack) goes into the tunnel. */
  transmit(skb: SkBuff): void {
    if (!this.adminUp) return this.host.dropFrame(skb, 'link-down', this.name);
    const frame = skb.data;
    this.tap(skb, this.host.sim.now);
    if (this.params.proxy && ethEthertype(frame, 0) === ETHERTYPE_ARP) return this.arpReduce(skb);
    const group = ((frame[0] as number) & 1) === 1;
    const remote = group ? undefined : this.remoteOf(macNumAt(frame, 0));
    if (remote !== undefined) return this.encap(skb, remote);
    const targets = floodOrder(this.floods);
    if (targets.length === 0) return this.host.dropFrame(skb, 'no-route', this.name);
    for (const t of targets) this.encap(skb, t);
  }

  /** arp_reduce: answer from the neighbour table, never send the request. */
  private arpReduce(skb: SkBuff): void {
    const a = ETH_HEADER_LEN;
    const frame = skb.data;
    if (frame.length < a + 28 || arpOp(frame, a) !== ARP_OP_REQUEST) return;
    const n = this.ns.neighbourTable(this).get(arpTargetIp(frame, a));
    if (n?.mac === undefined || (n.state !== 'permanent' && n.state !== 'reachable')) {
      if (this.host.trace.tracing)
        this.host.trace.step(
          skb,
          this.host.sim.now,
          this.host.id,
          this.name,
          'vxlan',
          `proxy: no neighbour for ${formatIpv4(arpTargetIp(frame, a))}, the request goes nowhere`,
        );
      return;
    }
    const reply = new SkBuff(
      buildArpFrame({
        op: 'reply',
        senderMac: n.mac,
        senderIp: arpTargetIp(frame, a),
        targetMac: arpSenderMacNum(frame, a),
        targetIp: arpSenderIp(frame, a),
      }),
      skb.flow,
    );
    if (this.host.trace.tracing)
      this.host.trace.step(
        skb,
        this.host.sim.now,
        this.host.id,
        this.name,
        'vxlan',
        `proxy: answered for ${formatIpv4(arpTargetIp(frame, a))} from the neighbour table`,
      );
    this.host.sim.schedule(0, this, EV_RX, reply);
  }

  private encap(inner: SkBuff, remote: number): void {
    const u = this.underlay;
    const route = u.routes.lookup(remote);
    const dev = route === undefined ? undefined : u.devices.get(route.dev);
    if (route === undefined || dev === undefined) return this.host.dropFrame(inner, 'no-route', this.name);
    if (this.tooBig(inner, pathMtu(u, dev, remote) - VXLAN_IPV4_HEADROOM)) return;
    const src = this.local ?? u.sourceFor(dev, route.via ?? remote, route.src);
    if (src === undefined) return this.host.dropFrame(inner, 'no-route', this.name);
    // The outer packet is the same skb with headers pushed (udp_tunnel_xmit_skb); its
    // dst_pending_confirm survives, so the underlay's ip_finish_output2 confirms the
    // remote VTEP's neighbour while the inner TCP flow makes progress.
    const outer = inner.encapsulated(
      buildVxlanFrame({
        srcMac: 0,
        dstMac: 0,
        src,
        dst: remote,
        id: u.nextIpId(),
        ttl: this.params.ttl ?? LINUX_DEFAULT_TTL,
        df: false,
        srcPort: this.sourcePort(inner),
        dstPort: this.params.dstPort,
        vni: this.params.vni,
        inner: inner.data,
        noChecksum: !this.params.udpCsum,
      }),
    );
    if (this.host.trace.tracing)
      this.host.trace.step(
        inner,
        this.host.sim.now,
        this.host.id,
        this.name,
        'vxlan',
        `encapsulated for ${formatIpv4(remote)} vni ${this.params.vni}`,
      );
    ipOutput(u, outer);
  }

  /**
   * skb_tunnel_check_pmtu: an inner IPv4 packet larger than the route allows; with DF
   * the sender gets ICMP fragmentation needed, as if from the destination, and the
   * packet is dropped; without DF the outer packet is fragmented instead.
   */
  private tooBig(skb: SkBuff, mtu: number): boolean {
    const inner = skb.data;
    if (ethEthertype(inner, 0) !== ETHERTYPE_IPV4) return false;
    const ip = ETH_HEADER_LEN;
    if (ipv4TotalLen(inner, ip) <= mtu || !ipv4Df(inner, ip)) return false;
    const err = new SkBuff(
      buildIcmpErrorFrame({
        srcMac: macNumAt(inner, 0),
        dstMac: macNumAt(inner, 6),
        src: ipv4Dst(inner, ip),
        dst: ipv4Src(inner, ip),
        id: 0,
        kind: 'dest-unreachable',
        code: 4,
        nextHopMtu: mtu,
        original: inner.subarray(ip, ip + ipv4TotalLen(inner, ip)),
      }),
      skb.flow,
    );
    this.host.dropFrame(skb, 'mtu', this.name);
    this.host.sim.schedule(0, this, EV_RX, err);
    return true;
  }

  /** udp_flow_src_port: the inner packet's hash (its socket's, else its flow's) mapped into the source port range. */
  private sourcePort(inner: SkBuff): number {
    const [lo, hi] =
      this.params.srcPortRange[0] === 0 && this.params.srcPortRange[1] === 0
        ? DEFAULT_SRC_PORTS
        : this.params.srcPortRange;
    return flowSourcePort(inner.l4Hash ? inner.hash : flowHash(inner.data), lo, hi);
  }

  /** A decapsulated frame from `remote` (vxlan_rcv): learn, then up as if received here. */
  deliver(inner: SkBuff, remote: number): void {
    if (!this.adminUp) return this.host.dropFrame(inner, 'link-down', this.name);
    if (this.params.learning) this.snoop(macNumAt(inner.data, 6), remote);
    this.receive(inner);
  }

  /** vxlan_snoop: a source MAC is reached at the remote it came from (static entries stay). */
  private snoop(mac: number, remote: number): void {
    if ((Math.floor(mac / 2 ** 40) & 1) === 1) return;
    const e = this.fdb.get(mac);
    if (e === undefined) this.fdb.set(mac, { remote, permanent: false, updatedNs: this.host.sim.now });
    else if (!e.permanent) {
      e.remote = remote;
      e.updatedNs = this.host.sim.now;
    }
  }

  handleEvent(_kind: number, arg: unknown): void {
    this.receive(arg as SkBuff);
  }
}

/** The UDP socket a host's VXLAN devices share on one port, demultiplexing by VNI. */
export class VxlanSocket {
  private readonly devices = new Map<number, VxlanDevice>();

  /** The namespace's socket on `port`, opened by its first device. */
  static of(ns: NetNamespace, port: number): VxlanSocket {
    let s = ns.vxlanSockets.get(port);
    if (s === undefined) {
      s = new VxlanSocket(ns, port);
      ns.vxlanSockets.set(port, s);
    }
    return s;
  }

  private constructor(
    private readonly ns: NetNamespace,
    port: number,
  ) {
    ns.sockets.bindUdp(port, {
      onDatagram: (from, _fromPort, _to, payload, _ttl, frame) => this.input(from, payload, frame),
    });
  }

  attach(vni: number, dev: VxlanDevice): void {
    if (this.devices.has(vni)) throw new Error(`two VXLAN devices with VNI ${vni} on one socket in ${this.ns.id}`);
    this.devices.set(vni, dev);
  }

  /** The inner frame goes on as a new packet: of the outer one's metadata only its trace flow. */
  private input(from: number, payload: Uint8Array, skb: SkBuff): void {
    if (payload.length < VXLAN_HEADER_LEN + ETH_HEADER_LEN || (vxlanFlags(payload, 0) & VXLAN_FLAG_I) === 0)
      return this.ns.dropFrame(skb, 'malformed');
    const dev = this.devices.get(vxlanVni(payload, 0));
    if (dev === undefined) return this.ns.dropFrame(skb, 'no-listener');
    dev.deliver(new SkBuff(payload.slice(VXLAN_HEADER_LEN), skb.flow), from);
  }
}

/**
 * The order vxlan_xmit floods in: it keeps the entry's first remote for the original
 * packet, sends clones to the others in list order (entries are appended at the tail),
 * and the original last. Measured: remotes [.2, .3] send to .3 first.
 */
export function floodOrder(remotes: readonly number[]): number[] {
  return remotes.length < 2 ? [...remotes] : [...remotes.slice(1), remotes[0] as number];
}
