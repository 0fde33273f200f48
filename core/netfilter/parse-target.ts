/**
 * The targets of the netfilter model: ACCEPT, DROP, RETURN, a user chain (-j or -g),
 * REJECT, DNAT, SNAT, MASQUERADE, REDIRECT and LOG, with their options
 * (iptables-extensions(8)). A known target outside the model is an error, not a jump to
 * a chain of that name.
 */
import { parseIpv4 } from '../addr.js';
import { REJECT_TYPES, type NatRange, type Neg, type ProtoName, type RejectType, type Target } from './types.js';
import { portRange } from './parse-match.js';
import { RuleSyntaxError, type Cursor } from './syntax.js';

const BASIC_TARGETS = new Set(['ACCEPT', 'DROP', 'RETURN']);
const KNOWN_TARGETS = ['ACCEPT', 'DROP', 'RETURN', 'REJECT', 'DNAT', 'SNAT', 'MASQUERADE', 'REDIRECT', 'LOG'];
/** Targets of iptables-extensions(8) outside the model; named so that they are not taken for user chains. */
const UNSUPPORTED_TARGETS = [
  'MARK',
  'CONNMARK',
  'NOTRACK',
  'CT',
  'TCPMSS',
  'NFQUEUE',
  'NFLOG',
  'TRACE',
  'CHECKSUM',
  'TPROXY',
  'NETMAP',
  'TEE',
  'SET',
  'AUDIT',
  'CLASSIFY',
  'DSCP',
  'TOS',
  'TTL',
  'ULOG',
  'QUEUE',
  'SECMARK',
  'CONNSECMARK',
  'IDLETIMER',
  'LED',
  'HMARK',
  'RATEEST',
  'SYNPROXY',
  'CLUSTERIP',
  'ECN',
];

/** Options each target takes: a value, or a flag without one (iptables-extensions(8)). */
const TARGET_OPTIONS: Readonly<Record<string, Readonly<Record<string, 'value' | 'flag'>>>> = {
  REJECT: { '--reject-with': 'value' },
  DNAT: { '--to-destination': 'value', '--to': 'value', '--random': 'flag', '--persistent': 'flag' },
  SNAT: { '--to-source': 'value', '--to': 'value', '--random': 'flag', '--persistent': 'flag' },
  MASQUERADE: { '--to-ports': 'value', '--random': 'flag' },
  REDIRECT: { '--to-ports': 'value' },
  LOG: { '--log-prefix': 'value', '--log-level': 'value' },
};

/** The options of a rule's target, gathered wherever they stand (getopt does not care about order). */
export type TargetOptions = Map<string, string | true>;

/**
 * Takes `a` as an option of target `name` when it is one; iptables parses all options
 * of a line with one getopt loop, so `-j REJECT --reject-with tcp-reset -p tcp` is valid.
 */
export function targetOption(name: string, a: string, p: Cursor, opts: TargetOptions): boolean {
  const kind = TARGET_OPTIONS[name]?.[a];
  if (kind === undefined) return false;
  if (opts.has(a)) throw new RuleSyntaxError(`${a} given twice`, a);
  opts.set(a, kind === 'flag' ? true : p.value(a));
  return true;
}

/** The target named by -j/-g, built once the whole line (and so the protocol) is known. */
export function buildTarget(
  name: string,
  goto: boolean,
  opts: TargetOptions,
  proto: Neg<ProtoName> | undefined,
): Target {
  if (goto) {
    if (KNOWN_TARGETS.includes(name)) throw new RuleSyntaxError('-g takes a user chain, not a target', name);
    return { kind: 'jump', chain: name, goto: true };
  }
  if (BASIC_TARGETS.has(name)) return { kind: name as 'ACCEPT' };
  const take = (o: string) => opts.get(o) as string | undefined;
  const portsOk = proto !== undefined && !proto.negated && proto.value !== 'icmp';
  switch (name) {
    case 'REJECT': {
      const w = take('--reject-with') ?? 'icmp-port-unreachable';
      const canonical = w === 'tcp-rst' ? 'tcp-reset' : w;
      if (!(canonical in REJECT_TYPES))
        throw new RuleSyntaxError(`expected --reject-with one of: ${Object.keys(REJECT_TYPES).join(', ')}`, w);
      if (canonical === 'tcp-reset' && proto?.value !== 'tcp')
        throw new RuleSyntaxError('--reject-with tcp-reset needs -p tcp', w);
      return { kind: 'REJECT', with: canonical as RejectType };
    }
    case 'DNAT':
    case 'SNAT': {
      const spec = take(name === 'DNAT' ? '--to-destination' : '--to-source') ?? take('--to');
      if (spec === undefined)
        throw new RuleSyntaxError(
          `${name} needs ${name === 'DNAT' ? '--to-destination' : '--to-source'} ADDRESS[:PORT]`,
          name,
        );
      const random = opts.has('--random');
      const persistent = opts.has('--persistent');
      return {
        kind: name,
        to: { ...natRange(spec, portsOk), ...(random && { random }), ...(persistent && { persistent }) },
      };
    }
    case 'MASQUERADE':
    case 'REDIRECT': {
      const ports = take('--to-ports');
      if (ports !== undefined && !portsOk)
        throw new RuleSyntaxError(`${name} --to-ports needs -p tcp or -p udp`, ports);
      const range = ports === undefined ? undefined : portRange(ports, '-');
      const random = opts.has('--random');
      return name === 'MASQUERADE'
        ? { kind: name, ...(range && { ports: range }), ...(random && { random }) }
        : { kind: name, ...(range && { ports: range }) };
    }
    case 'LOG': {
      const prefix = take('--log-prefix');
      const level = take('--log-level');
      if (prefix !== undefined && prefix.length > 29)
        throw new RuleSyntaxError('--log-prefix takes at most 29 characters', prefix);
      const lv = level === undefined ? undefined : logLevel(level);
      return { kind: 'LOG', ...(prefix !== undefined && { prefix }), ...(lv !== undefined && { level: lv }) };
    }
    default:
      if (UNSUPPORTED_TARGETS.includes(name)) {
        throw new RuleSyntaxError(
          `the netfilter model does not know target "${name}"; expected one of: ${KNOWN_TARGETS.join(', ')} or a user chain`,
          name,
        );
      }
      return { kind: 'jump', chain: name, goto: false };
  }
}

const LOG_LEVELS = ['emerg', 'alert', 'crit', 'error', 'warning', 'notice', 'info', 'debug'];

function logLevel(text: string): number {
  const i = LOG_LEVELS.indexOf(text === 'err' ? 'error' : text === 'warn' ? 'warning' : text);
  if (i >= 0) return i;
  if (/^[0-7]$/.test(text)) return Number(text);
  throw new RuleSyntaxError('expected a log level 0-7 or a name such as warning', text);
}

/** `IP[-IP][:PORT[-PORT]]`, or `:PORT[-PORT]` alone. */
function natRange(spec: string, portsOk: boolean): NatRange {
  const m = /^([0-9.]*)(?:-([0-9.]+))?(?::([0-9]+)(?:-([0-9]+))?)?$/.exec(spec);
  const minIp = m?.[1] === '' ? undefined : parseIpv4(m?.[1] ?? '');
  const maxIp = m?.[2] === undefined ? minIp : parseIpv4(m[2]);
  if (
    m === null ||
    (m[1] !== '' && minIp === undefined) ||
    (m[2] !== undefined && maxIp === undefined) ||
    (m[1] === '' && m[3] === undefined)
  ) {
    throw new RuleSyntaxError('expected ADDRESS[-ADDRESS][:PORT[-PORT]]', spec);
  }
  if (m[3] !== undefined && !portsOk) throw new RuleSyntaxError('a NAT port needs -p tcp or -p udp', spec);
  const ports = m[3] === undefined ? undefined : portRange(m[4] === undefined ? m[3] : `${m[3]}-${m[4]}`, '-');
  if (minIp !== undefined && maxIp !== undefined && maxIp < minIp)
    throw new RuleSyntaxError('the address range is backwards', spec);
  return { ...(minIp !== undefined && { minIp }), ...(maxIp !== undefined && { maxIp }), ...(ports && { ports }) };
}
