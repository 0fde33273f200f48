import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ETHERTYPE_IPV6, setEthEthertype } from './ethernet.js';
import {
  buildArpFrame,
  buildIcmpEchoFrame,
  buildIcmpErrorFrame,
  buildTcpFrame,
  buildUdpFrame,
  buildVxlanFrame,
  type Ipv4FrameSpec,
} from './frame.js';
import {
  TIME_EXCEEDED_REASSEMBLY,
  UNREACH_ADMIN_PROHIBITED,
  UNREACH_PROTOCOL,
  UNREACH_SOURCE_ROUTE,
} from './icmpv4.js';
import { summarizeFrame, tcpFlagLetters } from './pretty.js';
import { TCP_ACK, TCP_CWR, TCP_ECE, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN, TCP_URG } from './tcp.js';

const MACS = { srcMac: '02:42:ac:11:00:02', dstMac: '02:42:ac:11:00:03' };
const docker: Ipv4FrameSpec = { ...MACS, src: 0xac110002, dst: 0xac110003 }; // 172.17.0.2 > 172.17.0.3
const HEAD = '02:42:ac:11:00:02 > 02:42:ac:11:00:03, ';

describe('one-line summaries', () => {
  it('prints the lines of the brief', () => {
    expect(summarizeFrame(buildIcmpEchoFrame({ ...docker, echoId: 7, seq: 1, data: new Uint8Array(56) }))).toBe(
      `${HEAD}IPv4 172.17.0.2 > 172.17.0.3: ICMP echo request, id 7, seq 1, length 64`,
    );
    expect(
      summarizeFrame(
        buildArpFrame({
          op: 'request',
          senderMac: MACS.srcMac,
          senderIp: 0xac110002,
          targetIp: 0xac110003,
          dstMac: MACS.dstMac,
        }),
      ),
    ).toBe(`${HEAD}ARP, Request who-has 172.17.0.3 tell 172.17.0.2`);
    const udp = buildUdpFrame({
      ...MACS,
      src: 0x0a000001,
      dst: 0x0a000002,
      srcPort: 5353,
      dstPort: 53,
      payload: new Uint8Array(8),
    });
    expect(summarizeFrame(udp)).toBe(`${HEAD}UDP 10.0.0.1.5353 > 10.0.0.2.53, length 8`);
    const syn = buildTcpFrame({
      ...MACS,
      src: 0x01020304,
      dst: 0x05060708,
      srcPort: 40000,
      dstPort: 80,
      seq: 1000,
      flags: TCP_SYN,
      window: 64240,
      mss: 1460,
    });
    expect(summarizeFrame(syn)).toBe(
      `${HEAD}TCP 1.2.3.4.40000 > 5.6.7.8.80: Flags [S], seq 1000, win 64240, options [mss 1460]`,
    );
    const vx = buildVxlanFrame({ ...MACS, src: 0xc0000201, dst: 0xc0000202, srcPort: 50000, vni: 4096, inner: udp });
    expect(summarizeFrame(vx)).toBe(
      `${HEAD}UDP 192.0.2.1.50000 > 192.0.2.2.4789, VXLAN vni 4096: ${HEAD}UDP 10.0.0.1.5353 > 10.0.0.2.53, length 8`,
    );
  });

  it("writes tcpdump's flag letters in its order", () => {
    expect(tcpFlagLetters(TCP_SYN | TCP_ACK)).toBe('S.');
    expect(tcpFlagLetters(TCP_FIN | TCP_PSH | TCP_ACK)).toBe('FP.');
    expect(tcpFlagLetters(TCP_RST | TCP_URG | TCP_ECE | TCP_CWR)).toBe('RUEW');
    expect(tcpFlagLetters(0)).toBe('none');
  });

  it('names the other ICMP error codes', () => {
    const original = buildUdpFrame({ ...docker, srcPort: 1, dstPort: 2 }).subarray(14);
    const err = (kind: 'dest-unreachable' | 'time-exceeded', code: number): string =>
      summarizeFrame(buildIcmpErrorFrame({ ...docker, kind, code, original })).slice(HEAD.length);
    expect(err('dest-unreachable', UNREACH_PROTOCOL)).toBe(
      'IPv4 172.17.0.2 > 172.17.0.3: ICMP 172.17.0.3 protocol 17 unreachable, length 36',
    );
    expect(err('dest-unreachable', UNREACH_SOURCE_ROUTE)).toMatch(/ICMP 172\.17\.0\.3 unreachable - code 5,/);
    expect(err('dest-unreachable', UNREACH_ADMIN_PROHIBITED)).toMatch(
      /ICMP 172\.17\.0\.3 unreachable - admin prohibited filter,/,
    );
    expect(err('time-exceeded', TIME_EXCEEDED_REASSEMBLY)).toMatch(/ICMP ip reassembly time exceeded, length 36$/);
    expect(err('time-exceeded', 9)).toMatch(/ICMP time exceeded, code 9,/);
  });

  it('annotates malformed layers and names what it does not decode', () => {
    const udp = buildUdpFrame({ ...docker, srcPort: 1, dstPort: 2, payload: new Uint8Array(4) });
    expect(summarizeFrame(udp.subarray(0, 9))).toBe(
      '[ethernet malformed: frame of 9 bytes is shorter than the 14-byte header]',
    );
    expect(summarizeFrame(udp.subarray(0, 20))).toBe(
      `${HEAD}IPv4 [ipv4 malformed: 6 bytes is shorter than a 20-byte header]`,
    );
    const shortUdp = udp.slice();
    shortUdp[39] = 4; // UDP length field below 8
    expect(summarizeFrame(shortUdp)).toBe(
      `${HEAD}IPv4 172.17.0.2 > 172.17.0.3: [udp malformed: length field 4 is below 8]`,
    );
    const v6 = udp.slice();
    setEthEthertype(v6, 0, ETHERTYPE_IPV6);
    expect(summarizeFrame(v6)).toBe(`${HEAD}ethertype 0x86dd, length ${udp.length}`);
    const arp = buildArpFrame({
      op: 'reply',
      senderMac: MACS.srcMac,
      senderIp: 1,
      targetMac: MACS.dstMac,
      targetIp: 2,
    });
    expect(summarizeFrame(arp.subarray(0, 30))).toBe(
      `${HEAD}ARP [arp malformed: packet of 16 bytes is shorter than 28]`,
    );
  });

  it('never throws on arbitrary bytes (seed 111)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => typeof summarizeFrame(b) === 'string'),
      { seed: 111 },
    );
  });

  it('never throws on built frames with bytes changed (seed 112)', () => {
    const frames = [
      buildTcpFrame({ ...docker, srcPort: 1, dstPort: 2, seq: 3, flags: TCP_SYN, window: 4, mss: 1460 }),
      buildIcmpErrorFrame({
        ...docker,
        kind: 'dest-unreachable',
        code: 3,
        original: buildUdpFrame({ ...docker, srcPort: 1, dstPort: 2 }).subarray(14),
      }),
      buildVxlanFrame({
        ...docker,
        srcPort: 1,
        vni: 1,
        inner: buildArpFrame({ op: 'request', senderMac: 1, senderIp: 2, targetIp: 3 }),
      }),
    ];
    fc.assert(
      fc.property(
        fc.nat(frames.length - 1),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 3 }),
        (which, edits) => {
          const f = frames[which]!.slice();
          for (const [i, v] of edits) f[i % f.length] = v;
          return typeof summarizeFrame(f) === 'string';
        },
      ),
      { seed: 112 },
    );
  });
});
