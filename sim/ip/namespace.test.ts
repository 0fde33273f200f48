/**
 * The namespace's source address choice (namespace.ts sourceFor, inet_select_addr): an
 * address of the outgoing device in the destination's subnet, else that device's first,
 * else the first address off loopback.
 */
import { describe, expect, it } from 'vitest';
import { formatIpv4, parseIfAddr, parseIpv4 } from '../../core/addr.js';
import { stackRig } from '../test-helpers.js';

const ip = (t: string) => parseIpv4(t) as number;

describe('NetNamespace sourceFor', () => {
  it("takes the device address whose subnet holds the destination, else the device's first, else any off loopback", () => {
    const { ns, ifs } = stackRig([{ addr: '10.0.0.1/24' }, { addr: '192.0.2.1/24' }]);
    const [eth0, eth1] = ifs as [(typeof ifs)[number], (typeof ifs)[number]];
    ns.addAddress(eth0, parseIfAddr('10.9.0.1/16')!);
    const src = (dev: typeof eth0, dst: string) => formatIpv4(ns.sourceFor(dev, ip(dst)) ?? 0);
    expect(src(eth0, '10.9.3.4')).toBe('10.9.0.1');
    expect(src(eth0, '10.0.0.7')).toBe('10.0.0.1');
    expect(src(eth0, '198.51.100.1')).toBe('10.0.0.1');
    expect(src(eth1, '10.9.3.4')).toBe('192.0.2.1');
    expect(formatIpv4(ns.sourceFor(ns.lo, ip('203.0.113.1')) ?? 0)).toBe('10.0.0.1');
    expect(ns.sourceFor(eth0, ip('10.9.3.4'), ip('10.0.0.99'))).toBe(ip('10.0.0.99'));
  });
});
