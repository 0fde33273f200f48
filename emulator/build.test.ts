import { describe, expect, it } from 'vitest';
import { vethCreators } from '../core/plan/commands.js';
import { plan } from '../test/helpers/scenario.js';
import { LAB } from '../test/helpers/scenario.js';
import { buildWaves, namespaceLines } from './build.js';
import { markerOf, RunNames } from './names.js';

const p = plan(`${LAB}containers:\n  a1: {}\n  b1: {}\n`);

describe('building in waves', () => {
  it('configures a namespace only after the namespaces that create its devices', () => {
    const waves = buildWaves(p).map((w) => w.map((n) => n.id));
    expect(waves).toEqual([
      ['dockerhost', 'ext'],
      ['a1', 'b1', 'seg-lan'],
    ]);
  });
  it('creates each veth pair once, from its first end, with the peer in its real namespace', () => {
    const names = new RunNames('ab12');
    const lines = namespaceLines(p.namespaces[0] as (typeof p.namespaces)[number], vethCreators(p), names);
    const creates = lines.filter((l) => l[0] === 'link' && l[1] === 'add');
    expect(creates.map((l) => l[2])).toEqual(['eth0', 'docker0', creates[2]?.[2], creates[3]?.[2]]);
    expect(creates.filter((l) => l.includes('veth')).every((l) => typeof l[l.length - 1] === 'object')).toBe(true);
    expect(lines.filter((l) => l.includes('alias')).every((l) => l[l.length - 1] === 'twinnet run ab12')).toBe(true);
  });
});

describe('run names', () => {
  it('prefix every namespace with the run marker, and only theirs are owned', () => {
    const n = new RunNames('x9y8');
    expect(n.ns('seg-lan')).toBe('tnx9y8-seg-lan');
    expect(n.owns('tnx9y8-a')).toBe(true);
    expect(n.owns('tnx9y9-a')).toBe(false);
    expect(markerOf('tnx9y8-web')).toBe('x9y8');
    expect(markerOf('docker-web')).toBeUndefined();
    expect(() => new RunNames('TOOLONG')).toThrow();
  });
});
