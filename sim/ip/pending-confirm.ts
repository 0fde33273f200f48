/**
 * A packet's request to confirm the neighbour it is sent to (skb->dst_pending_confirm,
 * include/linux/skbuff.h). TCP sets it on the first segment it sends after an ACK made
 * progress (sk_dst_confirm, __tcp_transmit_skb), and ip_finish_output2 confirms the next
 * hop's neighbour entry when it sees it (sock_confirm_neigh).
 *
 * The flag is not cleared when the packet crosses a veth into another namespace
 * (skb_scrub_packet leaves it) nor when it is forwarded, so every router and Docker host
 * on the way confirms its own neighbour for it too. That is why a Docker host does not
 * re-probe an outside client while containers talk TCP with it, and a plain router
 * does: the kernel's, not the model's, quirk (measured with ip -s neigh).
 */
const pending = new WeakSet<Uint8Array>();

export function markConfirm(frame: Uint8Array): void {
  pending.add(frame);
}

export function wantsConfirm(frame: Uint8Array): boolean {
  return pending.has(frame);
}

/** A copy of a packet (forwarding, NAT, fragments) keeps the flag. */
export function inheritConfirm(from: Uint8Array, to: Uint8Array): void {
  if (pending.has(from)) pending.add(to);
}
