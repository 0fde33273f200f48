/**
 * br_netfilter (net/bridge/br_netfilter_hooks.c): with
 * net.bridge.bridge-nf-call-iptables=1, IPv4 frames crossing a bridge pass the
 * namespace's iptables hooks with `-i` and `-o` naming the bridge, not its ports
 * (brnf_get_logical_dev, bridge_parent), which is why Docker's `-i docker0 -o docker0`
 * rules see container-to-container traffic (docker-semantics 5.3):
 *
 * - on arrival, PREROUTING once (defragmenting first when conntrack runs); ip_rcv does
 *   not repeat it for frames then passed up (ip_sabotage_in);
 * - when PREROUTING rewrote the destination (DNAT): to a host the bridge reaches, the
 *   frame gets that host's MAC by ARP on the bridge and is bridged again from its port
 *   (br_nf_pre_routing_finish_bridge, keeping its source MAC; when the bridge is
 *   promiscuous, as under a capture, br_handle_frame_finish also passes that frame up
 *   to the IP stack, without its connection (br_nf_local_in resets it for promiscuous
 *   delivery, Linux 6.x), and IP forwards a second, untranslated copy: the kernel's own
 *   observer effect, reproduced); to a local address or
 *   one routed elsewhere, it is handed up to the IP stack (and forwarding there runs
 *   FORWARD as any routed packet, without the reassembled size, which ip_rcv clears);
 * - bridged between two ports, FORWARD then POSTROUTING (br_nf_forward_ip,
 *   br_nf_post_routing), and a datagram conntrack reassembled leaves in fragments no
 *   larger than it arrived (br_nf_dev_queue_xmit with nf_bridge frag_max_size).
 *
 * Not modelled: ebtables, the physdev match, VLAN and PPPoE encapsulations,
 * bridge-nf-call-arptables.
 */
import { copyFrame } from '../../core/wire/alloc.js';
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { ipv4Dst, ipv4IsFragment, ipv4TotalLen } from '../../core/wire/ipv4.js';
import { macNumAt, writeMacNum } from '../../core/wire/mac.js';
import type { Bridge, BridgeIpHooks, PreRoutingResult } from '../net/bridge.js';
import type { NetDevice } from '../net/device.js';
import { fragment } from './fragment.js';
import { wellFormed } from './input.js';
import type { SkBuff } from '../skb.js';
import type { NetNamespace } from './namespace.js';

/** The hooks of a namespace's bridges. */
export function bridgeIpHooks(ns: NetNamespace): BridgeIpHooks {
  return {
    active: () => ns.nf !== undefined && ns.sysctl.bridgeNfCallIptables,
    preRouting: (bridge, port, skb) => preRouting(ns, bridge, port, skb),
    forward: (bridge, _in, out, skb) => forward(ns, bridge, out, skb),
    promiscCopy: (skb) => {
      // br_nf_local_in: nf_reset_ct for a promiscuous delivery.
      const c = skb.copy(copyFrame(skb.data));
      c.ct = undefined;
      return c;
    },
  };
}

function preRouting(ns: NetNamespace, bridge: Bridge, port: NetDevice, skb: SkBuff): PreRoutingResult {
  const nf = ns.nf as NonNullable<NetNamespace['nf']>;
  // br_validate_ipv4 drops what ip_rcv would.
  if (!wellFormed(skb.data)) return (ns.dropFrame(skb, 'malformed', port.name), { kind: 'stolen' });
  let f = skb;
  if (nf.tracking && ipv4IsFragment(f.data, ETH_HEADER_LEN)) {
    const whole = ns.reassembler.add(f);
    if (whole === undefined) return { kind: 'stolen' };
    f = whole;
    f.bridgeFragMax = f.fragMax;
    f.fragMax = 0;
  }
  const dst = ipv4Dst(f.data, ETH_HEADER_LEN);
  const out = nf.hook('prerouting', f, bridge.name);
  if (out === undefined) return { kind: 'stolen' };
  const newDst = ipv4Dst(out.data, ETH_HEADER_LEN);
  if (newDst === dst) return { kind: 'bridge', skb: out };
  const route = ns.isLocal(newDst) ? undefined : ns.routes.lookup(newDst);
  if (route !== undefined && route.dev === bridge.name) {
    bridgedDnat(ns, bridge, port, out, route.via ?? newDst);
    return { kind: 'stolen' };
  }
  // Up to the stack, as PACKET_HOST on the bridge (br_nf_pre_routing_finish).
  // ip_rcv then clears IPCB, and with it the reassembled size: forwarding does not see it.
  const up = out.copy(copyFrame(out.data));
  up.bridgeFragMax = 0;
  writeMacNum(up.data, 0, bridge.macNum);
  if (ns.trace.tracing) ns.step(up, bridge, 'br_netfilter', `DNAT to ${ns.describe(newDst)}: handed to the IP stack`);
  return { kind: 'up', skb: up };
}

/**
 * Resolves the new destination's MAC on the bridge, then bridges the frame again.
 * With a connected neighbour the cached header gives the MAC and the frame goes
 * straight back to the bridge (neigh_hh_bridge); otherwise the neighbour's output path
 * runs, resolving by ARP first if need be, and the frame is sent through the bridge
 * device with the bridge's source MAC (which a capture on the bridge sees) before
 * br_dev_xmit restores the original source and bridges it
 * (br_nf_pre_routing_finish_bridge_slow).
 */
function bridgedDnat(ns: NetNamespace, bridge: Bridge, port: NetDevice, skb: SkBuff, nextHop: number): void {
  const f = skb.copy(copyFrame(skb.data));
  if (ns.trace.tracing)
    ns.step(
      f,
      bridge,
      'br_netfilter',
      `DNAT to ${ns.describe(ipv4Dst(f.data, ETH_HEADER_LEN))} on the same bridge: bridged again`,
    );
  const table = ns.neighbourTable(bridge);
  const n = table.get(nextHop);
  if (n !== undefined && n.mac !== undefined && (n.state === 'reachable' || n.state === 'permanent')) {
    writeMacNum(f.data, 0, n.mac);
    return bridge.reinject(port, f);
  }
  f.bridgedDnat = { bridge, port, srcMac: macNumAt(f.data, 6) };
  table.send(nextHop, f);
}

function forward(ns: NetNamespace, bridge: Bridge, out: NetDevice, skb: SkBuff): SkBuff[] {
  const nf = ns.nf as NonNullable<NetNamespace['nf']>;
  const f1 = nf.hook('forward', skb, bridge.name, bridge.name);
  if (f1 === undefined) return [];
  const f2 = nf.hook('postrouting', f1, undefined, bridge.name, ipv4Dst(f1.data, ETH_HEADER_LEN));
  if (f2 === undefined) return [];
  const fragMax = skb.bridgeFragMax !== 0 ? skb.bridgeFragMax : f2.bridgeFragMax;
  const limit = fragMax === 0 ? out.mtu : Math.min(out.mtu, fragMax);
  if (fragMax === 0 || ipv4TotalLen(f2.data, ETH_HEADER_LEN) <= limit) return [f2];
  return fragment(f2.data, limit).map((p) => f2.copy(p));
}
