/**
 * How twinnet names what it makes beside the scenario's own names: the namespaces of
 * segments, overlays and their load balancers, and the temporary name of an overlay's
 * VXLAN device. Validation uses these names to refuse clashes before anything is
 * compiled (core/scenario/validate/namespaces.ts), and the compile step uses the same
 * functions to make them (core/plan/compile/), so the two cannot disagree.
 *
 * Pure and dependency-free on purpose: both layers import it, and it imports neither.
 * Left out: names derived by hashing (host veths, switch ports: core/hash.ts and
 * core/scenario/resolve/veth-names.ts), and names Docker fixes (docker0, br0, vxlan0),
 * which live beside the code that builds those devices.
 */

/** Namespace id of a segment or link: the namespace that holds its switch. */
export function segmentNs(segment: string): string {
  return `seg-${segment}`;
}

/** Namespace id of overlay `network` on node `host` (Docker: `1-` + 10 characters of the network id). */
export function overlayNsId(network: string, host: string): string {
  return `ov-${network}-${host}`;
}

/**
 * Namespace id of the load-balancer endpoint of `network` on `host` (Docker: `lb_` + 9 characters
 * of the network id).
 */
export function lbNsId(network: string, host: string): string {
  return `lb-${network}-${host}`;
}

/**
 * The name a moved VXLAN device has in its underlay namespace before the move: `vx` and
 * its VNI, unique there because overlays' VNIs are (Docker's own is `vx-` + six hex
 * digits of the VNI + `-` + five characters of the network id, drivers/overlay
 * ov_network.go generateVxlanName, one character too long for twinnet's names).
 */
export function vxlanTempName(vni: number): string {
  return `vx${vni}`;
}
