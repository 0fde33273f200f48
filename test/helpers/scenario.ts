/** Test helpers: load scenario text and look at what came out. */
import { formatDiagnostic } from '../../core/scenario/diagnostics.js';
import { loadPlan, type LoadResult } from '../../core/plan/load-plan.js';
import type { ScenarioModel } from '../../core/scenario/model.js';
import { compilePlan } from '../../core/plan/compile/index.js';
import type { Plan } from '../../core/plan/types.js';

/** A Docker host and an external host on one segment, the lab of docker-semantics.md 3. */
export const LAB = `
version: 1
hosts:
  dockerhost:
    kind: docker
    interfaces:
      eth0: { segment: lan, address: 203.0.113.2/24 }
    routes:
      - { to: default, via: 203.0.113.1 }
  ext:
    interfaces:
      eth0: { segment: lan, address: 203.0.113.1/24 }
segments:
  lan: { subnet: 203.0.113.0/24 }
`;

/**
 * The overlay lab of docker-semantics.md 6h: two Docker hosts beside `ext`; host1 first got
 * the five user networks of scenarios b, f and g, then ov2 and ov1 were created.
 */
export const OVERLAY_LAB = `
version: 1
hosts:
  host1:
    kind: docker
    interfaces:
      eth0: { segment: lan, address: 203.0.113.2/24 }
    routes:
      - { to: default, via: 203.0.113.1 }
  host2:
    kind: docker
    interfaces:
      eth0: { segment: lan, address: 203.0.113.3/24 }
    routes:
      - { to: default, via: 203.0.113.1 }
  ext:
    interfaces:
      eth0: { segment: lan, address: 203.0.113.1/24 }
segments:
  lan: { subnet: 203.0.113.0/24 }
networks:
  netA: { host: host1 }
  netB: { host: host1 }
  netI: { host: host1, internal: true }
  netNoICC: { host: host1, icc: false }
  netMTU: { host: host1, mtu: 1400 }
  ov2: { driver: overlay, hosts: [host1], subnet: 10.99.0.0/24, vni: 4242 }
  ov1: { driver: overlay }
containers:
  o1: { host: host1, networks: [ov1] }
  o2: { host: host1, networks: [ov1] }
  o3: { host: host2, networks: [ov1] }
`;

export function load(text: string, file = 'test.yaml'): LoadResult {
  return loadPlan(text, file);
}

/** Every diagnostic as the CLI prints it. */
export function lines(text: string): string[] {
  return load(text).diagnostics.map(formatDiagnostic);
}

/** The model of a scenario that must be valid; fails the test with the errors otherwise. */
export function model(text: string): ScenarioModel {
  const r = load(text);
  if (r.model === undefined)
    throw new Error(`expected a valid scenario:\n${r.diagnostics.map(formatDiagnostic).join('\n')}`);
  return r.model;
}

export function plan(text: string): Plan {
  return compilePlan(model(text));
}

/**
 * Two hosts on a 1280-byte segment whose 1500-byte interfaces black-hole larger frames, and a path
 * MTU probe at 1 s; `more` adds timeline entries.
 */
export const pmtuLab = (more = ''): string => `
version: 1
hosts:
  a:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.1/24, mtu: 1500 }
  b:
    interfaces:
      eth0: { segment: lan, address: 10.0.0.2/24, mtu: 1500 }
segments:
  lan: { subnet: 10.0.0.0/24, mtu: 1280 }
timeline:
  - { at: 1s, name: p, pmtu: { from: a, to: b } }
${more}
`;
