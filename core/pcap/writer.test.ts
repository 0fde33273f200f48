import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePcap } from './format.js';
import { PcapStreamEncoder } from './writer.js';

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((off, c) => (out.set(c, off), off + c.length), 0);
  return out;
}

describe('PcapStreamEncoder', () => {
  it('hands out the global header once, first', () => {
    const enc = new PcapStreamEncoder({ snaplen: 100 });
    expect(enc.headerDone).toBe(false);
    expect(enc.encode()).toEqual(encodePcap([], { snaplen: 100 }));
    expect(enc.headerDone).toBe(true);
    expect(enc.encode([]).length).toBe(0);
    expect(enc.encode([{ timeNs: 1, data: new Uint8Array(3) }]).length).toBe(16 + 3);
    expect(enc.recordCount).toBe(1);
  });

  it('checks its options before writing anything', () => {
    expect(() => new PcapStreamEncoder({ snaplen: -1 })).toThrow(RangeError);
  });

  it('makes, chunk by chunk, the bytes encodePcap makes of the whole (seed 2718)', () => {
    const record = fc.record({ timeNs: fc.maxSafeNat(), data: fc.uint8Array({ maxLength: 40 }) });
    const batches = fc.array(fc.array(record, { maxLength: 4 }), { maxLength: 5 });
    fc.assert(
      fc.property(batches, fc.integer({ min: 1, max: 50 }), (bs, snaplen) => {
        const enc = new PcapStreamEncoder({ snaplen });
        const chunks = bs.map((b, i) => (i % 2 === 0 ? enc.encode(b) : enc.encode(b.values())));
        if (bs.length === 0) chunks.push(enc.encode());
        expect(concat(chunks)).toEqual(encodePcap(bs.flat(), { snaplen }));
        expect(enc.recordCount).toBe(bs.flat().length);
      }),
      { seed: 2718, numRuns: 200 },
    );
  });
});
