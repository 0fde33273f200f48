import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMac, parseMac } from '../addr.js';
import {
  isGroupMacNum,
  MAC_BROADCAST,
  macFromNum,
  macNumAt,
  macStringAt,
  macToNum,
  writeMac,
  writeMacNum,
} from './mac.js';

const macNumArb = fc.integer({ min: 0, max: 2 ** 48 - 1 });

describe('MACs as 48-bit numbers', () => {
  it('reads and writes six bytes at an offset', () => {
    const buf = new Uint8Array(10).fill(0xa5);
    writeMacNum(buf, 2, 0x0242ac110002);
    expect(Array.from(buf)).toEqual([0xa5, 0xa5, 0x02, 0x42, 0xac, 0x11, 0x00, 0x02, 0xa5, 0xa5]);
    expect(macNumAt(buf, 2)).toBe(0x0242ac110002);
    expect(macStringAt(buf, 2)).toBe('02:42:ac:11:00:02');
  });

  it('converts between strings and numbers, refusing malformed strings', () => {
    expect(macToNum('FF:FF:FF:FF:FF:FF')).toBe(MAC_BROADCAST);
    expect(macFromNum(0x0242ac110002)).toBe('02:42:ac:11:00:02');
    for (const bad of ['02:42:ac:11:00', '02-42-ac-11-00-02', '02:42:ac:11:00:0g', ''])
      expect(macToNum(bad)).toBeUndefined();
    expect(() => writeMac(new Uint8Array(6), 0, 'nope')).toThrow(RangeError);
    expect(() => writeMac(new Uint8Array(6), 0, 2 ** 48)).toThrow(RangeError);
  });

  it('tells group addresses by the I/G bit', () => {
    expect(isGroupMacNum(MAC_BROADCAST)).toBe(true);
    expect(isGroupMacNum(0x01005e000001)).toBe(true);
    expect(isGroupMacNum(0x0242ac110002)).toBe(false);
  });

  it('number, bytes and string agree with core/addr.ts (seed 21)', () => {
    fc.assert(
      fc.property(macNumArb, fc.nat(8), (m, off) => {
        const buf = new Uint8Array(off + 6);
        writeMacNum(buf, off, m);
        const s = macStringAt(buf, off);
        return (
          macNumAt(buf, off) === m &&
          macFromNum(m) === s &&
          macToNum(s) === m &&
          formatMac(parseMac(s) as Uint8Array) === s
        );
      }),
      { seed: 21 },
    );
  });
});
