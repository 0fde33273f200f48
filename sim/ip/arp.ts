/**
 * ARP (RFC 826) as net/ipv4/arp.c runs it with Linux's defaults: a request for any
 * address of the host is answered whichever interface it came in on (arp_ignore=0),
 * a request teaches the table its sender (neigh_event_ns), a reply resolves a pending
 * entry. Requests carry the source address of the packet that triggered them when it
 * is local (arp_announce=0), else the device's address.
 *
 * Not modelled: gratuitous ARP handling beyond updating an entry, arp_filter, proxy ARP,
 * and announcing on address changes.
 */
import { ARP_OP_REPLY, ARP_OP_REQUEST, arpOp, arpSenderIp, arpSenderMacNum, arpTargetIp } from '../../core/wire/arp.js';
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { buildArpFrame } from '../../core/wire/frame.js';
import { ipv4Src } from '../../core/wire/ipv4.js';
import { macFromNum } from '../../core/wire/mac.js';
import { ARP_LEN } from '../../core/wire/arp.js';
import type { NetDevice } from '../net/device.js';
import { SkBuff } from '../skb.js';
import type { NetNamespace } from './namespace.js';

/** An ARP frame arrived on `dev`. */
export function arpInput(ns: NetNamespace, dev: NetDevice, skb: SkBuff): void {
  const frame = skb.data;
  if (frame.length < ETH_HEADER_LEN + ARP_LEN) return ns.dropFrame(skb, 'malformed', dev.name);
  const off = ETH_HEADER_LEN;
  const op = arpOp(frame, off);
  const sip = arpSenderIp(frame, off);
  const tip = arpTargetIp(frame, off);
  const sha = arpSenderMacNum(frame, off);
  if (op === ARP_OP_REQUEST) {
    if (ns.localAddress(tip) === undefined || tip >>> 24 === 127) return;
    if (sip !== 0) ns.neighbourTable(dev).update(sip, sha, false);
    const reply = new SkBuff(
      buildArpFrame({ op: 'reply', senderMac: dev.macNum, senderIp: tip, targetMac: sha, targetIp: sip, dstMac: sha }),
      skb.flow,
    );
    if (ns.trace.tracing)
      ns.step(skb, dev, 'arp', `who-has ${ns.describe(tip)}: answered is-at ${macFromNum(dev.macNum)}`);
    dev.transmit(reply);
  } else if (op === ARP_OP_REPLY) {
    if (ns.trace.tracing) ns.step(skb, dev, 'arp', `${ns.describe(sip)} is-at ${macFromNum(sha)}`);
    ns.neighbourTable(dev).update(sip, sha, true);
  }
}

/** Sends an ARP request for `ip` out of `dev`: broadcast, or unicast to `unicast` when re-probing. */
export function arpSolicit(
  ns: NetNamespace,
  dev: NetDevice,
  ip: number,
  unicast: number | undefined,
  trigger: SkBuff | undefined,
): void {
  const fromPacket = trigger === undefined ? undefined : ipv4Src(trigger.data, ETH_HEADER_LEN);
  const src =
    fromPacket !== undefined && ns.localAddress(fromPacket) !== undefined ? fromPacket : ns.sourceFor(dev, ip);
  const req = new SkBuff(
    buildArpFrame({
      op: 'request',
      senderMac: dev.macNum,
      senderIp: src ?? 0,
      targetIp: ip,
      ...(unicast !== undefined && { dstMac: unicast }),
    }),
  );
  if (trigger !== undefined) {
    ns.trace.inherit(trigger, req);
    if (ns.trace.tracing) ns.step(trigger, dev, 'arp', `who-has ${ns.describe(ip)} tell ${ns.describe(src ?? 0)}`);
  }
  dev.transmit(req);
}
