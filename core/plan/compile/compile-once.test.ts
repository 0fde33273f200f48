/**
 * Validation and the command both need a scenario's plan and each host's firewall; on
 * thousands of containers building them twice was a third of `twinnet plan`. Each is
 * built once per model (identity shows it; timing is for `npm run bench`).
 */
import { describe, expect, it } from 'vitest';
import { LAB, model } from '../../../test/helpers/scenario.js';
import { hostFirewall } from './firewall.js';
import { compilePlan } from './index.js';

describe('compiled once per model', () => {
  const m = model(`${LAB}containers:\n  web1: {}\n  web2: { ports: ["8080:80"] }\n`);
  it('gives the same plan object for the same model, and a new one for another model', () => {
    expect(compilePlan(m)).toBe(compilePlan(m));
    const other = model(`${LAB}containers:\n  web1: {}\n  web2: { ports: ["8080:80"] }\n`);
    expect(compilePlan(other)).not.toBe(compilePlan(m));
    expect(compilePlan(other)).toEqual(compilePlan(m));
  });
  it('builds a host firewall once for the same host, networks and containers', () => {
    const h = m.hosts[0];
    if (h === undefined) throw new Error('no host');
    expect(hostFirewall(h, m.networks, m.containers)).toBe(hostFirewall(h, m.networks, m.containers));
    expect(hostFirewall(h, m.networks, [])).not.toBe(hostFirewall(h, m.networks, m.containers));
  });
});
