import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  broadcastOf,
  cidrContains,
  cidrsOverlap,
  dockerMacFromIpv4,
  formatCidr,
  formatIpv4,
  formatMac,
  parseCidr,
  parseIfAddr,
  parseIpv4,
  parseMac,
} from './addr.js';

describe('IPv4 addresses', () => {
  it('parses dotted quads and nothing else (inet_pton rules)', () => {
    expect(parseIpv4('192.0.2.1')).toBe(0xc0000201);
    expect(parseIpv4('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.1', '256.0.0.1', '01.2.3.4', '1.2.3.4.5', 'a.b.c.d', ' 1.2.3.4'])
      expect(parseIpv4(bad)).toBeUndefined();
  });
  it('round-trips every address (seed 1)', () => {
    fc.assert(
      fc.property(fc.ipV4(), (s) => formatIpv4(parseIpv4(s) as number) === s),
      { seed: 1 },
    );
  });
});

describe('prefixes', () => {
  it('rejects a prefix with host bits set, but takes it as an interface address', () => {
    expect(parseCidr('172.17.0.1/16')).toBeUndefined();
    expect(parseIfAddr('172.17.0.1/16')).toEqual({ addr: 0xac110001, len: 16 });
    expect(formatCidr(parseCidr('172.17.0.0/16') as never)).toBe('172.17.0.0/16');
  });
  it('knows containment, overlap and broadcast', () => {
    const a = parseCidr('172.16.0.0/12') as never;
    const b = parseCidr('172.18.0.0/16') as never;
    const c = parseCidr('192.168.0.0/16') as never;
    expect(cidrsOverlap(a, b)).toBe(true);
    expect(cidrsOverlap(b, c)).toBe(false);
    expect(cidrContains(a, parseIpv4('172.31.255.255') as number)).toBe(true);
    expect(formatIpv4(broadcastOf(b))).toBe('172.18.255.255');
    expect(cidrsOverlap(parseCidr('0.0.0.0/0') as never, c)).toBe(true);
  });
});

describe('MAC addresses', () => {
  it("derives Docker's container MAC from the IPv4 address (02:42 + 4 bytes)", () => {
    expect(dockerMacFromIpv4(parseIpv4('172.17.0.2') as number)).toBe('02:42:ac:11:00:02');
  });
  it('parses and formats', () => {
    expect(formatMac(parseMac('02:42:AC:11:00:02') as Uint8Array)).toBe('02:42:ac:11:00:02');
    expect(parseMac('02:42:ac:11:00')).toBeUndefined();
  });
});
