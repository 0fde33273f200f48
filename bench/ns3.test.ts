/** The ns-3 peer's build cache: a changed source, compiler, flag or ns-3 package builds it again. */
import { describe, expect, it } from 'vitest';
import { NS3_FLAGS, ns3BuildKey } from './ns3.mjs';

describe('the ns-3 peer build key', () => {
  const base = {
    source: 'int main() {}',
    compiler: 'g++ (Debian 12.2.0-14) 12.2.0',
    flags: NS3_FLAGS,
    ns3Version: '3.37-2',
  };

  it('is stable for the same inputs and changes with each of them', () => {
    const key = ns3BuildKey(base);
    expect(ns3BuildKey({ ...base })).toBe(key);
    expect(key).toMatch(/^[0-9a-f]{16}$/);
    for (const changed of [
      { source: 'int main() { return 0; }' },
      { compiler: 'g++ (Debian 13.2.0-1) 13.2.0' },
      { flags: ['-O3'] },
      { ns3Version: '3.40-1' },
    ]) {
      expect(ns3BuildKey({ ...base, ...changed })).not.toBe(key);
    }
  });
});
