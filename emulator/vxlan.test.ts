/**
 * VXLAN devices in the emulator's build: the order (an overlay namespace after the host
 * that makes its vxlan), the lines the host runs (create under a temporary name, move)
 * and the lines the overlay namespace runs (name it, then master and up), and batch
 * quoting.
 */
import { describe, expect, it } from 'vitest';
import { vethCreators, vxlanMoves } from '../core/plan/commands.js';
import type { NamespacePlan } from '../core/plan/types.js';
import { bridge, namespace, overlayLab, plan, vxlan } from '../test/helpers/plans.js';
import { batchText } from './batch.js';
import { buildWaves, namespaceLines } from './build.js';
import { RunNames } from './names.js';
import { movesByCreator, vxlanCreator } from './vxlan.js';

const SIDES = [
  { host: 'h1', underlay: '192.0.2.1', overlayNs: 'ov1', container: 'c1', ip: '10.0.1.2', mac: '02:42:0a:00:01:02' },
  { host: 'h2', underlay: '192.0.2.2', overlayNs: 'ov2', container: 'c2', ip: '10.0.1.3', mac: '02:42:0a:00:01:03' },
] as const;

const p = overlayLab('overlay-lines', 'static', 4242, SIDES);
const names = new RunNames('ab12');
const byId = (id: string) => p.namespaces.find((n) => n.id === id) as NamespacePlan;

describe('building overlays', () => {
  it('configures an overlay namespace after the host that makes its vxlan', () => {
    const waves = buildWaves(p).map((w) => w.map((n) => n.id));
    expect(waves).toEqual([
      ['h1', 'h2'],
      ['seg-underlay', 'ov1', 'ov2'],
      ['c1', 'c2'],
    ]);
  });

  it('makes the vxlan in the host under a temporary name, first, and moves it into the overlay namespace', () => {
    const lines = namespaceLines(byId('h1'), vethCreators(p), names, vxlanMoves(p).get('h1'));
    // In the step list's order (core/plan/steps.ts): after the host's own devices, before any setting.
    const at = lines.findIndex((l) => l[1] === 'add' && l.includes('vxlan'));
    const tmp = lines[at]?.[2];
    expect(lines.slice(0, at).every((l) => l[1] === 'add')).toBe(true);
    expect(tmp).not.toBe('vxlan0');
    expect(lines[at]).toEqual(
      expect.arrayContaining([
        'type',
        'vxlan',
        'id',
        '4242',
        'dstport',
        '4789',
        'proxy',
        'l2miss',
        'l3miss',
        'udpcsum',
      ]),
    );
    expect(lines[at + 1]).toContainEqual({ ns: 'ov1' });
    expect(batchText(names, [lines[at + 1] as string[]])).toContain('netns tnab12-ov1');
    expect(lines.slice(at + 2).some((l) => l.includes(tmp as string))).toBe(false);
  });

  it('names the vxlan in its own namespace before it sets its bridge and brings it up', () => {
    const lines = namespaceLines(byId('ov1'), vethCreators(p), names);
    const at = (pred: (l: readonly unknown[]) => boolean) => lines.findIndex(pred);
    const named = at((l) => l.includes('name') && l.includes('vxlan0'));
    expect(named).toBeGreaterThanOrEqual(0);
    expect(at((l) => l.includes('vxlan0') && l.includes('master'))).toBeGreaterThan(named);
    expect(at((l) => l.includes('vxlan0') && l[l.length - 1] === 'up')).toBeGreaterThan(named);
    expect(lines).toContainEqual([
      'neigh',
      'replace',
      '10.0.1.3',
      'lladdr',
      '02:42:0a:00:01:03',
      'dev',
      'vxlan0',
      'nud',
      'permanent',
    ]);
  });

  it('gives two overlays on one host different temporary names, and a vxlan in its own underlay no maker', () => {
    const two = plan('two', [
      namespace('h1', 'docker-host', [vxlan('vx9', 4244, 'h1')]),
      namespace('ovA', 'overlay', [bridge('br0', '02:00:00:00:0a:01', []), vxlan('vxlan0', 4242, 'h1')]),
      namespace('ovB', 'overlay', [bridge('br0', '02:00:00:00:0b:01', []), vxlan('vxlan0', 4243, 'h1')]),
    ]);
    const h1 = namespaceLines(two.namespaces[0] as NamespacePlan, vethCreators(two), names, vxlanMoves(two).get('h1'));
    const made = h1.filter((l) => l[1] === 'add').map((l) => l[2]);
    expect(made).toHaveLength(3);
    expect(new Set(made).size).toBe(3);
    expect(made).toContain('vx9');
    expect(vxlanCreator('h1', vxlan('vx9', 4244, 'h1'))).toBeUndefined();
    expect([
      ...movesByCreator(two.namespaces.flatMap((n) => n.interfaces.map((iface) => ({ ns: n.id, iface })))).keys(),
    ]).toEqual(['h1']);
    expect(buildWaves(two).map((w) => w.map((n) => n.id))).toEqual([['h1'], ['ovA', 'ovB']]);
  });

  it("quotes batch arguments with blanks, so that the run's alias stays one argument", () => {
    expect(batchText(names, [['link', 'set', 'dev', 'eth0', 'alias', 'twinnet run ab12']])).toBe(
      'link set dev eth0 alias "twinnet run ab12"\n',
    );
  });
});
