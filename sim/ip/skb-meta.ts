/**
 * What the kernel keeps on a packet (struct sk_buff, include/linux/skbuff.h) beyond its
 * bytes, where the model needs it: the request to confirm a neighbour, and the flow hash
 * its socket gave it. Both follow the packet across veths into other namespaces, through
 * bridges and routers and into a tunnel: skb_scrub_packet clears neither.
 *
 * dst_pending_confirm: TCP sets it on the first segment it sends after an ACK made
 * progress (sk_dst_confirm, __tcp_transmit_skb), and ip_finish_output2 confirms the next
 * hop's neighbour entry when it sees it (sock_confirm_neigh). So every router and Docker
 * host on the way confirms its own neighbour for it too. That is why a Docker host does
 * not re-probe an outside client while containers talk TCP with it, and a plain router
 * does: the kernel's, not the model's, quirk (measured with ip -s neigh).
 *
 * The L4 hash (skb->hash with l4_hash): a socket with a transmit hash (sk_txhash: TCP,
 * and UDP once connected, ip4_datagram_connect) stamps it on every packet it sends
 * (skb_set_hash_from_sk). A VXLAN device derives the outer UDP source port from it
 * (udp_flow_src_port -> skb_get_hash), so a TCP flow's two directions leave by
 * unrelated ports, and a new port follows each retransmission timeout
 * (sk_rethink_txhash). Packets without one (ICMP, unconnected UDP, the kernel's own
 * replies) are hashed from their headers by the flow dissector.
 *
 * Left out: skb->hash set by a receiving NIC (RSS) or RPS; the IPv6 flow label.
 */
const pending = new WeakSet<Uint8Array>();
const txHash = new WeakMap<Uint8Array, number>();

export function markConfirm(frame: Uint8Array): void {
  pending.add(frame);
}

export function wantsConfirm(frame: Uint8Array): boolean {
  return pending.has(frame);
}

/** Stamps a socket's transmit hash on a packet it sends. */
export function setTxHash(frame: Uint8Array, hash: number): void {
  txHash.set(frame, hash);
}

/** The socket's hash a packet carries, if any. */
export function txHashOf(frame: Uint8Array): number | undefined {
  return txHash.get(frame);
}

/** A copy of a packet (forwarding, NAT, fragments, encapsulation) keeps both. */
export function inheritSkbMeta(from: Uint8Array, to: Uint8Array): void {
  if (pending.has(from)) pending.add(to);
  const h = txHash.get(from);
  if (h !== undefined) txHash.set(to, h);
}
