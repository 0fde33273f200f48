import { describe, expect, it } from 'vitest';
import { parseRule, RuleSyntaxError } from './parse-rule.js';
import { ruleText } from './render.js';

describe('addresses as iptables reads them', () => {
  it('completes a network address of fewer than four numbers with zeros (libxtables __numeric_to_ipaddr)', () => {
    expect(ruleText(parseRule(['-d', '10/8', '-j', 'ACCEPT']))).toBe('-d 10.0.0.0/8 -j ACCEPT');
    expect(ruleText(parseRule(['-s', '192.168/16', '-j', 'ACCEPT']))).toBe('-s 192.168.0.0/16 -j ACCEPT');
  });
  it('reads Docker\'s "-d 0/0" as any address, which iptables-save leaves out', () => {
    const args = [
      '-p',
      'tcp',
      '-d',
      '0/0',
      '--dport',
      '8080',
      '-j',
      'DNAT',
      '--to-destination',
      '172.17.0.2:80',
      '!',
      '-i',
      'docker0',
    ];
    expect(ruleText(parseRule(args))).toBe(
      '! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80',
    );
  });
  it('still refuses what is not an address', () => {
    expect(() => parseRule(['-d', '10.0.0.0.0/8', '-j', 'ACCEPT'])).toThrow(RuleSyntaxError);
    expect(() => parseRule(['-d', '300/8', '-j', 'ACCEPT'])).toThrow(RuleSyntaxError);
  });
});
