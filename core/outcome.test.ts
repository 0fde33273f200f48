import { describe, expect, it } from 'vitest';
import type { DropRecord } from './observations.js';
import {
  errnoOutcome,
  icmpOutcome,
  ICMP_DEST_UNREACH,
  ICMP_TIME_EXCEEDED,
  pingOutcome,
  pingWordsOutcome,
  probeEndOutcome,
  silentOutcome,
  unreachCodeOfPingWords,
} from './outcome.js';

const DROP: DropRecord = {
  timeNs: 1,
  ns: 'r1',
  dev: 'eth1',
  reason: 'netfilter',
  rule: 'filter FORWARD #3: -j DROP',
  summary: '',
};

describe('probe outcomes from raw facts', () => {
  it('maps errno values by the step they came in', () => {
    const table: [string, Parameters<typeof errnoOutcome>[0]['step'], string, string][] = [
      ['ECONNREFUSED', 'connection', 'refused', 'Connection refused'],
      ['ECONNRESET', 'connection', 'refused', 'Connection reset by peer'],
      ['EHOSTUNREACH', 'connection', 'unreachable', 'No route to host'],
      ['ENETUNREACH', 'connection', 'unreachable', 'Network is unreachable'],
      ['ENETUNREACH', 'connect', 'unreachable', 'Network is unreachable'],
      ['ECONNREFUSED', 'connect', 'unreachable', 'Connection refused'],
      ['EPERM', 'send', 'dropped', 'sendto: Operation not permitted'],
      ['EMSGSIZE', 'send', 'unreachable', 'Message too long'],
      ['EHOSTUNREACH', 'receive', 'unreachable', 'No route to host'],
    ];
    for (const [errno, step, outcome, detail] of table)
      expect(errnoOutcome({ errno, step }), `${errno} ${step}`).toEqual({ outcome, detail });
    expect(errnoOutcome({ errno: 'EMSGSIZE', step: 'send', mtu: 1400 })).toEqual({
      outcome: 'unreachable',
      detail: 'Message too long (mtu 1400)',
    });
    expect(
      errnoOutcome({ errno: 'EADDRNOTAVAIL', step: 'connect', strerror: 'Cannot assign requested address' }).outcome,
    ).toBe('unreachable');
    expect(
      errnoOutcome({ errno: 'EADDRNOTAVAIL', step: 'connect', strerror: 'Cannot assign requested address' }),
    ).toMatchObject({ detail: 'Cannot assign requested address' });
  });
  it('treats the SYN retries running out as silence, dropped only when the engine knows the drop', () => {
    expect(errnoOutcome({ errno: 'ETIMEDOUT', step: 'connection' })).toEqual({ outcome: 'silent' });
    expect(probeEndOutcome({ kind: 'errno', errno: 'ETIMEDOUT', step: 'connection' }, '10.0.0.2', 80)).toEqual({
      outcome: 'timed-out',
      detail: 'no answer',
    });
    expect(silentOutcome(DROP, ' (connect timed out)')).toEqual({
      outcome: 'dropped',
      detail: 'dropped in r1 at eth1: netfilter (filter FORWARD #3: -j DROP) (connect timed out)',
    });
  });
  it('maps ICMP destination unreachable codes and time exceeded as ping(8) words them', () => {
    const refused = [3, 9, 10, 13];
    for (let code = 0; code < 16; code++) {
      expect(icmpOutcome(ICMP_DEST_UNREACH, code, 1400).outcome, `code ${code}`).toBe(
        refused.includes(code) ? 'refused' : 'unreachable',
      );
    }
    expect(icmpOutcome(ICMP_DEST_UNREACH, 4, 1400).detail).toBe('Frag needed and DF set (mtu = 1400)');
    expect(icmpOutcome(ICMP_DEST_UNREACH, 5, 0).detail).toBe('Destination Unreachable, code 5');
    expect(icmpOutcome(ICMP_TIME_EXCEEDED, 0, 0)).toEqual({ outcome: 'unreachable', detail: 'Time to live exceeded' });
    expect(icmpOutcome(ICMP_TIME_EXCEEDED, 1, 0)).toEqual({
      outcome: 'unreachable',
      detail: 'Frag reassembly time exceeded',
    });
  });
  it("reads ping(8)'s words back into the code they print, longest words first", () => {
    expect(unreachCodeOfPingWords('Destination Port Unreachable')).toBe(3);
    expect(unreachCodeOfPingWords('Destination Net Unreachable for Type of Service')).toBe(11);
    expect(unreachCodeOfPingWords('Frag needed and DF set (mtu = 1400)')).toBe(4);
    expect(unreachCodeOfPingWords('Time to live exceeded')).toBeUndefined();
    expect(pingWordsOutcome('Packet filtered')).toBe('refused');
    expect(pingWordsOutcome('Destination Host Unreachable')).toBe('unreachable');
  });
  it("classifies a TCP or UDP probe's end", () => {
    expect(probeEndOutcome({ kind: 'reply', seen: { address: '10.0.0.1', port: 40000 } }, '10.0.0.2', 80)).toEqual({
      outcome: 'delivered',
      detail: 'reply from 10.0.0.2:80',
      seen: { address: '10.0.0.1', port: 40000 },
    });
    expect(probeEndOutcome({ kind: 'closed' }, '10.0.0.2', 80)).toEqual({
      outcome: 'timed-out',
      detail: 'the server closed without a reply line',
    });
    expect(probeEndOutcome({ kind: 'icmp', type: 3, code: 3, info: 0, from: '10.0.0.2' }, '10.0.0.2', 53)).toEqual({
      outcome: 'refused',
      detail: 'From 10.0.0.2: Destination Port Unreachable',
      errorFrom: '10.0.0.2',
    });
    expect(probeEndOutcome({ kind: 'timeout', connected: false }, 'x', 1).detail).toBe('no answer (connect timed out)');
    expect(probeEndOutcome({ kind: 'timeout', connected: true }, 'x', 1, DROP).outcome).toBe('dropped');
    expect(probeEndOutcome({ kind: 'timeout' }, 'x', 1)).toEqual({ outcome: 'timed-out', detail: 'no answer' });
  });
  it('classifies a ping as iputils decides its exit', () => {
    expect(pingOutcome({ sent: 3, received: 2 })).toEqual({ outcome: 'delivered', detail: '2/3 replies' });
    expect(pingOutcome({ sent: 0, received: 0, noRoute: true })).toEqual({
      outcome: 'unreachable',
      detail: 'connect: Network is unreachable',
    });
    expect(pingOutcome({ sent: 1, received: 0, error: { from: '10.0.0.1', type: 3, code: 1, info: 0 } })).toEqual({
      outcome: 'unreachable',
      detail: 'From 10.0.0.1: Destination Host Unreachable',
      errorFrom: '10.0.0.1',
    });
    expect(
      pingOutcome({ sent: 1, received: 0, error: { from: '10.0.0.1', words: 'Destination Port Unreachable' } }).outcome,
    ).toBe('refused');
    expect(pingOutcome({ sent: 1, received: 0, localError: 'local error: message too long, mtu=1400' }).outcome).toBe(
      'unreachable',
    );
    expect(pingOutcome({ sent: 1, received: 0 }, DROP).outcome).toBe('dropped');
  });
});
