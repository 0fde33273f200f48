import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checksumAdjust16,
  checksumAdjust32,
  checksumVerifies,
  foldSum,
  internetChecksum,
  onesSum,
  pseudoHeaderSum,
  udpWireChecksum,
} from './checksum.js';

const hex = (...lines: string[]): Uint8Array => Uint8Array.from(Buffer.from(lines.join(''), 'hex'));

/** The RFC 1071 definition, word by word with a fold after every add: the reference. */
function naiveChecksum(buf: Uint8Array, off: number, len: number, initial = 0): number {
  let sum = foldSum(initial);
  for (let i = 0; i < len; i += 2) {
    const word = (buf[off + i]! << 8) | (i + 1 < len ? buf[off + i + 1]! : 0);
    sum += word;
    if (sum > 0xffff) sum -= 0xffff;
  }
  return ~sum & 0xffff;
}

// The IPv4 header of an echo request captured on a veth (see ipv4.test.ts for the setup).
const IPV4_HEADER = hex('4500005479a7400040016c97c6336401c6336402');

describe('the Internet checksum (RFC 1071)', () => {
  it('matches the numerical example of RFC 1071 §3', () => {
    const b = Uint8Array.of(0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7);
    expect(foldSum(onesSum(b, 0, 8))).toBe(0xddf2);
    expect(internetChecksum(b, 0, 8)).toBe(0x220d);
  });

  it('verifies a captured IPv4 header and recomputes its checksum', () => {
    expect(checksumVerifies(IPV4_HEADER, 0, 20)).toBe(true);
    const h = IPV4_HEADER.slice();
    h[10] = 0;
    h[11] = 0;
    expect(internetChecksum(h, 0, 20)).toBe(0x6c97);
  });

  it('pads an odd trailing byte with zero and folds sums past 2^32', () => {
    expect(onesSum(Uint8Array.of(0x12, 0x34, 0x56), 0, 3)).toBe(0x1234 + 0x5600);
    expect(foldSum(0x1_2345_6789)).toBe(foldSum(0x1 + 0x2345 + 0x6789));
    expect(foldSum(2 ** 40 + 5)).toBe(foldSum(0x100 + 5));
  });

  it('sends a computed UDP checksum of 0 as 0xffff (RFC 768)', () => {
    expect(udpWireChecksum(0)).toBe(0xffff);
    expect(udpWireChecksum(0x1234)).toBe(0x1234);
  });

  it('the fast loop equals the word-by-word definition at any offset and length (seed 3)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), fc.nat(0xfffff), (buf, a, b, init) => {
        const off = buf.length === 0 ? 0 : a % buf.length;
        const len = buf.length - off === 0 ? 0 : b % (buf.length - off + 1);
        expect(internetChecksum(buf, off, len, init)).toBe(naiveChecksum(buf, off, len, init));
      }),
      { seed: 3 },
    );
  });

  it('a filled-in checksum verifies (seed 4)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 4, maxLength: 200 }), fc.nat(0xffffff), (data, phSum) => {
        const buf = Uint8Array.of(0x45, 0, 0, 0, ...data); // a nonzero first word, as in every real header
        const c = internetChecksum(buf, 0, buf.length, phSum);
        buf[2] = c >>> 8;
        buf[3] = c & 0xff;
        return checksumVerifies(buf, 0, buf.length, phSum);
      }),
      { seed: 4 },
    );
  });
});

describe('the pseudo-header (RFC 768)', () => {
  it('sums addresses, protocol and length as 16-bit words', () => {
    expect(pseudoHeaderSum(0xc6336401, 0xcb007102, 17, 14)).toBe(0xc633 + 0x6401 + 0xcb00 + 0x7102 + 17 + 14);
  });
});

describe('incremental update (RFC 1624 eqn. 3)', () => {
  const headerArb = fc
    .tuple(fc.uint8Array({ minLength: 18, maxLength: 58 }), fc.nat(0xffffff))
    .map(([rest, ph]) => ({ buf: Uint8Array.of(0x45, 0, ...rest).subarray(0, (rest.length + 2) & ~1), ph }));

  function withChecksum(buf: Uint8Array, ph: number): Uint8Array {
    const b = buf.slice();
    b[10] = 0;
    b[11] = 0;
    const c = internetChecksum(b, 0, b.length, ph);
    b[10] = c >>> 8;
    b[11] = c & 0xff;
    return b;
  }

  it('a 16-bit change equals full recomputation (seed 5)', () => {
    fc.assert(
      fc.property(headerArb, fc.nat(), fc.nat(0xffff), ({ buf, ph }, w, value) => {
        const words = buf.length >>> 1;
        const i = 2 * (1 + (w % (words - 1))); // any word but the first, which keeps the data nonzero
        fc.pre(i !== 10);
        const before = withChecksum(buf, ph);
        const old = (before[i]! << 8) | before[i + 1]!;
        const after = before.slice();
        after[i] = value >>> 8;
        after[i + 1] = value & 0xff;
        const adjusted = checksumAdjust16((before[10]! << 8) | before[11]!, old, value);
        const full = withChecksum(after, ph);
        expect(adjusted).toBe((full[10]! << 8) | full[11]!);
      }),
      { seed: 5 },
    );
  });

  it('a 32-bit change (an address) equals full recomputation (seed 6)', () => {
    fc.assert(
      fc.property(headerArb, fc.integer({ min: 0, max: 0xffffffff }), ({ buf, ph }, addr) => {
        const before = withChecksum(buf, ph);
        const old = ((before[12]! << 24) | (before[13]! << 16) | (before[14]! << 8) | before[15]!) >>> 0;
        const after = before.slice();
        after.set([addr >>> 24, (addr >>> 16) & 255, (addr >>> 8) & 255, addr & 255], 12);
        const full = withChecksum(after, ph);
        expect(checksumAdjust32((before[10]! << 8) | before[11]!, old, addr)).toBe((full[10]! << 8) | full[11]!);
      }),
      { seed: 6 },
    );
  });
});
