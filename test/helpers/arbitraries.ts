/**
 * fast-check arbitraries for scenario files: small valid Docker scenarios (one or two
 * Docker hosts on a lab segment, user bridges, containers in every network mode,
 * published ports, services and probes) and random mutations of any JSON value.
 */
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Shape {
  hosts: number;
  networks: { host: number; internal: boolean }[];
  containers: {
    host: number;
    mode: 'bridge' | 'host' | 'none' | 'container';
    nets: number[];
    ports: number[];
    listen: number[];
  }[];
  probes: { from: number; to: number; kind: 'ping' | 'tcp' | 'udp' }[];
}

const shapeArb: fc.Arbitrary<Shape> = fc.integer({ min: 1, max: 2 }).chain((hosts) =>
  fc.record({
    hosts: fc.constant(hosts),
    networks: fc.array(fc.record({ host: fc.nat({ max: hosts - 1 }), internal: fc.boolean() }), { maxLength: 3 }),
    containers: fc.array(
      fc.record({
        host: fc.nat({ max: hosts - 1 }),
        mode: fc.constantFrom('bridge', 'bridge', 'bridge', 'host', 'none', 'container'),
        nets: fc.uniqueArray(fc.integer({ min: -1, max: 2 }), { minLength: 1, maxLength: 3 }),
        ports: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
        listen: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }),
      }),
      { minLength: 1, maxLength: 5 },
    ),
    probes: fc.array(fc.record({ from: fc.nat(6), to: fc.nat(6), kind: fc.constantFrom('ping', 'tcp', 'udp') }), {
      maxLength: 4,
    }),
  }),
);

const PORTS = [80, 443, 53, 8080];

/** A valid scenario as a plain object (ready for YAML). */
export const validScenarioArb: fc.Arbitrary<Record<string, Json>> = shapeArb.map(build);

function build(s: Shape): Record<string, Json> {
  const hostName = (i: number) => `docker${i + 1}`;
  const hosts: Record<string, Json> = {
    ext: { interfaces: { eth0: { segment: 'lan', address: '203.0.113.1/24' } }, listen: ['tcp/8000'] },
  };
  for (let i = 0; i < s.hosts; i++) {
    hosts[hostName(i)] = {
      kind: 'docker',
      interfaces: { eth0: { segment: 'lan', address: `203.0.113.${i + 2}/24` } },
      routes: [{ to: 'default', via: '203.0.113.1' }],
    };
  }
  const networks: Record<string, Json> = {};
  s.networks.forEach((n, i) => (networks[`net${i}`] = { host: hostName(n.host), internal: n.internal }));
  const containers: Record<string, Json> = {};
  const names: string[] = [];
  s.containers.forEach((c, i) => {
    const name = `c${i}`;
    const host = hostName(c.host);
    const body: Record<string, Json> = { host };
    const earlier = names.filter(
      (n) =>
        (containers[n] as Record<string, Json>).host === host &&
        (containers[n] as Record<string, Json>)['network-mode'] === undefined,
    );
    if (c.mode === 'container' && earlier.length > 0) body['network-mode'] = `container:${earlier[0]}`;
    else if (c.mode === 'host' || c.mode === 'none') body['network-mode'] = c.mode;
    else {
      const nets = c.nets
        .map((k) => (k < 0 ? 'bridge' : `net${k}`))
        .filter((n) => n === 'bridge' || (networks[n] as { host?: string } | undefined)?.host === host);
      body.networks = nets.length === 0 ? ['bridge'] : nets;
      body.ports = c.ports.map((p) => `${10000 + i * 10 + p}:${PORTS[p]}`);
    }
    // A container sharing another's namespace must not listen where its host container does.
    if (body['network-mode'] === undefined || body['network-mode'] === 'none')
      body.listen = c.listen.map((p) => `tcp/${PORTS[p]}`);
    else if (c.mode === 'container') body.listen = [`tcp/${9000 + i}`];
    containers[name] = body;
    names.push(name);
  });
  const endpoints = ['ext', ...names];
  const timeline = s.probes.map((p, i) => {
    const from = endpoints[p.from % endpoints.length] as string;
    const to = endpoints[p.to % endpoints.length] as string;
    const usable = (n: string) => n === 'ext' || (containers[n] as Record<string, Json>)['network-mode'] !== 'none';
    const target = usable(to) ? to : 'ext';
    const body: Record<string, Json> =
      p.kind === 'ping' ? { from, to: target } : { from, to: target, port: PORTS[i % PORTS.length] as number };
    return { at: `${i + 1}s`, [p.kind]: body } as Json;
  });
  return { version: 1, hosts, segments: { lan: { subnet: '203.0.113.0/24' } }, networks, containers, timeline };
}

/** A random JSON value, for mutations. */
export const jsonValueArb: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 70000 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(
    '',
    'x',
    'bridge',
    'eth0',
    '10.0.0.1',
    '10.0.0.0/8',
    '1s',
    'tcp/80',
    '8080:80',
    'container:c0',
    'docker1',
    'lan',
    'net0',
    'c0',
    'ext',
  ),
  fc.string({ maxLength: 20 }),
  fc.constant<Json>([]),
  fc.constant<Json>({}),
  fc.array(fc.constantFrom('bridge', 'net0', 1, null), { maxLength: 3 }) as fc.Arbitrary<Json>,
);

/** One edit at a random path: delete a key, replace a value, add a key, or duplicate an array item. */
export interface Mutation {
  readonly pick: number;
  readonly op: 'delete' | 'replace' | 'add' | 'duplicate';
  readonly value: Json;
  readonly key: string;
}

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  op: fc.constantFrom('delete', 'replace', 'add', 'duplicate'),
  value: jsonValueArb,
  key: fc.constantFrom(
    'kind',
    'networks',
    'subnet',
    'host',
    'address',
    'segment',
    'ports',
    'to',
    'from',
    'at',
    'zzz',
    'ping',
    'mtu',
    'network-mode',
  ),
});

/** Applies a mutation in place to a deep copy and returns it. */
export function mutate(root: Json, m: Mutation): Json {
  const copy = structuredClone(root);
  const slots: { parent: Json[] | Record<string, Json>; key: string | number }[] = [];
  const walk = (v: Json) => {
    if (Array.isArray(v)) v.forEach((x, i) => (slots.push({ parent: v, key: i }), walk(x)));
    else if (v !== null && typeof v === 'object')
      Object.entries(v).forEach(([k, x]) => (slots.push({ parent: v, key: k }), walk(x)));
  };
  walk(copy);
  const slot = slots[m.pick % Math.max(slots.length, 1)];
  if (slot === undefined) return copy;
  const { parent, key } = slot;
  const target = (parent as Record<string | number, Json>)[key];
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else if (m.op === 'replace') (parent as Record<string | number, Json>)[key] = m.value;
  else if (m.op === 'add' && target !== null && typeof target === 'object' && !Array.isArray(target))
    target[m.key] = m.value;
  else if (m.op === 'duplicate' && Array.isArray(target) && target.length > 0)
    target.push(structuredClone(target[0] as Json));
  return copy;
}
