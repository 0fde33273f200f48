/**
 * The table of probes (probe-table.ts) and its terminal style (cli/table-style.ts): the
 * verdict comes first, no line exceeds the width it is given, `wide` prints every cell
 * whole, colour only when asked, and the CLI asks for it only on a terminal without
 * NO_COLOR. A cut trace says what it left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tableStyle } from '../cli/table-style.js';
import type { Verdict } from '../core/expect.js';
import type { Observations, ProbeResult } from '../core/observations.js';
import { DEFAULT_TABLE_WIDTH, renderProbeTable, renderTrace } from './probe-table.js';

const LONG_SEEN = 'dropped in dockerhost at eth0: filtered (raw PREROUTING rule 2: -A PREROUTING -d 172.17.0.3/32 ! -i docker0 -j DROP) (connect timed out)';

const probe = (name: string, detail: string, extra: Partial<ProbeResult> = {}): ProbeResult => ({
  name, kind: 'tcp', atNs: 3.6e9, ns: 'ext', dst: '172.17.0.3', port: 80, outcome: 'dropped', detail, sent: 1, received: 0, rttsNs: [], ...extra,
});

const obs = {
  engine: 'sim', scenario: 't', seed: 1, endNs: 5e9, drops: [], captures: [], notes: [],
  probes: [
    probe('a1-pings-a2', '3/3 replies', { kind: 'ping', outcome: 'delivered', received: 3, rttsNs: [1e5, 2e5, 3e5], ttl: 64 }),
    probe('ext-to-a2-directly', LONG_SEEN),
    probe('a-probe-with-a-rather-long-name-for-a-table', 'no answer', { outcome: 'timed-out' }),
    probe('no-expectation', 'Connection refused', { outcome: 'refused' }),
  ],
} as unknown as Observations;

const verdicts = new Map<string, Verdict>([
  ['a1-pings-a2', { name: 'a1-pings-a2', met: true, failures: [] }],
  ['ext-to-a2-directly', { name: 'ext-to-a2-directly', met: false, failures: [`expected delivered, got dropped (${LONG_SEEN})`] }],
  ['a-probe-with-a-rather-long-name-for-a-table', { name: 'a-probe-with-a-rather-long-name-for-a-table', met: true, failures: [] }],
]);

// eslint-disable-next-line no-control-regex
const SGR = /\x1b\[[0-9;]*m/;

describe('renderProbeTable', () => {
  it('puts the verdict in the first column', () => {
    const lines = renderProbeTable(obs, verdicts).split('\n');
    expect(lines[0]).toMatch(/^verdict  at /);
    expect(lines.slice(1, 5).map((l) => l.split(/\s{2,}/)[0])).toEqual(['met', 'NOT MET', 'met', '-']);
  });

  it(`fits ${DEFAULT_TABLE_WIDTH} columns by default, cutting what was seen with an ellipsis`, () => {
    const text = renderProbeTable(obs, verdicts);
    for (const l of text.split('\n')) expect(l.length).toBeLessThanOrEqual(DEFAULT_TABLE_WIDTH);
    expect(text).toContain('…');
    expect(text).not.toContain(LONG_SEEN);
  });

  it('has no line longer than the width it is given, whatever the width (seed 24)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 260 }), (width) => {
        for (const l of renderProbeTable(obs, verdicts, { width }).split('\n')) expect(l.length).toBeLessThanOrEqual(width);
      }),
      { seed: 24 },
    );
  });

  it('keeps every word of an unmet expectation, wrapped to the width', () => {
    const text = renderProbeTable(obs, verdicts, { width: 60 });
    const unmet = text.slice(text.indexOf('unmet expectations:'));
    expect(unmet.split('\n').slice(1).join(' ').replace(/\s+/g, ' ').trim()).toBe(`ext-to-a2-directly: expected delivered, got dropped (${LONG_SEEN})`.replace(/\s+/g, ' '));
  });

  it('prints every cell whole when wide, on one line per probe', () => {
    const text = renderProbeTable(obs, verdicts, { wide: true, width: 40 });
    expect(text).toContain(LONG_SEEN);
    expect(text).toContain('a-probe-with-a-rather-long-name-for-a-table');
    expect(text).not.toContain('…');
    expect(text.split('\n').find((l) => l.startsWith('NOT MET'))).toMatch(/NOT MET\s+3\.6s\s+ext-to-a2-directly\s+tcp\s+dropped\s+dropped in dockerhost/);
  });

  it('colours the verdicts only when asked, and keeps the columns aligned', () => {
    expect(renderProbeTable(obs, verdicts)).not.toMatch(SGR);
    const coloured = renderProbeTable(obs, verdicts, { color: true });
    expect(coloured).toContain('\x1b[32mmet\x1b[0m');
    expect(coloured).toContain('\x1b[1;31mNOT MET\x1b[0m');
    expect(coloured.replace(new RegExp(SGR.source, 'g'), '')).toBe(renderProbeTable(obs, verdicts));
  });
});

describe('tableStyle', () => {
  it('colours only on a terminal with NO_COLOR unset or empty (no-color.org)', () => {
    expect(tableStyle({ isTTY: true, columns: 80 }, {}, false).color).toBe(true);
    expect(tableStyle({ isTTY: true, columns: 80 }, { NO_COLOR: '' }, false).color).toBe(true);
    expect(tableStyle({ isTTY: true, columns: 80 }, { NO_COLOR: '1' }, false).color).toBe(false);
    expect(tableStyle({ isTTY: false }, {}, false).color).toBe(false);
    expect(tableStyle({}, {}, false).color).toBe(false);
  });

  it("takes the terminal's width on a terminal, else COLUMNS, else the default", () => {
    expect(tableStyle({ isTTY: true, columns: 132 }, { COLUMNS: '72' }, false).width).toBe(132);
    expect(tableStyle({ isTTY: false }, { COLUMNS: '72' }, false).width).toBe(72);
    expect(tableStyle({ isTTY: false }, { COLUMNS: 'wide' }, false).width).toBe(DEFAULT_TABLE_WIDTH);
    expect(tableStyle({ isTTY: false }, {}, true)).toEqual({ width: DEFAULT_TABLE_WIDTH, wide: true, color: false });
  });
});

describe('renderTrace', () => {
  it('says where a cut trace left steps out, and how many of each kind there were', () => {
    const step = (i: number) => ({ timeNs: i * 1e9, ns: 'a', dev: 'eth0', step: 'tx', detail: `#${i}` });
    const p = probe('big', '1000/1000 replies', { trace: [step(0), step(1), step(8), step(9)], traceSummary: { steps: 10, kept: 4, cutAfter: 2, byStep: { tx: 10 } } });
    expect(renderTrace(p).split('\n')).toEqual([
      'trace of big (4 of 10 steps kept):',
      '         0s  a:eth0  tx: #0',
      '         1s  a:eth0  tx: #1',
      '  ... 6 steps not kept (all steps by kind: tx 10) ...',
      '         8s  a:eth0  tx: #8',
      '         9s  a:eth0  tx: #9',
      '',
    ]);
  });
});
