import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readU16, readU32, writeU16, writeU32 } from './bytes.js';

describe('big-endian reads and writes', () => {
  it('use network byte order', () => {
    const b = new Uint8Array(6).fill(0xa5);
    writeU32(b, 1, 0xc6336401);
    expect(Array.from(b)).toEqual([0xa5, 0xc6, 0x33, 0x64, 0x01, 0xa5]);
    expect(readU32(b, 1)).toBe(0xc6336401); // unsigned, although the top bit is set
    writeU16(b, 4, 0x12345);
    expect([readU16(b, 4), b[5]]).toEqual([0x2345, 0x45]);
  });

  it('read back what they wrote at any offset (seed 131)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.nat(0xffff), fc.nat(8), (v32, v16, off) => {
        const b = new Uint8Array(off + 6);
        writeU32(b, off, v32);
        writeU16(b, off + 4, v16);
        return readU32(b, off) === v32 && readU16(b, off + 4) === v16;
      }),
      { seed: 131 },
    );
  });
});
