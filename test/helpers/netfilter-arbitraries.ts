/**
 * fast-check arbitraries for the netfilter model: any rule the model can represent,
 * valid for iptables (protocol options only with their protocol, NAT ports only with
 * tcp or udp), used by the round-trip property tests and by the test that loads rules
 * into a real kernel and reads them back.
 */
import fc from 'fast-check';
import { networkOf } from '../../core/addr.js';
import { quantizeProbability } from '../../core/netfilter/parse-match.js';
import {
  ADDR_TYPES,
  CT_STATES,
  REJECT_TYPES,
  type AddrType,
  type CtState,
  type Match,
  type Neg,
  type PortRange,
  type ProtoName,
  type RejectType,
  type Rule,
  type Target,
} from '../../core/netfilter/types.js';

const neg = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<Neg<T>> => fc.record({ value: a, negated: fc.boolean() });
const cidr = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 1, max: 32 }))
  .map(([a, len]) => ({ addr: networkOf(a >>> 0, len), len }));
const ifname = fc
  .tuple(
    fc.constantFrom('eth', 'veth', 'br-', 'docker', 'lo'),
    fc.oneof(fc.constant(''), fc.nat(99).map(String)),
    fc.boolean(),
  )
  .map(([a, b, plus]) => `${a}${b}${plus ? '+' : ''}`);
const port = fc.integer({ min: 1, max: 65535 });
const range: fc.Arbitrary<PortRange> = fc
  .tuple(port, port)
  .map(([a, b]) => ({ lo: Math.min(a, b), hi: Math.max(a, b) }));
/** Sets come in the model's canonical order (the parser orders them so). */
const states = fc
  .uniqueArray(fc.constantFrom<CtState>(...CT_STATES.filter((s) => s !== 'SNAT' && s !== 'DNAT')), {
    minLength: 1,
    maxLength: 3,
  })
  .map((xs) => CT_STATES.filter((s) => xs.includes(s)));
const addrTypes = fc
  .uniqueArray(fc.constantFrom<AddrType>('UNICAST', 'LOCAL', 'BROADCAST', 'MULTICAST'), { minLength: 1, maxLength: 2 })
  .map((xs) => ADDR_TYPES.filter((s) => xs.includes(s)));
const word = fc.stringMatching(/^[A-Za-z0-9_ :.-]{1,20}$/);

function protoMatch(proto: ProtoName | undefined): fc.Arbitrary<Match[]> {
  if (proto === 'tcp' || proto === 'udp') {
    const l4 = fc
      .record({ sport: fc.option(neg(range), { nil: undefined }), dport: fc.option(neg(range), { nil: undefined }) })
      .map((m) => ({ kind: proto, ...(m.sport && { sport: m.sport }), ...(m.dport && { dport: m.dport }) }) as Match);
    const multi = fc
      .record({
        dir: fc.constantFrom('sports' as const, 'dports' as const, 'ports' as const),
        ports: neg(fc.array(range, { minLength: 1, maxLength: 4 })),
      })
      .map((m) => ({ kind: 'multiport', ...m }) as Match);
    return fc
      .tuple(fc.option(l4, { nil: undefined }), fc.option(multi, { nil: undefined }))
      .map(([a, b]) => [a, b].filter((x): x is Match => x !== undefined));
  }
  if (proto === 'icmp') {
    return fc
      .option(
        neg(
          fc.record({
            type: fc.integer({ min: 0, max: 40 }),
            code: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }),
          }),
        ),
        { nil: undefined },
      )
      .map((t) =>
        t === undefined
          ? []
          : [
              {
                kind: 'icmp',
                icmpType: { negated: t.negated, value: t.value.code === undefined ? { type: t.value.type } : t.value },
              } as Match,
            ],
      );
  }
  return fc.constant([]);
}

const otherMatch: fc.Arbitrary<Match> = fc.oneof(
  neg(states).map((s) => ({ kind: 'conntrack', ctstate: s }) as Match),
  neg(states).map((s) => ({ kind: 'state', state: s }) as Match),
  fc
    .record({ src: fc.option(neg(addrTypes), { nil: undefined }), dst: fc.option(neg(addrTypes), { nil: undefined }) })
    .filter((x) => x.src !== undefined || x.dst !== undefined)
    .map((x) => ({ kind: 'addrtype', ...(x.src && { srcType: x.src }), ...(x.dst && { dstType: x.dst }) }) as Match),
  fc.record({ negated: fc.boolean(), p: fc.integer({ min: 0, max: 1000 }) }).map(
    (x) =>
      ({
        kind: 'statistic',
        negated: x.negated,
        mode: 'random',
        probability: quantizeProbability(x.p / 1000),
      }) as Match,
  ),
  fc
    .record({ negated: fc.boolean(), every: fc.integer({ min: 1, max: 9 }), packet: fc.integer({ min: 0, max: 8 }) })
    .filter((x) => x.packet < x.every)
    .map((x) => ({ kind: 'statistic', mode: 'nth', ...x }) as Match),
  word.map((c) => ({ kind: 'comment', comment: c }) as Match),
);

/** A filter-table target (the table rules of the round trip are loaded into). */
function filterTarget(proto: ProtoName | undefined): fc.Arbitrary<Target | undefined> {
  const rejects = (Object.keys(REJECT_TYPES) as RejectType[]).filter((r) => r !== 'tcp-reset' || proto === 'tcp');
  return fc.oneof(
    fc.constant(undefined),
    fc.constantFrom<Target>(
      { kind: 'ACCEPT' },
      { kind: 'DROP' },
      { kind: 'RETURN' },
      { kind: 'jump', chain: 'USERCHAIN', goto: false },
      { kind: 'jump', chain: 'USERCHAIN', goto: true },
    ),
    fc.constantFrom(...rejects).map((w) => ({ kind: 'REJECT', with: w }) as Target),
    fc
      .record({
        prefix: fc.option(
          word.filter((w) => w.length <= 29),
          { nil: undefined },
        ),
        level: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
      })
      .map(
        (x) =>
          ({
            kind: 'LOG',
            ...(x.prefix !== undefined && { prefix: x.prefix }),
            ...(x.level !== undefined && x.level !== 4 && { level: x.level }),
          }) as Target,
      ),
  );
}

/** A rule valid in the filter table's FORWARD chain (so -i and -o are both allowed). */
export const forwardRuleArb: fc.Arbitrary<Rule> = fc
  .option(fc.constantFrom<ProtoName>('tcp', 'udp', 'icmp'), { nil: undefined })
  .chain((proto) =>
    fc.record({
      src: fc.option(neg(cidr), { nil: undefined }),
      dst: fc.option(neg(cidr), { nil: undefined }),
      inIface: fc.option(neg(ifname), { nil: undefined }),
      outIface: fc.option(neg(ifname), { nil: undefined }),
      proto: fc.constant(proto === undefined ? undefined : { value: proto, negated: false }),
      fragment: fc.option(neg(fc.constant(true as const)), { nil: undefined }),
      pm: protoMatch(proto),
      om: fc.array(otherMatch, { maxLength: 2 }),
      target: filterTarget(proto),
    }),
  )
  .map((r) => {
    const out: { -readonly [K in keyof Rule]?: Rule[K] } = { matches: [...r.pm, ...r.om] };
    for (const k of ['src', 'dst', 'inIface', 'outIface', 'proto', 'fragment', 'target'] as const)
      if (r[k] !== undefined) (out as Record<string, unknown>)[k] = r[k];
    return out as Rule;
  });
