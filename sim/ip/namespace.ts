/**
 * A network namespace of the simulator: its devices, IPv4 addresses, routing table,
 * neighbour tables, sysctls, sockets and netfilter, and
 * the entry points the devices and applications use. The packet paths themselves live
 * in `input.ts`, `output.ts`, `forward.ts`, `icmp.ts`, `arp.ts` and `reassembly.ts`,
 * each a set of functions over this object, the way Linux splits ip_input.c,
 * ip_output.c and ip_forward.c.
 *
 * Addresses follow Linux's weak host model: a packet for any local address is accepted
 * on any interface, and ARP answers for any local address (arp_ignore=0).
 */
import { broadcastOf, formatIpv4, networkOf, type IfAddr } from '../../core/addr.js';
import type { Rng } from '../../core/rng.js';
import { summarizeFrame } from '../../core/wire/pretty.js';
import type { Simulation } from '../engine/simulation.js';
import { NetDevice, type DeviceHost } from '../net/device.js';
import { Bridge } from '../net/bridge.js';
import { Loopback } from '../net/loopback.js';
import type { VxlanSocket } from '../net/vxlan.js';
import type { SkBuff } from '../skb.js';
import type { DropReason, TraceSink } from '../trace.js';
import { arpInput, arpSolicit } from './arp.js';
import { IcmpRateLimiter } from './icmp.js';
import { ipInput } from './input.js';
import { NeighbourTable } from './neighbour.js';
import { hostUnreachableForQueued, neighbourOutput } from './output.js';
import { Reassembler } from './reassembly.js';
import { RouteTable } from './route-table.js';
import { Sockets } from './sockets.js';
import type { Netfilter } from '../netfilter/netfilter.js';
import { ETH_HEADER_LEN, ETHERTYPE_ARP, ETHERTYPE_IPV4, ethEthertype } from '../../core/wire/ethernet.js';
import { isGroupMacNum, macNumAt } from '../../core/wire/mac.js';

/** One address on one device. */
export interface AddressEntry extends IfAddr {
  readonly dev: NetDevice;
}

/** The per-namespace sysctls the model reads. */
export interface Sysctls {
  ipForward: boolean;
  /** net.ipv4.conf.all.route_localnet: 127/8 may be routed (Docker sets it without the proxy). */
  routeLocalnet: boolean;
  /** net.bridge.bridge-nf-call-iptables. */
  bridgeNfCallIptables: boolean;
  /** net.ipv4.tcp_syn_linear_timeouts: SYN retransmissions at the initial RTO before doubling. */
  tcpSynLinearTimeouts: number;
}

/**
 * tcp_syn_linear_timeouts' default since Linux 6.5 (commit ccce324dabfe, "tcp: make the
 * first N SYN RTO backoffs linear"): SYNs go out at 0, 1, 2, 3, 4, 5, 7 s. Older kernels
 * double from the start (0, 1, 3, 7 ...); a scenario can set the sysctl to 0 for that.
 */
export const TCP_SYN_LINEAR_TIMEOUTS_DEFAULT = 4;

export class NetNamespace implements DeviceHost {
  readonly devices = new Map<string, NetDevice>();
  readonly addresses: AddressEntry[] = [];
  readonly routes = new RouteTable();
  readonly sockets: Sockets;
  readonly rng: Rng;
  readonly sysctl: Sysctls = {
    ipForward: false,
    routeLocalnet: false,
    bridgeNfCallIptables: false,
    tcpSynLinearTimeouts: TCP_SYN_LINEAR_TIMEOUTS_DEFAULT,
  };
  readonly lo: Loopback;
  readonly icmpLimiter = new IcmpRateLimiter();
  readonly reassembler: Reassembler;
  /** The namespace's netfilter; absent when it has no rules (every packet passes, nothing is tracked). */
  nf?: Netfilter;
  /** The UDP sockets of the VXLAN devices whose underlay this is, by port (vxlan_net's sock_list). */
  readonly vxlanSockets = new Map<number, VxlanSocket>();
  /** Path MTUs learned from ICMP fragmentation-needed, by destination (ip_rt_update_pmtu). */
  readonly pmtu = new Map<number, { mtu: number; expiresNs: number }>();
  private readonly neighbours = new Map<NetDevice, NeighbourTable>();
  private readonly local = new Map<number, AddressEntry>();
  /** Subnet broadcast addresses of the local subnets (accepted as local, RTN_BROADCAST). */
  private readonly broadcasts = new Set<number>();
  /** Next IPv4 identification; Linux hashes per destination, a counter is enough for traces. */
  private ipId: number;

  constructor(
    readonly id: string,
    readonly sim: Simulation,
    readonly trace: TraceSink,
  ) {
    this.rng = sim.rng.fork(`ns/${id}`);
    this.ipId = this.rng.int(0, 0xffff);
    this.sockets = new Sockets(this);
    this.reassembler = new Reassembler(this);
    this.lo = new Loopback(this);
    this.addDevice(this.lo);
  }

  addDevice(dev: NetDevice): void {
    this.devices.set(dev.name, dev);
  }

  /** Deletes a device with its addresses, routes and neighbours (ip link del). */
  removeDevice(dev: NetDevice): void {
    this.devices.delete(dev.name);
    for (let i = this.addresses.length - 1; i >= 0; i--)
      if (this.addresses[i]?.dev === dev) this.addresses.splice(i, 1);
    this.rebuildLocal();
    this.routes.remove((r) => r.dev === dev.name);
    this.neighbours.delete(dev);
  }

  /** ip address add: the address and its kernel route (fib_add_ifaddr). */
  addAddress(dev: NetDevice, a: IfAddr, kernelRoute = true): void {
    this.addresses.push({ ...a, dev });
    this.rebuildLocal();
    if (kernelRoute && dev !== this.lo)
      this.routes.add({
        dst: networkOf(a.addr, a.len),
        len: a.len,
        dev: dev.name,
        metric: 0,
        src: a.addr,
        proto: 'kernel',
      });
  }

  private rebuildLocal(): void {
    this.local.clear();
    this.broadcasts.clear();
    for (const a of this.addresses) {
      this.local.set(a.addr, a);
      if (a.len < 31) this.broadcasts.add(broadcastOf({ addr: networkOf(a.addr, a.len), len: a.len }));
    }
  }

  /** The local address entry for `addr`, if it is one of ours. */
  localAddress(addr: number): AddressEntry | undefined {
    return this.local.get(addr);
  }

  /** Whether a packet to `addr` is for this host: a local address, loopback, or a subnet or limited broadcast. */
  isLocal(addr: number): boolean {
    return this.local.has(addr) || addr >>> 24 === 127 || addr === 0xffffffff || this.broadcasts.has(addr);
  }

  /** Whether `addr` is the limited broadcast or the broadcast address of a local subnet (RTN_BROADCAST). */
  isBroadcast(addr: number): boolean {
    return addr === 0xffffffff || this.broadcasts.has(addr);
  }

  /** inet_select_addr: the source for packets out of `dev` toward `dst`. */
  sourceFor(dev: NetDevice, dst: number, prefsrc?: number): number | undefined {
    if (prefsrc !== undefined) return prefsrc;
    // One pass without temporary arrays or prefix objects: every sent datagram asks.
    let firstOnDev: AddressEntry | undefined;
    let firstOffLo: AddressEntry | undefined;
    for (const a of this.addresses) {
      if (a.dev === dev) {
        if (networkOf(dst, a.len) === networkOf(a.addr, a.len)) return a.addr;
        firstOnDev ??= a;
      }
      if (a.dev !== this.lo) firstOffLo ??= a;
    }
    return (firstOnDev ?? firstOffLo)?.addr;
  }

  /** The next IPv4 identification value. */
  nextIpId(): number {
    this.ipId = (this.ipId + 1) & 0xffff;
    return this.ipId;
  }

  /** The neighbour table of a device, made on first use. */
  neighbourTable(dev: NetDevice): NeighbourTable {
    let t = this.neighbours.get(dev);
    if (t === undefined) {
      t = new NeighbourTable(this.sim, this.rng.fork(`neigh/${dev.name}`), {
        solicit: (ip, mac, trigger) => arpSolicit(this, dev, ip, mac, trigger),
        output: (frame, mac) => neighbourOutput(this, dev, frame, mac),
        unreachable: (frame) => hostUnreachableForQueued(this, frame),
      });
      this.neighbours.set(dev, t);
    }
    return t;
  }

  /** A device lost its carrier or went down (DeviceHost): its bridge, or its neighbours, react. */
  carrierLost(dev: NetDevice): void {
    if (dev.master !== undefined) return dev.master.portDown(dev);
    for (const f of this.neighbours.get(dev)?.flushDevice() ?? []) this.dropFrame(f, 'no-carrier', dev.name);
  }

  /**
   * A frame from a device (DeviceHost): Ethernet demultiplexing (__netif_receive_skb, ip_rcv's
   * PACKET_OTHERHOST check).
   */
  receive(dev: NetDevice, skb: SkBuff, prerouted = false): void {
    const frame = skb.data;
    if (frame.length < ETH_HEADER_LEN) return this.dropFrame(skb, 'malformed', dev.name);
    const dst = macNumAt(frame, 0);
    // A bridge hands up frames for any of its local FDB entries, a port's MAC included:
    // eth_type_trans ran on the port, so br_pass_frame_up delivers them as PACKET_HOST.
    const forUs = dst === dev.macNum || isGroupMacNum(dst) || (dev instanceof Bridge && dev.isLocalMac(dst));
    // br_netfilter hands up frames it already classified PACKET_HOST whatever their MAC.
    if (dev !== this.lo && !forUs && !prerouted) return this.dropFrame(skb, 'not-for-us', dev.name);
    const type = ethEthertype(frame, 0);
    if (type === ETHERTYPE_IPV4) ipInput(this, dev, skb, prerouted);
    else if (type === ETHERTYPE_ARP) arpInput(this, dev, skb);
  }

  dropFrame(skb: SkBuff, reason: DropReason, dev?: string, rule?: string): void {
    this.trace.drop(
      {
        timeNs: this.sim.now,
        ns: this.id,
        ...(dev !== undefined && { dev }),
        reason,
        ...(rule !== undefined && { rule }),
        summary: this.trace.tracing || this.trace.drops.length < 1000 ? summarizeFrame(skb.data) : '',
      },
      skb,
    );
  }

  /** Records a decision step for a traced frame. */
  step(frame: SkBuff, dev: NetDevice | undefined, step: string, detail: string): void {
    if (this.trace.tracing) this.trace.step(frame, this.sim.now, this.id, dev?.name, step, detail);
  }

  describe(addr: number): string {
    return formatIpv4(addr);
  }
}
