/**
 * Host-side veth names of bridge endpoints, unique per Docker host.
 *
 * Docker names the host end of an endpoint's veth pair `veth` + 7 random hex digits
 * (libnetwork netutils.GenerateIfaceName), and when that name is already taken it draws
 * again (it asks the kernel with LinkByName first). twinnet must be deterministic, so the
 * first name is a hash of the host, container, network and interface index, and a name
 * already taken on the host (by an earlier endpoint, in declaration and then timeline
 * order, or by a device the host declares) is hashed again with a counter: `#1`, `#2`...
 * A scenario without collisions keeps exactly the names it always had.
 *
 * Not modelled: names freed by a disconnect stay taken (Docker could reuse one; a new
 * name differs only in its digits).
 */
import { uniqueHashedName } from '../../hash.js';
import type { HostModel } from '../model.js';

/** Docker's veth name: `veth` and 7 hex digits (libnetwork's vethPrefix and vethLen). */
const VETH_PREFIX = 'veth';
const VETH_DIGITS = 7;

export class VethNames {
  private readonly taken = new Map<string, Set<string>>();

  /** A name for the endpoint `seed` identifies on `host`, never one handed out or declared there before. */
  name(host: HostModel, seed: string): string {
    let names = this.taken.get(host.name);
    if (names === undefined) {
      names = new Set(hostDevices(host));
      this.taken.set(host.name, names);
    }
    return uniqueHashedName(names, VETH_PREFIX, seed, VETH_DIGITS);
  }
}

/** The devices a host declares itself (its interfaces, bridges and VXLAN devices). */
function hostDevices(h: HostModel): string[] {
  return [...h.interfaces.map((i) => i.name), ...h.bridges.map((b) => b.name), ...h.vxlans.map((x) => x.name)];
}
