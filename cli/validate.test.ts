/**
 * The summary line of `twinnet validate`: the networks a file declares are told apart
 * from those Docker makes itself (docker0 on every Docker host, docker_gwbridge on
 * swarm nodes with overlay containers), which a bare total counted as the file's.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlan } from '../core/plan/load-plan.js';
import { loadPlanFile } from './scenario-input.js';
import { networkCount } from './validate.js';

const scenario = (f: string) => {
  const m = loadPlanFile(join(import.meta.dirname, '../scenarios', f)).model;
  if (m === undefined) throw new Error(`${f} is invalid`);
  return m;
};

describe('networkCount', () => {
  it('says which networks the file declares and which Docker makes, and where', () => {
    expect(networkCount(scenario('13-overlay-two-hosts.yaml'))).toBe(
      '1 network declared + 4 that Docker makes (docker0 on host1 and host2; docker_gwbridge on host1 and host2)',
    );
    expect(networkCount(scenario('01-default-bridge.yaml'))).toBe(
      '0 networks declared + 1 that Docker makes (docker0 on dockerhost)',
    );
    expect(networkCount(scenario('02-user-bridge.yaml'))).toBe(
      '1 network declared + 1 that Docker makes (docker0 on dockerhost)',
    );
  });
  it('is a plain count where there is no Docker host', () => {
    expect(networkCount(scenario('05-routed-underlay.yaml'))).toBe('0 networks');
  });
  it('counts no docker0 on a daemon without a default bridge', () => {
    const r = loadPlan(
      'version: 1\nhosts:\n  d1:\n    kind: docker\n    docker: { bridge: none }\n  d2:\n    kind: docker\nnetworks:\n  netA: { host: d1 }\n',
      'x.yaml',
    );
    expect(r.diagnostics).toEqual([]);
    expect(networkCount(r.model!)).toBe('1 network declared + 1 that Docker makes (docker0 on d2)');
  });
});
