/**
 * Tail loss probe (RFC 8985 section 7; Linux tcp_schedule_loss_probe and
 * tcp_send_loss_probe, net/ipv4/tcp_output.c). When the last segments of a flight go
 * unacknowledged, Linux does not wait for the retransmission timeout: after a probe
 * timeout (PTO) it sends the last segment again, once, then arms the ordinary
 * retransmission timer from that moment. A lost request is thus first resent after
 * about min(2 SRTT + 200 ms, RTO), and again an RTO after that, before any backoff.
 *
 * Linux schedules a probe only with SACK negotiated, in the Open state (no loss
 * recovery: the model's "no retransmission timeout since the last progress"), with an
 * RTT sample, and at most one per flight (tlp_high_seq) until an ACK makes progress.
 *
 * Not modelled: sending new data instead of the tail when some is queued (the model's
 * applications write everything at once), TLP's own loss detection (tlp_high_seq and the
 * DSACK that says the probe was needless), RACK's reordering window.
 */

/** TCP_RTO_MIN (include/net/tcp.h), which the PTO adds for a lone segment: the peer may delay its ACK that long. */
export const TLP_DELAYED_ACK_ALLOWANCE_NS = 200_000_000;
/** TCP_TIMEOUT_MIN (2 jiffies at HZ=1000), added when several segments are out. */
export const TLP_TIMEOUT_MIN_NS = 2_000_000;

/**
 * The probe timeout (tcp_schedule_loss_probe): twice the smoothed RTT, plus the
 * delayed-ACK allowance when one segment is out, but never later than the pending RTO.
 */
export function probeTimeoutNs(srttNs: number, segmentsOut: number, rtoNs: number): number {
  const pto = 2 * srttNs + (segmentsOut === 1 ? TLP_DELAYED_ACK_ALLOWANCE_NS : TLP_TIMEOUT_MIN_NS);
  return Math.min(pto, rtoNs);
}
