import { describe, expect, it } from 'vitest';
import { isWireError, spanError, spanLen, WireError } from './error.js';

describe('WireError and spans', () => {
  it('is a value with a layer and a reason, not a thrown Error', () => {
    const e = new WireError('udp', 'length field 4 is below 8');
    expect(isWireError(e)).toBe(true);
    expect(e).not.toBeInstanceOf(Error);
    expect(String(e)).toBe('udp: length field 4 is below 8');
    expect(isWireError({ layer: 'udp', reason: 'x' })).toBe(false);
  });

  it('bounds a parse to the buffer: a given length, or the rest', () => {
    const b = new Uint8Array(10);
    expect([spanLen(b, 0, undefined), spanLen(b, 4, undefined), spanLen(b, 10, undefined), spanLen(b, 4, 6)]).toEqual([
      10, 6, 0, 6,
    ]);
    for (const [off, len] of [
      [11, undefined],
      [-1, undefined],
      [4, 7],
      [0.5, undefined],
      [0, 1.5],
      [0, -1],
      [Number.NaN, undefined],
    ] as const) {
      expect(spanLen(b, off, len)).toBe(-1);
    }
    expect(String(spanError('tcp', 4, 7))).toBe('tcp: offset 4 and length 7 do not fit the buffer');
  });
});
