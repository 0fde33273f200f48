/**
 * A packet in flight (struct sk_buff, include/linux/skbuff.h): its bytes, a whole
 * Ethernet frame (architecture, firm decision 1), and what the kernel keeps beside
 * them where the model needs it. The stack passes one SkBuff from device to device as
 * Linux passes its skb; copies are made in one place (`copy`), and what a namespace
 * crossing clears in one place (`scrub`).
 *
 * - `ct`: the conntrack entry and direction (skb->_nfct with its ctinfo).
 * - `pendingConfirm` (skb->dst_pending_confirm): TCP sets it on the first segment it
 *   sends after an ACK made progress (sk_dst_confirm, __tcp_transmit_skb), and
 *   ip_finish_output2 confirms the next hop's neighbour entry when it sees it
 *   (sock_confirm_neigh). It follows the packet across veths, bridges, routers and
 *   into a tunnel (skb_scrub_packet leaves it), so every router and Docker host on the
 *   way confirms its own neighbour for it too. That is why a Docker host does not
 *   re-probe an outside client while containers talk TCP with it, and a plain router
 *   does: the kernel's, not the model's, quirk (measured with ip -s neigh).
 * - `hash` with `l4Hash` (skb->hash, skb->l4_hash): a socket with a transmit hash
 *   (sk_txhash: TCP, and UDP once connected, ip4_datagram_connect) stamps it on every
 *   packet it sends (skb_set_hash_from_sk). A VXLAN device derives the outer UDP source
 *   port from it (udp_flow_src_port -> skb_get_hash), so a TCP flow's two directions
 *   leave by unrelated ports, and a new port follows each retransmission timeout
 *   (sk_rethink_txhash). Packets without one are hashed from their headers by the flow
 *   dissector (net/flow-hash.ts).
 * - `fragMax` (IPCB(skb)->frag_max_size): the largest fragment of a datagram
 *   reassembled here, so that forwarding judges and refragments it by that size.
 * - `bridgeFragMax` (nf_bridge->frag_max_size): the same for a datagram br_netfilter
 *   reassembled; only bridged output honours it.
 * - `bridgedDnat` (nf_bridge's BRNF_BRIDGED_DNAT): a frame that br_netfilter sends back
 *   into its bridge once the neighbour layer resolved its new destination.
 * - `flow`: not kernel state but the simulator's trace identity (sim/trace.ts): the
 *   probe a packet belongs to, 0 for none, carried to every packet derived from it.
 *
 * Checksum state (skb->ip_summed) is not kept: every frame carries correct checksums,
 * and the model trusts them where Linux trusts a veth's CHECKSUM_PARTIAL packets.
 * Left out: skb->mark (no rule sets one), timestamps, the receiving NIC's RSS hash.
 */
import type { Bridge } from './net/bridge.js';
import type { NetDevice } from './net/device.js';
import type { Association } from './netfilter/conntrack.js';
import type { FlowId } from './trace.js';

/** Where a bridged DNAT frame goes back into its bridge (br_nf_pre_routing_finish_bridge_slow). */
export interface BridgedDnat {
  readonly bridge: Bridge;
  readonly port: NetDevice;
  /** The sender's MAC, which br_dev_xmit restores. */
  readonly srcMac: number;
}

export class SkBuff {
  flow: FlowId;
  ct: Association | undefined = undefined;
  pendingConfirm = false;
  l4Hash = false;
  hash = 0;
  fragMax = 0;
  bridgeFragMax = 0;
  bridgedDnat: BridgedDnat | undefined = undefined;
  /**
   * Whether others may read these bytes too (skb->cloned): a bridge's flood hands the
   * same bytes to every port, and a capture keeps them. Whoever rewrites a cloned
   * packet copies it first (skb_cow); one nobody shares is rewritten in place.
   */
  cloned = false;

  constructor(
    /** The frame, from its Ethernet header on. */
    public data: Uint8Array,
    flow: FlowId = 0,
  ) {
    this.flow = flow;
  }

  /**
   * A packet made from this one with new bytes (a rewritten copy, a fragment, a
   * forwarded copy): it keeps all the metadata, as skb_copy (net/core/skbuff.c:
   * __copy_skb_header) and ip_copy_metadata for fragments do.
   */
  copy(data: Uint8Array = this.data.slice()): SkBuff {
    const c = new SkBuff(data, this.flow);
    c.ct = this.ct;
    c.pendingConfirm = this.pendingConfirm;
    c.l4Hash = this.l4Hash;
    c.hash = this.hash;
    c.fragMax = this.fragMax;
    c.bridgeFragMax = this.bridgeFragMax;
    c.bridgedDnat = this.bridgedDnat;
    return c;
  }

  /**
   * A packet made from this one that a tunnel sends (udp_tunnel_xmit_skb): the same
   * skb with headers pushed in Linux, so its hash and neighbour confirmation stay; its
   * conntrack entry does not (iptunnel_xmit: skb_scrub_packet), nor the control block
   * (IPCB is zeroed).
   */
  encapsulated(data: Uint8Array): SkBuff {
    const c = new SkBuff(data, this.flow);
    c.pendingConfirm = this.pendingConfirm;
    c.l4Hash = this.l4Hash;
    c.hash = this.hash;
    return c;
  }

  /**
   * Crossing into a namespace over a veth (__dev_forward_skb -> skb_scrub_packet): the
   * conntrack entry and the bridge netfilter state go (nf_reset_ct, skb_ext_reset), and
   * ip_rcv will zero the control block. The hash and dst_pending_confirm stay; so would
   * the mark within one namespace, but the model keeps none.
   */
  scrub(): void {
    this.ct = undefined;
    this.fragMax = 0;
    this.bridgeFragMax = 0;
    this.bridgedDnat = undefined;
  }

  /** Stamps a socket's transmit hash (skb_set_hash_from_sk). */
  setHash(hash: number): void {
    this.hash = hash;
    this.l4Hash = true;
  }
}
