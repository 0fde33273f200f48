import { describe, expect, it } from 'vitest';
import { linuxTcpOptions } from './tcp-options.js';

const h = (o: Uint8Array): string => Buffer.from(o).toString('hex');

describe("Linux's TCP option layout (tcp_options_write)", () => {
  it('folds SACK-permitted into the timestamps pad and puts window scale last, as a captured SYN has it', () => {
    // The options after MSS in a SYN captured from Linux (see tcp.test.ts): sackOK, TS, nop, wscale 10.
    expect(h(linuxTcpOptions({ sackPermitted: true, timestamps: { val: 2540509526, ecr: 0 }, wscale: 10 }))).toBe(
      '0402080a976d1956000000000103030a',
    );
  });

  it('pads timestamps alone with two NOPs, SACK-permitted alone too, window scale with one', () => {
    expect(h(linuxTcpOptions({}))).toBe('');
    expect(h(linuxTcpOptions({ timestamps: { val: 1, ecr: 2 } }))).toBe('0101080a0000000100000002');
    expect(h(linuxTcpOptions({ sackPermitted: true }))).toBe('01010402');
    expect(h(linuxTcpOptions({ sackPermitted: true, wscale: 7 }))).toBe('0101040201030307');
    expect(h(linuxTcpOptions({ wscale: 14 }))).toBe('0103030e');
  });
});
