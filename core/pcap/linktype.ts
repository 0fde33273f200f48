/**
 * One view of every captured frame: Ethernet II, whatever link type the capture used.
 *
 * `tcpdump -i <veth>` writes LINKTYPE_ETHERNET records, which pass through unchanged.
 * `tcpdump -i any` writes Linux "cooked" records, LINKTYPE_LINUX_SLL (113) or
 * LINKTYPE_LINUX_SLL2 (276), whose header holds the sender's link-layer address, the
 * protocol and the packet type, but not the destination address. Layouts and field
 * meanings: https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html and
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html.
 *
 * For cooked records an Ethernet header is synthesised so that later decoding can be
 * uniform. Its limits: the destination MAC is not in the capture, so it is ff:ff:ff:ff:ff:ff
 * for packets the kernel marked broadcast, the RFC 1112 / RFC 2464 group address for an
 * IPv4 or IPv6 multicast destination, and 00:00:00:00:00:00 otherwise (unicast, and an
 * outgoing broadcast, which SLL marks only as "outgoing"); the source MAC is the SLL
 * address when it is 6 bytes long, else zero. Refused with a PcapError: protocol values
 * that are not EtherTypes (802.3 / 802.2 LLC frames, CAN), netlink, 802.11 radiotap and
 * Frame Relay devices. A GRE device's protocol (e.g. 0x6558) is kept as the EtherType.
 * Other link types (LINKTYPE_RAW, loopback "null") are not handled.
 */
import { PcapError } from './format.js';
import { LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2 } from './layout.js';

/** Length of an Ethernet II header: destination, source, EtherType (IEEE 802.3 clause 3.2). */
export const ETHERNET_HEADER_LEN = 14;
/** The smallest length/type value that is an EtherType (IEEE 802.3 clause 3.2.6). */
export const ETHERTYPE_MIN = 0x0600;
/** Length of the LINUX_SLL header (tcpdump.org LINKTYPE_LINUX_SLL). */
export const SLL_HEADER_LEN = 16;
/** Length of the LINUX_SLL2 header (tcpdump.org LINKTYPE_LINUX_SLL2). */
export const SLL2_HEADER_LEN = 20;

/** The SLL packet type: who sent the packet and to whom, as the kernel saw it. */
export type SllPacketType = 'host' | 'broadcast' | 'multicast' | 'otherhost' | 'outgoing' | 'unknown';

/** SLL packet type numbers 0..4, in order (PACKET_HOST .. PACKET_OUTGOING, linux/if_packet.h). */
const PACKET_TYPES: readonly SllPacketType[] = ['host', 'broadcast', 'multicast', 'otherhost', 'outgoing'];

/** ARPHRD_ device types whose cooked payload is not a network-layer packet (linux/if_arp.h). */
const NOT_CONVERTED: ReadonlyMap<number, string> = new Map([
  [770, 'ARPHRD_FRAD'],
  [803, 'ARPHRD_IEEE80211_RADIOTAP'],
  [824, 'ARPHRD_NETLINK'],
]);

/** A captured frame seen as Ethernet II. */
export interface EthernetRecord {
  /** The Ethernet II frame: the record itself, or a synthesised header plus the SLL payload. */
  readonly frame: Uint8Array;
  /** Whether the Ethernet header was made up from a cooked (SLL) header. */
  readonly synthesized: boolean;
  /** For cooked records: the kernel's packet type. */
  readonly packetType?: SllPacketType;
  /** For SLL2 records: the interface index the packet was seen on. */
  readonly ifindex?: number;
}

/** The common fields of SLL and SLL2 headers. */
interface Cooked {
  readonly packetType: number;
  readonly hatype: number;
  readonly address: Uint8Array;
  readonly protocol: number;
  readonly payload: Uint8Array;
  readonly ifindex?: number;
}

/** A record's frame as Ethernet II, synthesising the header of a cooked capture. */
export function ethernetFromRecord(linktype: number, data: Uint8Array): EthernetRecord | PcapError {
  if (linktype === LINKTYPE_ETHERNET) {
    if (data.length < ETHERNET_HEADER_LEN)
      return new PcapError(
        `Ethernet frame of ${data.length} bytes is shorter than its ${ETHERNET_HEADER_LEN}-byte header`,
      );
    return { frame: data, synthesized: false };
  }
  const cooked =
    linktype === LINKTYPE_LINUX_SLL
      ? readSll(data)
      : linktype === LINKTYPE_LINUX_SLL2
        ? readSll2(data)
        : new PcapError(`link type ${linktype} is not Ethernet, LINUX_SLL or LINUX_SLL2`);
  if (cooked instanceof PcapError) return cooked;
  return synthesize(cooked);
}

function readSll(data: Uint8Array): Cooked | PcapError {
  if (data.length < SLL_HEADER_LEN)
    return new PcapError(`LINUX_SLL record of ${data.length} bytes is shorter than its ${SLL_HEADER_LEN}-byte header`);
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const halen = Math.min(v.getUint16(4), 8);
  return {
    packetType: v.getUint16(0),
    hatype: v.getUint16(2),
    address: data.subarray(6, 6 + halen),
    protocol: v.getUint16(14),
    payload: data.subarray(SLL_HEADER_LEN),
  };
}

function readSll2(data: Uint8Array): Cooked | PcapError {
  if (data.length < SLL2_HEADER_LEN)
    return new PcapError(
      `LINUX_SLL2 record of ${data.length} bytes is shorter than its ${SLL2_HEADER_LEN}-byte header`,
    );
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const halen = Math.min(v.getUint8(11), 8);
  return {
    protocol: v.getUint16(0),
    ifindex: v.getUint32(4),
    hatype: v.getUint16(8),
    packetType: v.getUint8(10),
    address: data.subarray(12, 12 + halen),
    payload: data.subarray(SLL2_HEADER_LEN),
  };
}

function synthesize(c: Cooked): EthernetRecord | PcapError {
  const device = NOT_CONVERTED.get(c.hatype);
  if (device !== undefined)
    return new PcapError(`cooked record from an ${device} device has no network-layer payload to frame`);
  if (c.protocol < ETHERTYPE_MIN)
    return new PcapError(`cooked protocol 0x${c.protocol.toString(16).padStart(4, '0')} is not an EtherType`);
  const packetType = PACKET_TYPES[c.packetType] ?? 'unknown';
  const frame = new Uint8Array(ETHERNET_HEADER_LEN + c.payload.length);
  frame.set(destinationMac(packetType, c.protocol, c.payload), 0);
  if (c.address.length === 6) frame.set(c.address, 6);
  frame[12] = c.protocol >> 8;
  frame[13] = c.protocol & 0xff;
  frame.set(c.payload, ETHERNET_HEADER_LEN);
  const base = { frame, synthesized: true, packetType };
  return c.ifindex === undefined ? base : { ...base, ifindex: c.ifindex };
}

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const BROADCAST_MAC = Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
const ZERO_MAC = new Uint8Array(6);

/** The destination MAC a cooked header implies, or zero when it implies none (see header). */
function destinationMac(packetType: SllPacketType, protocol: number, payload: Uint8Array): Uint8Array {
  if (packetType === 'broadcast') return BROADCAST_MAC;
  if (protocol === ETHERTYPE_IPV4 && payload.length >= 20 && ((payload[16] ?? 0) & 0xf0) === 0xe0) {
    // RFC 1112 section 6.4: 01-00-5E plus the low-order 23 bits of the group address.
    return Uint8Array.of(0x01, 0x00, 0x5e, (payload[17] ?? 0) & 0x7f, payload[18] ?? 0, payload[19] ?? 0);
  }
  if (protocol === ETHERTYPE_IPV6 && payload.length >= 40 && payload[24] === 0xff) {
    // RFC 2464 section 7: 33-33 plus the last four octets of the destination address.
    return Uint8Array.of(0x33, 0x33, payload[36] ?? 0, payload[37] ?? 0, payload[38] ?? 0, payload[39] ?? 0);
  }
  return ZERO_MAC;
}
