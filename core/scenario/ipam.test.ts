import { describe, expect, it } from 'vitest';
import { formatIpv4, parseCidr, parseIpv4, type Cidr } from '../addr.js';
import { AddressAllocator, enginePoolOrder, PoolAllocator } from './ipam.js';

const cidr = (s: string) => parseCidr(s) as Cidr;
const ip = (s: string) => parseIpv4(s) as number;

describe('PoolAllocator', () => {
  it('hands out the next free prefix, skipping taken ones (docker0 holds 172.17)', () => {
    const p = new PoolAllocator([
      { base: cidr('172.17.0.0/16'), size: 16 },
      { base: cidr('172.18.0.0/16'), size: 16 },
      { base: cidr('192.168.0.0/16'), size: 20 },
    ]);
    p.reserve(cidr('172.17.0.0/16'), 'docker0');
    expect(p.next('netA')).toEqual(cidr('172.18.0.0/16'));
    expect(p.next('netB')).toEqual(cidr('192.168.0.0/20'));
    expect(p.next('netC')).toEqual(cidr('192.168.16.0/20'));
    expect(p.conflict(cidr('172.18.5.0/24'))?.owner).toBe('netA');
  });
  it('reports exhaustion as undefined', () => {
    const p = new PoolAllocator([{ base: cidr('10.0.0.0/24'), size: 25 }]);
    expect(p.next('a')).toBeDefined();
    expect(p.next('b')).toBeDefined();
    expect(p.next('c')).toBeUndefined();
  });
});

describe('AddressAllocator', () => {
  it('starts after the gateway and allocates serially', () => {
    const a = new AddressAllocator(cidr('172.17.0.0/16'), ip('172.17.0.1'));
    expect(formatIpv4(a.next('x') as number)).toBe('172.17.0.2');
    expect(formatIpv4(a.next('y') as number)).toBe('172.17.0.3');
    a.release(ip('172.17.0.2'));
    // Serial: the released .2 is not reused before the cursor wraps.
    expect(formatIpv4(a.next('z') as number)).toBe('172.17.0.4');
  });
  it('lets static addresses take bits without moving the cursor', () => {
    const a = new AddressAllocator(cidr('10.10.0.0/24'), ip('10.10.0.254'));
    a.take(ip('10.10.0.1'), 'db');
    expect(formatIpv4(a.next('app') as number)).toBe('10.10.0.2');
    expect(a.holder(ip('10.10.0.254'))).toBe('the gateway');
    expect(a.assignable(ip('10.10.0.255'))).toBe(false);
    expect(a.assignable(ip('10.10.0.0'))).toBe(false);
  });
  it('wraps around and then fills up', () => {
    const a = new AddressAllocator(cidr('10.0.0.0/30'), ip('10.0.0.1'));
    expect(formatIpv4(a.next('x') as number)).toBe('10.0.0.2');
    expect(a.next('y')).toBeUndefined();
    a.release(ip('10.0.0.2'));
    expect(formatIpv4(a.next('z') as number)).toBe('10.0.0.2');
  });
});

describe('enginePoolOrder', () => {
  const pools = [
    { base: cidr('192.168.0.0/16'), size: 24 },
    { base: cidr('10.20.0.0/16'), size: 24 },
    { base: cidr('10.20.0.0/20'), size: 24 },
  ];
  it("keeps daemon.json's order on 20.10 (ipamutils splits the pools as listed)", () => {
    expect(enginePoolOrder(pools, '20.10')).toEqual(pools);
  });
  it('sorts by address on 28 and 29 and drops a pool inside one sorted before it (defaultipam newAddrSpace)', () => {
    for (const v of ['28', '29'] as const) expect(enginePoolOrder(pools, v)).toEqual([pools[1], pools[0]]);
  });
});
