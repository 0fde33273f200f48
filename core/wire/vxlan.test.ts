import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeFrame } from './decode.js';
import { WireError } from './error.js';
import { buildArpFrame, buildIcmpEchoFrame, buildVxlanFrame } from './frame.js';
import { summarizeFrame } from './pretty.js';
import { parseUdp } from './udp.js';
import {
  emitVxlan,
  parseVxlan,
  setVxlanVni,
  VXLAN_FLAG_I,
  VXLAN_HEADER_LEN,
  VXLAN_OVERHEAD,
  VXLAN_PORT,
  vxlanFlags,
  vxlanLen,
  vxlanVni,
} from './vxlan.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

// Captured with `tcpdump -i wa0 -w` in namespace twwire-a, on the underlay: twwire-a wa0
// (02:00:5e:00:00:01, 198.51.100.1) — router twwire-r — twwire-b wb0 (203.0.113.2). Each end
// has `ip link add vx0 type vxlan id 4242 dstport 4789 remote <peer> local <self> dev <veth>`
// with overlay addresses 192.0.2.1/24 (02:00:5e:10:00:01) and 192.0.2.2/24
// (02:00:5e:10:00:02); `ping -c1 192.0.2.2` in twwire-a. Tx checksum offload off.
// The overlay's ARP request, on a vx0 created with UDP checksums (this iproute2's default):
const VXLAN_ARP = hex(
  '02005e00000202005e00000108004500004ec27a0000401151edc6336401cb007102ad5f12b5003ae4e9080000000010',
  '9200ffffffffffff02005e1000010806000108000604000102005e100001c0000201000000000000c0000202',
);
// The echo request after vx0 was recreated with `noudpcsum`: UDP checksum 0 (RFC 768, "none").
const VXLAN_ECHO = hex(
  '02005e00000202005e00000108004500008619f000004011fa3fc6336401cb0071029b8e12b500720000080000000010',
  '920002005e10000202005e1000010800450000540f6240004001a743c0000201c0000202080034362f6f00013e2a0a6b',
  '000000007ff10d0000000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f30313233',
  '34353637',
);

const A = 0xc6336401; // 198.51.100.1
const B = 0xcb007102; // 203.0.113.2
const V = 42; // VXLAN header offset: 14 + 20 + 8
const underlay = { srcMac: '02:00:5e:00:00:01', dstMac: '02:00:5e:00:00:02', src: A, dst: B, vni: 4242 };
const OA = 0xc0000201; // 192.0.2.1
const OB = 0xc0000202; // 192.0.2.2

describe('VXLAN (RFC 7348)', () => {
  it('deconstructs the captured headers: I flag, VNI, UDP checksum or none', () => {
    expect([vxlanFlags(VXLAN_ARP, V), vxlanVni(VXLAN_ARP, V)]).toEqual([VXLAN_FLAG_I, 4242]);
    expect(parseVxlan(VXLAN_ARP, V)).toEqual({ vni: 4242 });
    expect(parseUdp(VXLAN_ARP, 34, 58, A, B)).toMatchObject({
      srcPort: 44383,
      dstPort: VXLAN_PORT,
      noChecksum: false,
      checksumOk: true,
    });
    expect(parseUdp(VXLAN_ECHO, 34, 114, A, B)).toMatchObject({
      srcPort: 39822,
      dstPort: VXLAN_PORT,
      noChecksum: true,
      checksumOk: true,
    });
  });

  it('constructs them by emit into 0xa5, by setter and by the frame builders', () => {
    for (const f of [VXLAN_ARP, VXLAN_ECHO]) {
      const buf = f.slice().fill(0xa5, V, V + VXLAN_HEADER_LEN);
      emitVxlan({ vni: 4242 }, buf, V);
      expect(buf).toEqual(f);
      const set = f.slice().fill(0xa5, V + 4, V + 8);
      setVxlanVni(set, V, 4242);
      expect(set).toEqual(f);
    }
    const arp = buildArpFrame({ op: 'request', senderMac: '02:00:5e:10:00:01', senderIp: OA, targetIp: OB });
    expect(buildVxlanFrame({ ...underlay, id: 0xc27a, srcPort: 44383, inner: arp })).toEqual(VXLAN_ARP);
    const echo = { echoId: 0x2f6f, seq: 1, data: VXLAN_ECHO.slice(V + 8 + 42) };
    const inner = buildIcmpEchoFrame({
      srcMac: '02:00:5e:10:00:01',
      dstMac: '02:00:5e:10:00:02',
      src: OA,
      dst: OB,
      id: 0x0f62,
      df: true,
      ...echo,
    });
    expect(buildVxlanFrame({ ...underlay, id: 0x19f0, srcPort: 39822, noChecksum: true, inner })).toEqual(VXLAN_ECHO);
    expect(vxlanLen({ vni: 1 })).toBe(8);
  });

  it('decodes the inner frame recursively and prints both layers', () => {
    const d = decodeFrame(VXLAN_ECHO);
    expect(d.vxlan).toEqual({ vni: 4242 });
    expect(d.inner).toMatchObject({
      offset: V + 8,
      length: 98,
      eth: { src: '02:00:5e:10:00:01' },
      icmp: { kind: 'echo-request', id: 0x2f6f },
    });
    expect(d.stop).toBeUndefined();
    expect(d.inner?.stop).toBeUndefined();
    expect(summarizeFrame(VXLAN_ARP)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, UDP 198.51.100.1.44383 > 203.0.113.2.4789, VXLAN vni 4242: 02:00:5e:10:00:01 > ff:ff:ff:ff:ff:ff, ARP, Request who-has 192.0.2.2 tell 192.0.2.1',
    );
    expect(summarizeFrame(VXLAN_ECHO)).toBe(
      '02:00:5e:00:00:01 > 02:00:5e:00:00:02, UDP 198.51.100.1.39822 > 203.0.113.2.4789, VXLAN vni 4242: 02:00:5e:10:00:01 > 02:00:5e:10:00:02, IPv4 192.0.2.1 > 192.0.2.2: ICMP echo request, id 12143, seq 1, length 64',
    );
  });

  it('rejects a header without the I flag (RFC 7348 §5) and one cut short', () => {
    const f = VXLAN_ECHO.slice();
    f[V] = 0;
    expect(String(parseVxlan(f, V))).toBe('vxlan: I flag clear: no valid VNI (RFC 7348 §5)');
    expect(decodeFrame(f).stop).toEqual({
      layer: 'vxlan',
      offset: V,
      reason: 'I flag clear: no valid VNI (RFC 7348 §5)',
      malformed: true,
    });
    expect(parseVxlan(VXLAN_ECHO, V, 7)).toBeInstanceOf(WireError);
  });

  it('names the IANA port and the 50-byte overhead behind the 1450 overlay MTU', () => {
    expect(VXLAN_PORT).toBe(4789);
    expect(1500 - VXLAN_OVERHEAD).toBe(1450);
  });

  it('parse(emit(x)) equals x (seed 81)', () => {
    fc.assert(
      fc.property(fc.nat(0xffffff), fc.nat(6), (vni, off) => {
        const buf = new Uint8Array(off + 8).fill(0xa5);
        emitVxlan({ vni }, buf, off);
        expect(parseVxlan(buf, off)).toEqual({ vni });
      }),
      { seed: 81 },
    );
  });

  it('parse never throws on arbitrary bytes, offsets and lengths (seed 82)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 20 }),
        fc.integer({ min: -2, max: 25 }),
        fc.option(fc.integer({ min: -2, max: 25 })),
        (b, off, len) => {
          parseVxlan(b, off, len ?? undefined);
        },
      ),
      { seed: 82 },
    );
  });
});
