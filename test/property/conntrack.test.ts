/**
 * Properties of conntrack and NAT over random traffic through a Docker-like NAT host
 * (masquerade of two container subnets, a published port, SNAT to a fixed address):
 *
 * - a reply is only ever de-NATed to an address and port that an original-direction
 *   packet was NATed from (no packet is translated toward a stranger);
 * - NAT never gives two live connections the same reply tuple (replies stay
 *   unambiguous), which is what get_unique_tuple's port search is for;
 * - a packet that belongs to no connection passes untranslated.
 *
 * Traffic: random flows from containers out, from outside to the published port,
 * replies to them, and stray packets with random addresses and ports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIpv4 } from '../../core/addr.js';
import { parseSave } from '../../core/netfilter/parse-save.js';
import { Rng } from '../../core/rng.js';
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { buildTcpFrame, buildUdpFrame } from '../../core/wire/frame.js';
import { IPPROTO_TCP, ipv4Dst, ipv4Protocol, ipv4Src } from '../../core/wire/ipv4.js';
import { TCP_ACK, TCP_SYN, tcpDstPort, tcpSrcPort } from '../../core/wire/tcp.js';
import { udpDstPort, udpSrcPort } from '../../core/wire/udp.js';
import { REPLY } from '../../sim/netfilter/conntrack.js';
import { Netfilter } from '../../sim/netfilter/netfilter.js';
import { tupleKey } from '../../sim/netfilter/tuple.js';
import { SkBuff } from '../../sim/skb.js';

const RULES = parseSave(`*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -d 203.0.113.2/32 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
-A PREROUTING -d 203.0.113.2/32 -p udp -m udp --dport 5353 -j DNAT --to-destination 172.18.0.3:53
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 172.18.0.0/16 ! -o br-a -j SNAT --to-source 203.0.113.9
COMMIT
`);

const INSIDE = ['172.17.0.2', '172.17.0.3', '172.18.0.2', '172.18.0.3'];
const OUTSIDE = ['203.0.113.1', '203.0.113.7', '198.51.100.4'];
const HOST = ['203.0.113.2', '203.0.113.9'];

interface Pkt {
  proto: 'tcp' | 'udp';
  src: string;
  sport: number;
  dst: string;
  dport: number;
  flags: number;
}

const port = fc.constantFrom(53, 80, 5353, 8080, 40000, 40001, 1023, 600);
const addr = (xs: string[]) => fc.constantFrom(...xs);
const pktArb: fc.Arbitrary<Pkt> = fc.record({
  proto: fc.constantFrom('tcp' as const, 'udp' as const),
  src: addr([...INSIDE, ...OUTSIDE]),
  sport: port,
  dst: addr([...INSIDE, ...OUTSIDE, ...HOST]),
  dport: port,
  flags: fc.constantFrom(TCP_SYN, TCP_ACK, TCP_SYN | TCP_ACK),
});

function frame(p: Pkt): Uint8Array {
  const ip = (s: string) => s.split('.').reduce((a, b) => (a << 8) | Number(b), 0) >>> 0;
  const base = { srcMac: 0, dstMac: 0, src: ip(p.src), dst: ip(p.dst), srcPort: p.sport, dstPort: p.dport };
  return p.proto === 'udp'
    ? buildUdpFrame({ ...base, payload: new Uint8Array(4) })
    : buildTcpFrame({ ...base, seq: 1, ack: 1, flags: p.flags, window: 100 });
}

function endpoints(f: Uint8Array): { src: string; dst: string } {
  const l4 = ETH_HEADER_LEN + 20;
  const tcp = ipv4Protocol(f, ETH_HEADER_LEN) === IPPROTO_TCP;
  const sp = tcp ? tcpSrcPort(f, l4) : udpSrcPort(f, l4);
  const dp = tcp ? tcpDstPort(f, l4) : udpDstPort(f, l4);
  return {
    src: `${formatIpv4(ipv4Src(f, ETH_HEADER_LEN))}:${sp}`,
    dst: `${formatIpv4(ipv4Dst(f, ETH_HEADER_LEN))}:${dp}`,
  };
}

/** One packet through the host the way it would cross it: PREROUTING, FORWARD, POSTROUTING. */
function cross(
  nf: Netfilter,
  p: Pkt,
): { before: ReturnType<typeof endpoints>; after?: ReturnType<typeof endpoints>; reply: boolean } {
  const inside = INSIDE.includes(p.src);
  const inDev = inside ? (p.src.startsWith('172.17') ? 'docker0' : 'br-a') : 'eth0';
  const f = frame(p);
  const before = endpoints(f);
  const a = nf.hook('prerouting', new SkBuff(f), inDev);
  const outDev =
    a === undefined
      ? 'eth0'
      : formatIpv4(ipv4Dst(a.data, ETH_HEADER_LEN)).startsWith('172.17')
        ? 'docker0'
        : formatIpv4(ipv4Dst(a.data, ETH_HEADER_LEN)).startsWith('172.18')
          ? 'br-a'
          : 'eth0';
  const b = a && nf.hook('forward', a, inDev, outDev);
  const c = b && nf.hook('postrouting', b, undefined, outDev, ipv4Dst(b.data, ETH_HEADER_LEN));
  return { before, ...(c && { after: endpoints(c.data) }), reply: c !== undefined && c.ct?.dir === REPLY };
}

function newNf(): Netfilter {
  return new Netfilter(RULES, {
    now: () => 0,
    rng: new Rng(9),
    addrType: (a) => (HOST.includes(formatIpv4(a)) ? 'LOCAL' : 'UNICAST'),
    masqueradeSource: () => 0xcb007102, // 203.0.113.2
    redirectAddress: () => undefined,
    reject: () => undefined,
    drop: () => undefined,
    step: () => undefined,
  });
}

describe('conntrack and NAT properties', () => {
  it('de-NATs replies only to an address:port an original packet was NATed from (seed 21)', () => {
    fc.assert(
      fc.property(fc.array(pktArb, { minLength: 1, maxLength: 60 }), (pkts) => {
        const nf = newNf();
        /** "translated source" -> original source, from original-direction packets. */
        const natFrom = new Map<string, Set<string>>();
        const dnatTo = new Map<string, Set<string>>();
        for (const p of pkts) {
          const r = cross(nf, p);
          if (r.after === undefined) continue;
          if (!r.reply) {
            if (r.after.src !== r.before.src)
              (natFrom.get(r.after.src) ?? natFrom.set(r.after.src, new Set()).get(r.after.src))?.add(r.before.src);
            if (r.after.dst !== r.before.dst)
              (dnatTo.get(r.before.dst) ?? dnatTo.set(r.before.dst, new Set()).get(r.before.dst))?.add(r.after.dst);
          } else {
            // A reply's new destination must be a source that was translated to its old destination.
            if (r.after.dst !== r.before.dst) expect(natFrom.get(r.before.dst)?.has(r.after.dst)).toBe(true);
            // A reply's new source must be what an original packet was sent to before DNAT.
            if (r.after.src !== r.before.src) expect(dnatTo.get(r.after.src)?.has(r.before.src)).toBe(true);
          }
        }
      }),
      { seed: 21, numRuns: 300 },
    );
  });

  it('never gives two live connections the same reply tuple (seed 22)', () => {
    fc.assert(
      fc.property(fc.array(pktArb, { minLength: 1, maxLength: 80 }), (pkts) => {
        const nf = newNf();
        for (const p of pkts) cross(nf, p);
        // A connection to itself has equal tuples; two connections never share one.
        const owner = new Map<string, number>();
        for (const c of nf.conntrack.list()) {
          for (const k of new Set([tupleKey(c.tuple[0]), tupleKey(c.tuple[1])])) {
            expect(owner.get(k)).toBeUndefined();
            owner.set(k, c.id);
          }
        }
      }),
      { seed: 22, numRuns: 300 },
    );
  });

  it('passes a packet of no connection, and not to be NATed, untouched (seed 23)', () => {
    fc.assert(
      fc.property(fc.array(pktArb, { maxLength: 40 }), pktArb, (history, p) => {
        fc.pre(OUTSIDE.includes(p.src) && OUTSIDE.includes(p.dst));
        const nf = newNf();
        for (const h of history) cross(nf, h);
        const r = cross(nf, p);
        if (r.after !== undefined && !r.reply) expect(r.after).toEqual(r.before);
      }),
      { seed: 23, numRuns: 300 },
    );
  });
});
