import { describe, expect, it } from 'vitest';
import { parsePing, pingArgv } from './ping.js';

describe('reading iputils ping', () => {
  it('reads replies, RTTs and the TTL', () => {
    const out = `PING 172.17.0.3 (172.17.0.3) 56(84) bytes of data.
64 bytes from 172.17.0.3: icmp_seq=1 ttl=64 time=0.187 ms
64 bytes from 172.17.0.3: icmp_seq=2 ttl=64 time=0.039 ms

--- 172.17.0.3 ping statistics ---
2 packets transmitted, 2 received, 0% packet loss, time 204ms`;
    expect(parsePing(out)).toEqual({
      sent: 2,
      received: 2,
      rttsNs: [187000, 39000],
      ttl: 64,
      outcome: 'delivered',
      detail: '2/2 replies',
    });
  });
  it('reads ICMP errors as unreachable or refused, with their source', () => {
    const host =
      'From 198.51.100.1 icmp_seq=1 Destination Host Unreachable\n\n--- x ---\n1 packets transmitted, 0 received, +1 errors, 100% packet loss';
    expect(parsePing(host)).toMatchObject({
      outcome: 'unreachable',
      detail: 'From 198.51.100.1: Destination Host Unreachable',
      errorFrom: '198.51.100.1',
    });
    const port = 'From 10.0.0.1 icmp_seq=1 Destination Port Unreachable\n1 packets transmitted, 0 received, +1 errors';
    expect(parsePing(port).outcome).toBe('refused');
    const frag =
      'From 10.0.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1400)\n1 packets transmitted, 0 received, +1 errors';
    expect(parsePing(frag)).toMatchObject({
      outcome: 'unreachable',
      detail: 'From 10.0.0.1: Frag needed and DF set (mtu = 1400)',
    });
  });
  it('reads "Packet filtered" (code 13, iptables REJECT --reject-with icmp-admin-prohibited) as refused, as the simulator does', () => {
    // iputils prints code 13 as "Packet filtered": read by words alone, it was unreachable here and
    // refused in the simulator.
    const filtered = 'From 10.0.0.1 icmp_seq=1 Packet filtered\n1 packets transmitted, 0 received, +1 errors';
    expect(parsePing(filtered)).toMatchObject({
      outcome: 'refused',
      detail: 'From 10.0.0.1: Packet filtered',
      errorFrom: '10.0.0.1',
    });
    const tos =
      'From 10.0.0.1 icmp_seq=1 Destination Host Unreachable for Type of Service\n1 packets transmitted, 0 received, +1 errors';
    expect(parsePing(tos).outcome).toBe('unreachable');
  });
  it('reads local failures', () => {
    expect(parsePing('ping: connect: Network is unreachable\n').detail).toBe('connect: Network is unreachable');
    expect(
      parsePing('ping: local error: message too long, mtu=1400\n1 packets transmitted, 0 received, +1 errors').detail,
    ).toBe('local error: message too long, mtu=1400');
    expect(parsePing('1 packets transmitted, 0 received, 100% packet loss').outcome).toBe('timed-out');
  });
  it("builds ping's arguments, with -M do only for DF, and the destination last", () => {
    const argv = pingArgv('tnab12-a1', {
      ns: 'a1',
      dst: '10.0.0.2',
      count: 3,
      intervalNs: 200_000_000,
      size: 1400,
      df: true,
      ttl: 5,
      timeoutNs: 2e9,
    });
    expect(argv).toEqual([
      'ip',
      'netns',
      'exec',
      'tnab12-a1',
      'ping',
      '-n',
      '-c',
      '3',
      '-i',
      '0.2',
      '-s',
      '1400',
      '-t',
      '5',
      '-W',
      '2',
      '-M',
      'do',
      '10.0.0.2',
    ]);
  });
});
