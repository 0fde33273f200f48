/** Sysctl keys a scenario may set (sysctls.ts): under net., no way out of /proc/sys/net. */
import { describe, expect, it } from 'vitest';
import { LAB, lines } from '../../../test/helpers/scenario.js';

describe('sysctl keys', () => {
  const withSysctl = (key: string) => lines(LAB.replace('  ext:\n', `  ext:\n    sysctls: { "${key}": 1 }\n`));
  it('must stay under net., with "." or "/" between non-empty parts and no ".."', () => {
    expect(withSysctl('net.ipv4/../../kernel/x')).toEqual([
      'test.yaml:11:43: error: hosts.ext.sysctls["net.ipv4/../../kernel/x"]: expected parts separated by single "." or "/": no empty part and no ".."',
    ]);
    expect(withSysctl('net/../../kernel/x')[0]).toContain('no empty part and no ".."');
    expect(withSysctl('net..ipv4')[0]).toContain('no empty part');
    expect(withSysctl('net.ipv4.conf.eth0:1.forwarding')[0]).toContain(
      'expected parts of letters, digits, "_" and "-"; "eth0:1" is not one',
    );
    expect(withSysctl('kernel.core_pattern')[0]).toContain('expected a sysctl key under net.');
  });
  it('accept both separators and devices in any case', () => {
    for (const key of [
      'net.ipv4.conf.all.forwarding',
      'net/ipv4/ip_forward',
      'net.ipv4.conf.Eth0.rp_filter',
      'net.ipv4.conf.eth0/1.forwarding',
    ])
      expect(withSysctl(key)).toEqual([]);
  });
});
