/**
 * The simulator reads IPv4 forwarding under both of its names: a plain Linux host told
 * `net.ipv4.conf.all.forwarding: 1` forwards, as the kernel does (devinet.c: it is the
 * value behind net.ipv4.ip_forward).
 */
import { describe, expect, it } from 'vitest';
import { probeNamed, routedLab, runScenario } from './test-helpers.js';

const PING = '  - { at: 1s, name: through, ping: { from: client, to: server, count: 1 } }';

describe('forwarding sysctls in the simulator', () => {
  it('a linux host forwards with net.ipv4.conf.all.forwarding (or net/ipv4/ip_forward) set to 1, and not without', () => {
    const lab = (sysctls: string) =>
      routedLab({ r1Kind: 'linux', timeline: PING }).replace('    kind: linux\n', `    kind: linux\n${sysctls}`);
    expect(probeNamed(runScenario(lab('')), 'through').outcome).not.toBe('delivered');
    expect(probeNamed(runScenario(lab('    sysctls: { net.ipv4.conf.all.forwarding: 1 }\n')), 'through').outcome).toBe(
      'delivered',
    );
    expect(probeNamed(runScenario(lab('    sysctls: { net/ipv4/ip_forward: 1 }\n')), 'through').outcome).toBe(
      'delivered',
    );
  });
});
