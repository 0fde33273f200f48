/** Sysctl spelling and IPv4 forwarding's alias (sysctl.ts), as the engines read them. */
import { describe, expect, it } from 'vitest';
import { canonicalSysctlKey, effectiveSysctls, forwardsIpv4 } from './sysctl.js';

describe('canonicalSysctlKey', () => {
  it("turns sysctl(8)'s slash form into the dotted one, a dot of a name becoming a slash", () => {
    expect(canonicalSysctlKey('net/ipv4/ip_forward')).toBe('net.ipv4.ip_forward');
    expect(canonicalSysctlKey('net/ipv4/conf/eth0.1/forwarding')).toBe('net.ipv4.conf.eth0/1.forwarding');
    expect(canonicalSysctlKey('net.ipv4.conf.eth0/1.forwarding')).toBe('net.ipv4.conf.eth0/1.forwarding');
  });
});

describe('IPv4 forwarding', () => {
  it('net.ipv4.conf.all.forwarding is ip_forward (devinet.c): the last write to either wins, and sets default and the devices', () => {
    const writes = [
      { key: 'net.ipv4.ip_forward', value: '0' },
      { key: 'net.ipv4.conf.eth0.forwarding', value: '0' },
      { key: 'net.ipv4.conf.all.forwarding', value: '1' },
    ];
    expect(Object.fromEntries(effectiveSysctls(writes))).toEqual({
      'net.ipv4.ip_forward': '1',
      'net.ipv4.conf.all.forwarding': '1',
      'net.ipv4.conf.default.forwarding': '1',
      'net.ipv4.conf.eth0.forwarding': '1',
    });
    expect(forwardsIpv4(writes)).toBe(true);
    expect(forwardsIpv4([...writes, { key: 'net.ipv4.ip_forward', value: '0' }])).toBe(false);
    // default and one device do not change the namespace's forwarding.
    expect(
      forwardsIpv4([
        { key: 'net.ipv4.conf.default.forwarding', value: '1' },
        { key: 'net.ipv4.conf.eth0.forwarding', value: '1' },
      ]),
    ).toBe(false);
  });
});
