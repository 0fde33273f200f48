/**
 * Hostile and odd input to the parse step (issue 10, found by fuzzing): duplicate keys at
 * their own line, deep nesting, several documents, binary bytes, features not modelled
 * yet, and a property over arbitrary bytes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LAB, lines } from '../../test/helpers/scenario.js';
import { formatDiagnostic } from './diagnostics.js';
import { loadPlanBytes } from '../plan/load-plan.js';
import { MAX_SYNTAX_ERRORS } from './parse.js';
import { MAX_NESTING } from './yaml-structure.js';

describe('duplicate keys', () => {
  it("are reported at the duplicate, with its field path and the first one's line", () => {
    expect(lines('version: 1\nhosts:\n  a: {}\n  b:\n    kind: linux\n    kind: docker\n')).toEqual([
      'test.yaml:6:5: error: hosts.b.kind: duplicate key "kind"; it is already given at line 5',
    ]);
    expect(lines('version: 1\nversion: 1\n')).toEqual([
      'test.yaml:2:1: error: version: duplicate key "version"; it is already given at line 1',
    ]);
  });
  it('are found in flow maps and lists of maps too, and 1 and "1" are the same key', () => {
    expect(lines('version: 1\nlinks:\n  - { endpoints: ["a:e0", "b:e0"], mtu: 1400, mtu: 1500 }\n')).toEqual([
      'test.yaml:3:47: error: links[0].mtu: duplicate key "mtu"; it is already given at line 3',
    ]);
    expect(lines('version: 1\nsegments: { 1: {}, "1": {} }\n')[0]).toContain('segments["1"]: duplicate key "1"');
  });
  it("take linear time: 50,000 keys in a few seconds of CPU (the yaml package's own check is quadratic: minutes)", () => {
    const text = `version: 1\ncontainers:\n${Array.from({ length: 50_000 }, (_, i) => `  c${i}: {}\n`).join('')}  c5: {}\n`;
    // CPU time of this process, not wall time: the machine running the tests may be busy.
    const before = process.cpuUsage();
    const out = lines(text);
    const cpu = process.cpuUsage(before);
    expect((cpu.user + cpu.system) / 1e6).toBeLessThan(5);
    expect(out[0]).toBe('test.yaml:50003:3: error: containers.c5: duplicate key "c5"; it is already given at line 8');
  }, 120_000);
});

describe('deep nesting, several documents, binary input', () => {
  it('says "nested too deeply" with the limit, at the place, not "Maximum call stack size exceeded"', () => {
    for (const depth of [MAX_NESTING + 5, 5000]) {
      const out = lines(`version: 1\nx: ${'['.repeat(depth)}${']'.repeat(depth)}\n`);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(
        new RegExp(`^test.yaml:2:\\d+: error: .*nested too deeply; a scenario has at most ${MAX_NESTING} levels`),
      );
    }
    expect(lines(`version: 1\nx: ${'['.repeat(MAX_NESTING - 2)}${']'.repeat(MAX_NESTING - 2)}\n`)[0]).toContain(
      'unknown field "x"',
    );
  });
  it("asks for one scenario per file instead of quoting the yaml package's API", () => {
    expect(lines('version: 1\n---\nversion: 1\n')).toEqual([
      'test.yaml:2:1: error: (top level): one scenario per file: a second YAML document starts here (after ---); put it in a file of its own',
    ]);
  });
  it('gives one short error for NUL bytes and for bytes that are not UTF-8', () => {
    const nul = lines(`version: 1\nhosts:\n  a: {}\x00${'\x01\x02garbage: ['.repeat(500)}`);
    expect(nul).toEqual([
      'test.yaml:3:8: error: (top level): not a text file: byte 0x00 is not allowed in YAML; expected a scenario in YAML or JSON',
    ]);
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('version: 1\nhosts:\n  a'),
      0xff,
      0xfe,
      0x80,
      ...new Array(3000).fill(0x5b),
    ]);
    expect(loadPlanBytes(bytes, 'bin.yaml').diagnostics.map(formatDiagnostic)).toEqual([
      'bin.yaml:3:4: error: (top level): not a text file: it is not valid UTF-8; expected a scenario in YAML or JSON',
    ]);
  });
  it('lists at most MAX_SYNTAX_ERRORS YAML errors and counts the rest', () => {
    const out = lines(`[${'] ['.repeat(200)}`);
    expect(out).toHaveLength(MAX_SYNTAX_ERRORS + 1);
    expect(out[MAX_SYNTAX_ERRORS]).toMatch(/YAML: \d+ more syntax errors not shown$/);
  });
});

describe('features not modelled yet', () => {
  it('say so and point to the documentation, instead of "unknown field" or "expected IPv4"', () => {
    const out = lines(
      `${LAB}networks:\n  n: { driver: macvlan, subnet: "2001:db8::/64", enable_ipv6: true }\ncontainers:\n  c: { ports: ["8000-8010:80"], networks: [n] }\n`,
    );
    expect(out).toEqual([
      'test.yaml:16:16: error: networks.n.driver: not modelled yet: the macvlan driver (network drivers other than bridge and overlay); see docs/scenario-format.md#not-yet-modelled (got "macvlan")',
      'test.yaml:16:33: error: networks.n.subnet: not modelled yet: IPv6 addresses; see docs/scenario-format.md#not-yet-modelled (got "2001:db8::/64")',
      'test.yaml:16:50: error: networks.n.enable_ipv6: not modelled yet: IPv6; see docs/scenario-format.md#not-yet-modelled (field "enable_ipv6")',
      'test.yaml:18:16: error: containers.c.ports[0]: not modelled yet: port ranges in ports; see docs/scenario-format.md#not-yet-modelled (got "8000-8010:80")',
    ]);
  });
  it('leave a plain typo alone', () => {
    expect(lines(`${LAB}networks:\n  n: { driver: brige }\n`)[0]).toContain(
      'networks.n.driver: expected one of: "bridge", "overlay" (got "brige")',
    );
  });
});

describe('any bytes', () => {
  it('give a scenario or located errors, never a throw (seed 10)', () => {
    const yamlish = fc.constantFrom(
      ...'version: 1\nhosts:{}[]-&*!|>"\'#%@`,?\t\r\u0000\u00ff'.split('').map((c) => new TextEncoder().encode(c)),
    );
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.array(yamlish, { maxLength: 200 }).map((a) => new Uint8Array(a.flatMap((x) => [...x]))),
    );
    fc.assert(
      fc.property(bytes, (b) => {
        const r = loadPlanBytes(b, 'fuzz.yaml');
        if (r.model !== undefined) return;
        expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        for (const d of r.diagnostics) {
          expect(d.file).toBe('fuzz.yaml');
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.col).toBeGreaterThanOrEqual(1);
        }
      }),
      { seed: 10, numRuns: 500 },
    );
  });
});
