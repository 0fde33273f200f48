/**
 * The userspace link's splices, without a kernel: every relay device lives in one
 * namespace, so their names must never repeat, even when two cables' hashes meet.
 */
import { describe, expect, it } from 'vitest';
import { hexDigest } from '../core/hash.js';
import { plan } from '../test/helpers/scenario.js';
import type { AgentClient } from './agent-client.js';
import { Impairments, RELAY_NS } from './impair.js';
import type { RunNames } from './names.js';

/** Two host names whose `NAME/eth0` hash to the same 7 hex digits (found by search, deterministic). */
function collidingHosts(): [string, string] {
  const seen = new Map<string, string>();
  for (let i = 0; ; i++) {
    const host = `h${i}`;
    const h = hexDigest(`${host}/eth0`, 7);
    const other = seen.get(h);
    if (other !== undefined) return [other, host];
    seen.set(h, host);
  }
}

const twoLinks = (a: string, c: string) => `
version: 1
hosts:
  ${a}: { interfaces: { eth0: { address: 10.0.0.1/24 } } }
  peer1: { interfaces: { eth0: { address: 10.0.0.2/24 } } }
  ${c}: { interfaces: { eth0: { address: 10.0.1.1/24 } } }
  peer2: { interfaces: { eth0: { address: 10.0.1.2/24 } } }
links:
  - { name: l1, endpoints: [${a}:eth0, peer1:eth0], delay: 5ms }
  - { name: l2, endpoints: [${c}:eth0, peer2:eth0], delay: 5ms }
`;

describe("the userspace link's relay devices", () => {
  it("get distinct names when two cables' ends hash alike", async () => {
    const [a, c] = collidingHosts();
    expect(hexDigest(`${a}/eth0`, 7)).toBe(hexDigest(`${c}/eth0`, 7));
    const spliced = await new Impairments(plan(twoLinks(a, c)), {} as RunNames, {} as AgentClient, false, 1).prepare();
    const relay = spliced.namespaces.find((n) => n.id === RELAY_NS);
    const names = relay?.interfaces.map((i) => i.name) ?? [];
    expect(names.length).toBe(9);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((n) => n.length <= 15)).toBe(true);
  });
});
