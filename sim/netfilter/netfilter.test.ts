import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIpv4 } from '../../core/addr.js';
import { parseSave } from '../../core/netfilter/parse-save.js';
import type { AddrType } from '../../core/netfilter/types.js';
import { Rng } from '../../core/rng.js';
import { ETH_HEADER_LEN } from '../../core/wire/ethernet.js';
import { buildIcmpEchoFrame, buildIcmpErrorFrame, buildTcpFrame, buildUdpFrame } from '../../core/wire/frame.js';
import { icmpChecksumOk, icmpEchoId } from '../../core/wire/icmpv4.js';
import { ipv4ChecksumOk, ipv4Dst, ipv4Src, ipv4TotalLen } from '../../core/wire/ipv4.js';
import { tcpChecksumOk, tcpDstPort, tcpSrcPort, TCP_ACK, TCP_RST, TCP_SYN } from '../../core/wire/tcp.js';
import { udpDstPort, udpSrcPort } from '../../core/wire/udp.js';
import type { Ruleset } from '../../core/netfilter/types.js';
import { SkBuff } from '../skb.js';
import { Netfilter, type Hook, type NfHost } from './netfilter.js';

const ip = (s: string) => parseIpv4(s) as number;

/** Netfilter driven with byte arrays, as these tests build packets: each array stands for one SkBuff. */
class ByteNetfilter {
  private readonly skbs = new Map<Uint8Array, SkBuff>();
  constructor(readonly nf: Netfilter) {}

  get conntrack() {
    return this.nf.conntrack;
  }

  private skb(f: Uint8Array): SkBuff {
    let b = this.skbs.get(f);
    if (b === undefined) this.skbs.set(f, (b = new SkBuff(f)));
    return b;
  }

  hook(hook: Hook, f: Uint8Array, inDev?: string, outDev?: string, nextHop?: number): Uint8Array | undefined {
    const r = this.nf.hook(hook, this.skb(f), inDev, outDev, nextHop);
    if (r !== undefined) this.skbs.set(r.data, r);
    return r?.data;
  }

  association(f: Uint8Array) {
    return this.skbs.get(f)?.ct;
  }

  attach(offending: Uint8Array, answer: Uint8Array): void {
    this.nf.attach(this.skb(offending), this.skb(answer));
  }
}

const nfOf = (rs: Ruleset, h: NfHost) => new ByteNetfilter(new Netfilter(rs, h));
const L4 = ETH_HEADER_LEN + 20;

/** A host that records what netfilter asks of it; local addresses given. */
function host(local: string[] = []) {
  const drops: string[] = [];
  const rejects: string[] = [];
  const steps: string[] = [];
  let now = 0;
  const h: NfHost & { drops: string[]; rejects: string[]; steps: string[]; advance(ns: number): void } = {
    now: () => now,
    rng: new Rng(3),
    addrType: (a): AddrType => (local.includes(formatIpv4(a)) ? 'LOCAL' : 'UNICAST'),
    masqueradeSource: () => ip('203.0.113.2'),
    redirectAddress: () => ip('127.0.0.1'),
    reject: (_f, type) => void rejects.push(type),
    drop: (_f, _dev, rule) => void drops.push(rule),
    step: (_f, _d, step, detail) => void steps.push(`${step}: ${detail}`),
    drops,
    rejects,
    steps,
    advance: (ns) => void (now += ns),
  };
  return h;
}

const tcp = (src: string, sport: number, dst: string, dport: number, flags = TCP_SYN) =>
  buildTcpFrame({
    srcMac: 0,
    dstMac: 0,
    src: ip(src),
    dst: ip(dst),
    srcPort: sport,
    dstPort: dport,
    seq: 1,
    ack: flags & TCP_ACK ? 1 : 0,
    flags,
    window: 100,
  });
const udp = (src: string, sport: number, dst: string, dport: number) =>
  buildUdpFrame({
    srcMac: 0,
    dstMac: 0,
    src: ip(src),
    dst: ip(dst),
    srcPort: sport,
    dstPort: dport,
    payload: new Uint8Array([1, 2, 3]),
  });

function rules(text: string) {
  return parseSave(text);
}

const DOCKER_LIKE = rules(`*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
COMMIT
`);

/** A packet forwarded through the Docker host: PREROUTING, FORWARD, POSTROUTING. */
function forwarded(nf: ByteNetfilter, frame: Uint8Array, inDev: string, outDev: string): Uint8Array | undefined {
  const a = nf.hook('prerouting', frame, inDev);
  const b = a && nf.hook('forward', a, inDev, outDev);
  return b && nf.hook('postrouting', b, undefined, outDev, ipv4Dst(b, ETH_HEADER_LEN));
}

describe('netfilter: filter chains', () => {
  it('drops by the FORWARD policy and names it', () => {
    const h = host(['203.0.113.2']);
    const nf = nfOf(DOCKER_LIKE, h);
    expect(forwarded(nf, tcp('203.0.113.1', 40000, '172.17.0.3', 80), 'eth0', 'docker0')).toBeUndefined();
    expect(h.drops).toEqual(['filter FORWARD policy DROP']);
  });

  it('REJECT answers through the host and names the rule', () => {
    const h = host();
    const nf = nfOf(
      rules(
        '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p udp -m udp --dport 53 -j REJECT --reject-with icmp-admin-prohibited\nCOMMIT\n',
      ),
      h,
    );
    expect(nf.hook('input', udp('10.0.0.1', 5000, '10.0.0.2', 53), 'eth0')).toBeUndefined();
    expect(h.rejects).toEqual(['icmp-admin-prohibited']);
    expect(h.drops).toEqual([
      'filter INPUT rule 1: -A INPUT -p udp -m udp --dport 53 -j REJECT --reject-with icmp-admin-prohibited',
    ]);
  });

  it('walks jumps, RETURN, goto and LOG as ipt_do_table does', () => {
    const h = host();
    const nf = nfOf(
      rules(`*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:A - [0:0]
:B - [0:0]
-A INPUT -j A
-A INPUT -j DROP
-A A -j LOG --log-prefix "in A: "
-A A -g B
-A A -j ACCEPT
-A B -p tcp -j RETURN
-A B -j ACCEPT
COMMIT
`),
      h,
    );
    // tcp: A logs, goes to B, B returns to INPUT (past the goto's chain A), INPUT drops.
    expect(nf.hook('input', tcp('10.0.0.1', 1, '10.0.0.2', 2), 'eth0')).toBeUndefined();
    expect(h.drops).toEqual(['filter INPUT rule 2: -A INPUT -j DROP']);
    expect(h.steps[0]).toContain('LOG "in A: "');
    // udp: B accepts.
    expect(nf.hook('input', udp('10.0.0.1', 1, '10.0.0.2', 2), 'eth0')).toBeDefined();
  });

  it('statistic nth counts per rule as the kernel does (every 3, packet 0: the 3rd, 6th ...)', () => {
    const nf = nfOf(
      rules(
        '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m statistic --mode nth --every 3 --packet 0 -j DROP\nCOMMIT\n',
      ),
      host(),
    );
    const passed = Array.from(
      { length: 6 },
      () => nf.hook('input', udp('10.0.0.1', 1, '10.0.0.2', 2), 'eth0') !== undefined,
    );
    expect(passed).toEqual([true, true, false, true, true, false]);
  });
});

describe('netfilter: conntrack and NAT', () => {
  it('DNATs a published port and de-NATs the reply (docker-semantics 6c conntrack)', () => {
    const h = host(['203.0.113.2']);
    const nf = nfOf(DOCKER_LIKE, h);
    const out = forwarded(nf, tcp('203.0.113.1', 40000, '203.0.113.2', 8080), 'eth0', 'docker0') as Uint8Array;
    expect(formatIpv4(ipv4Dst(out, ETH_HEADER_LEN))).toBe('172.17.0.2');
    expect(tcpDstPort(out, L4)).toBe(80);
    expect(ipv4ChecksumOk(out, ETH_HEADER_LEN)).toBe(true);
    expect(
      tcpChecksumOk(
        out,
        L4,
        ipv4TotalLen(out, ETH_HEADER_LEN) - 20,
        ipv4Src(out, ETH_HEADER_LEN),
        ipv4Dst(out, ETH_HEADER_LEN),
      ),
    ).toBe(true);
    const reply = forwarded(
      nf,
      tcp('172.17.0.2', 80, '203.0.113.1', 40000, TCP_SYN | TCP_ACK),
      'docker0',
      'eth0',
    ) as Uint8Array;
    expect(formatIpv4(ipv4Src(reply, ETH_HEADER_LEN))).toBe('203.0.113.2');
    expect(tcpSrcPort(reply, L4)).toBe(8080);
    const [c] = nf.conntrack.list();
    expect(c?.dstNat).toBe(true);
    expect(c?.srcNat).toBe(false);
  });

  it('masquerades outbound traffic keeping the source port, and de-NATs the reply', () => {
    const nf = nfOf(DOCKER_LIKE, host(['203.0.113.2']));
    const out = forwarded(nf, udp('172.17.0.2', 53372, '203.0.113.1', 8000), 'docker0', 'eth0') as Uint8Array;
    expect(formatIpv4(ipv4Src(out, ETH_HEADER_LEN))).toBe('203.0.113.2');
    expect(udpSrcPort(out, L4)).toBe(53372);
    const back = forwarded(nf, udp('203.0.113.1', 8000, '203.0.113.2', 53372), 'eth0', 'docker0') as Uint8Array;
    expect(formatIpv4(ipv4Dst(back, ETH_HEADER_LEN))).toBe('172.17.0.2');
    expect(udpDstPort(back, L4)).toBe(53372);
  });

  it('changes the source port only when two flows would clash after masquerade', () => {
    const nf = nfOf(DOCKER_LIKE, host(['203.0.113.2']));
    const a = forwarded(nf, udp('172.17.0.2', 5000, '203.0.113.1', 53), 'docker0', 'eth0') as Uint8Array;
    const b = forwarded(nf, udp('172.17.0.3', 5000, '203.0.113.1', 53), 'docker0', 'eth0') as Uint8Array;
    expect(udpSrcPort(a, L4)).toBe(5000);
    expect(udpSrcPort(b, L4)).not.toBe(5000);
    expect(udpSrcPort(b, L4)).toBeGreaterThanOrEqual(1024);
  });

  it('consults the nat table for the first packet only, and again for a SYN whose entry was never confirmed', () => {
    const h = host(['203.0.113.2']);
    const text = `*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
`;
    const nf = nfOf(rules(text), h);
    for (let i = 0; i < 3; i++) forwarded(nf, tcp('203.0.113.1', 40000, '203.0.113.2', 8080), 'eth0', 'docker0');
    expect(h.steps.filter((s) => s.startsWith('nat:'))).toHaveLength(3);
    expect(nf.conntrack.list()).toHaveLength(0);
    const ok = nfOf(rules(text.replace(':FORWARD DROP', ':FORWARD ACCEPT')), host(['203.0.113.2']));
    forwarded(ok, tcp('203.0.113.1', 40000, '203.0.113.2', 8080), 'eth0', 'docker0');
    forwarded(ok, tcp('203.0.113.1', 40000, '203.0.113.2', 8080, TCP_ACK), 'eth0', 'docker0');
    expect(ok.conntrack.list()).toHaveLength(1);
  });

  it('classifies NEW, ESTABLISHED and RELATED, and translates an ICMP error about a DNATed flow', () => {
    const h = host(['203.0.113.2']);
    const nf = nfOf(DOCKER_LIKE, h);
    const syn = forwarded(nf, tcp('203.0.113.1', 40000, '203.0.113.2', 8080), 'eth0', 'docker0') as Uint8Array;
    expect(nf.association(syn)?.info).toBe('new');
    // The container answers the (DNATed) SYN with port unreachable, quoting what it got.
    const err = buildIcmpErrorFrame({
      srcMac: 0,
      dstMac: 0,
      src: ip('172.17.0.2'),
      dst: ip('203.0.113.1'),
      kind: 'dest-unreachable',
      code: 3,
      original: syn.subarray(ETH_HEADER_LEN),
    });
    const out = forwarded(nf, err, 'docker0', 'eth0') as Uint8Array;
    expect(nf.association(out)?.info).toBe('related-reply');
    expect(formatIpv4(ipv4Src(out, ETH_HEADER_LEN))).toBe('203.0.113.2');
    const inner = L4 + 8;
    expect(formatIpv4(ipv4Dst(out, inner))).toBe('203.0.113.2');
    expect(tcpDstPort(out, inner + 20)).toBe(8080);
    expect(icmpChecksumOk(out, L4, ipv4TotalLen(out, ETH_HEADER_LEN) - 20)).toBe(true);
  });

  it('masquerades pings by echo identifier and matches replies back', () => {
    const nf = nfOf(DOCKER_LIKE, host(['203.0.113.2']));
    const req = buildIcmpEchoFrame({
      srcMac: 0,
      dstMac: 0,
      src: ip('172.17.0.2'),
      dst: ip('203.0.113.1'),
      echoId: 77,
      seq: 1,
      data: new Uint8Array(8),
    });
    const out = forwarded(nf, req, 'docker0', 'eth0') as Uint8Array;
    expect(formatIpv4(ipv4Src(out, ETH_HEADER_LEN))).toBe('203.0.113.2');
    expect(icmpEchoId(out, L4)).toBe(77);
    const rep = buildIcmpEchoFrame({
      srcMac: 0,
      dstMac: 0,
      src: ip('203.0.113.1'),
      dst: ip('203.0.113.2'),
      echoId: 77,
      seq: 1,
      reply: true,
      data: new Uint8Array(8),
    });
    const back = forwarded(nf, rep, 'eth0', 'docker0') as Uint8Array;
    expect(formatIpv4(ipv4Dst(back, ETH_HEADER_LEN))).toBe('172.17.0.2');
    expect(nf.association(back)?.info).toBe('established-reply');
  });

  it('forgets an unreplied UDP flow after 30 s (nf_conntrack_udp_timeout)', () => {
    const h = host(['203.0.113.2']);
    const nf = nfOf(DOCKER_LIKE, h);
    forwarded(nf, udp('172.17.0.2', 5000, '203.0.113.1', 53), 'docker0', 'eth0');
    expect(nf.conntrack.list()).toHaveLength(1);
    h.advance(30_000_000_001);
    expect(nf.conntrack.list()).toHaveLength(0);
  });

  it('translates a reset attached to a DNATed connection its first SYN never confirmed (nf_ct_attach), and leaves it unconfirmed', () => {
    const withUser = rules(`*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset
COMMIT
`);
    const h = host(['203.0.113.2']);
    const nf = nfOf(withUser, h);
    // PREROUTING DNATs the SYN; FORWARD rejects it: it never reaches the confirm step.
    const syn = nf.hook('prerouting', tcp('203.0.113.1', 40000, '203.0.113.2', 8080), 'eth0') as Uint8Array;
    expect(nf.hook('forward', syn, 'eth0', 'docker0')).toBeUndefined();
    expect(h.rejects).toEqual(['tcp-reset']);
    // nf_send_reset builds the RST from the packet as FORWARD saw it: from the container.
    const rst = tcp('172.17.0.2', 80, '203.0.113.1', 40000, TCP_RST | TCP_ACK);
    nf.attach(syn, rst);
    expect(nf.association(rst)?.info).toBe('related-reply');
    const a = nf.hook('output', rst, undefined, 'eth0') as Uint8Array;
    const out = nf.hook('postrouting', a, undefined, 'eth0', ip('203.0.113.1')) as Uint8Array;
    expect([formatIpv4(ipv4Src(out, ETH_HEADER_LEN)), tcpSrcPort(out, L4)]).toEqual(['203.0.113.2', 8080]);
    expect([formatIpv4(ipv4Dst(out, ETH_HEADER_LEN)), tcpDstPort(out, L4)]).toEqual(['203.0.113.1', 40000]);
    expect(
      tcpChecksumOk(
        out,
        L4,
        ipv4TotalLen(out, ETH_HEADER_LEN) - 20,
        ipv4Src(out, ETH_HEADER_LEN),
        ipv4Dst(out, ETH_HEADER_LEN),
      ),
    ).toBe(true);
    // An answer does not confirm its connection (__nf_conntrack_confirm: original direction only).
    expect(nf.conntrack.list()).toHaveLength(0);
  });

  it('does not rewrite a frame in place: a NATed packet is a copy', () => {
    const nf = nfOf(DOCKER_LIKE, host(['203.0.113.2']));
    const f = udp('172.17.0.2', 5000, '203.0.113.1', 53);
    const before = f.slice();
    const out = forwarded(nf, f, 'docker0', 'eth0');
    expect(out).not.toBe(f);
    expect(f).toEqual(before);
  });
});
