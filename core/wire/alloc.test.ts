import { describe, expect, it } from 'vitest';
import { allocFrame, copyFrame, SLAB_BYTES } from './alloc.js';

describe('frame buffers', () => {
  it('are zeroed, of the asked length, and never overlap', () => {
    const frames = Array.from({ length: 2000 }, (_, i) => allocFrame(60 + (i % 1500)));
    frames.forEach((f, i) => {
      expect(f.length).toBe(60 + (i % 1500));
      expect(f.every((b) => b === 0)).toBe(true);
      f.fill(i & 0xff);
    });
    frames.forEach((f, i) => expect(f.every((b) => b === (i & 0xff))).toBe(true));
  });
  it('gives a large frame a buffer of its own', () => {
    const big = allocFrame(SLAB_BYTES);
    expect(big.buffer.byteLength).toBe(SLAB_BYTES);
  });
  it('copies a frame into a fresh buffer', () => {
    const a = allocFrame(100).fill(7);
    const b = copyFrame(a);
    b[0] = 1;
    expect(a[0]).toBe(7);
    expect(b.subarray(1)).toEqual(a.subarray(1));
  });
});
