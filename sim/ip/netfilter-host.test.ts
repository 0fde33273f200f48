/**
 * REJECT's answers (netfilter-host.ts) where a Docker host DNATs a published port and
 * the user rejects the connection in DOCKER-USER, after the DNAT: the reset and the
 * ICMP error are built from the translated packet and must leave translated back, from
 * the address the client wrote to, or the client ignores them (nf_ct_attach in
 * nf_send_reset and icmp_glue_bits, then nf_nat_inet_fn / nf_nat_icmp_reply_translation).
 */
import { describe, expect, it } from 'vitest';
import { parseIpv4 } from '../../core/addr.js';
import { REJECT_CASES, rejectLab } from '../../test/helpers/reject-lab.js';
import { packetsOn, probeNamed, runScenario } from '../test-helpers.js';

describe('REJECT after DNAT (seed 1)', () => {
  it('a tcp-reset in DOCKER-USER reaches the client from the published address: refused', () => {
    const r = runScenario(rejectLab(REJECT_CASES.reset.rules, REJECT_CASES.reset.timeline));
    expect(probeNamed(r, 't')).toMatchObject({ outcome: 'refused' });
    const rst = packetsOn(r, 'ext', 'eth0').find(
      (p) => p.d.tcp !== undefined && p.d.tcp.srcPort !== undefined && p.d.ipv4?.dst === parseIpv4('203.0.113.1'),
    );
    expect([rst?.d.ipv4?.src, rst?.d.tcp?.srcPort]).toEqual([parseIpv4('203.0.113.2'), 8080]);
  });

  it('an ICMP port unreachable in DOCKER-USER, about a UDP datagram, is translated too: refused', () => {
    const r = runScenario(rejectLab(REJECT_CASES.icmp.rules, REJECT_CASES.icmp.timeline));
    expect(probeNamed(r, 'u')).toMatchObject({ outcome: 'refused', errorFrom: '203.0.113.2' });
  });

  it('a reset for a later packet of a connection DOCKER-USER lets start still works (a confirmed entry)', () => {
    const r = runScenario(rejectLab(REJECT_CASES.established.rules, REJECT_CASES.established.timeline));
    expect(probeNamed(r, 't').outcome).toBe('refused');
  });
});
