import { describe, expect, it } from 'vitest';
import type { PortModel } from '../../../scenario/model.js';
import { sortPortMap } from './sort-port-map.js';

/** `HOSTPORT:CONTAINERPORT[/udp]`, or `:CONTAINERPORT` for an ephemeral port (given host port 32768). */
function port(spec: string): PortModel {
  const [h, c] = spec.split(':') as [string, string];
  const [cp, proto] = c.split('/');
  return {
    hostPort: h === '' ? 32768 : Number(h),
    containerPort: Number(cp),
    proto: proto === 'udp' ? 'udp' : 'tcp',
    ephemeral: h === '',
    path: [],
  };
}

const order = (specs: string[]) =>
  sortPortMap(specs.map(port)).map(
    (p) => `${p.ephemeral ? '' : p.hostPort}:${p.containerPort}${p.proto === 'udp' ? '/udp' : ''}`,
  );

describe('20.10 port binding order (go-connections nat.SortPortMap)', () => {
  it("binds the oracle's mappings 9999, 8082, 8080, whichever port Go's map yields first", () => {
    expect(order(['8080:80', '8082:80', '9999:9999/udp'])).toEqual(['9999:9999/udp', '8082:80', '8080:80']);
    expect(order(['9999:9999/udp', '8080:80', '8082:80'])).toEqual(['9999:9999/udp', '8082:80', '8080:80']);
  });
  it('keeps the bindings of one container port together, in sorted order', () => {
    expect(order(['8080:80', '7070:70', '8082:80'])).toEqual(['8082:80', '8080:80', '7070:70']);
  });
  it('resolves a contradictory pair (higher host port, lower container port) as an insertion sort from file order does', () => {
    // Less says 9090:80 < 8080:90 (higher host port) and 8080:90 < 9090:80 (higher container port).
    expect(order(['9090:80', '8080:90'])).toEqual(['8080:90', '9090:80']);
    expect(order(['8080:90', '9090:80'])).toEqual(['9090:80', '8080:90']);
  });
  it('counts an ephemeral host port as 0', () => {
    expect(order([':70', '8080:80'])).toEqual(['8080:80', ':70']);
  });
  it('puts tcp before udp on the same container port', () => {
    expect(order(['53:53/udp', '53:53'])).toEqual(['53:53', '53:53/udp']);
  });
});
