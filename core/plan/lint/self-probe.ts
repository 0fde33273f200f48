/**
 * An isolation expectation can pass for the wrong reason: a probe whose target is its
 * own namespace never leaves it (a local address is routed by the local table to `lo`,
 * ip-route(8)), so `reachable: false`, or an outcome such as refused or dropped, is met
 * by the source alone (nothing listens there, or its own rules drop it) and says
 * nothing of the isolation between two endpoints. A name can resolve to the source
 * without anyone noticing: a `container:NAME` container probing NAME, a `host`-mode
 * container probing its host, a host probing its own gateway address.
 *
 * The rule: warn when the probe expects isolation (`reachable: false`, or outcomes
 * without `delivered`), its target address belongs to the namespace it runs in (an
 * address of one of its interfaces, or any of 127.0.0.0/8, which Linux's local table
 * routes to `lo` whole) AND nothing in that namespace would make the target another
 * endpoint:
 *  - a docker-proxy (userland proxy) for the probe's protocol and port, bound to the
 *    target or to 0.0.0.0: `127.0.0.1:PORT` from a host is how one tests a published
 *    port through the proxy, and it reaches the container;
 *  - a DNAT or REDIRECT rule in the namespace's nat table that can match the probe's
 *    protocol, port and address (Docker's localhost DNAT without the userland proxy,
 *    an operator's own port forward). Any chain counts, reached or not: the check
 *    stays quiet when it cannot be sure.
 * A self-probe that expects delivery is left alone: it is how a scenario shows a shared
 * namespace (`container:NAME` reaching NAME on 127.0.0.1, a `none` container's own
 * loopback), and it cannot pass for want of a path.
 * Not modelled: addresses a timeline `connect` adds later (the plan's initial addresses
 * are used).
 */
import { cidrContains, formatIpv4, parseIpv4, type Cidr } from '../../addr.js';
import { parseSave } from '../../netfilter/parse-save.js';
import type { Match, Rule } from '../../netfilter/types.js';
import type { DiagnosticSink } from '../../scenario/diagnostics.js';
import type { EventModel, ScenarioModel } from '../../scenario/model.js';
import type { NamespacePlan, Plan } from '../types.js';

/** 127.0.0.0/8: Linux adds `local 127.0.0.0/8 dev lo` to the local table (RFC 1122 3.2.1.3). */
const LOOPBACK_NET: Cidr = { addr: 0x7f000000, len: 8 };

/** Warns for each probe whose target is local to its source and reaches no other endpoint. */
export function checkSelfProbes(sink: DiagnosticSink, m: ScenarioModel, plan: Plan): void {
  m.timeline.forEach((e, i) => {
    const p = e.probe;
    const entry = plan.timeline[i];
    if (p === undefined || !expectsIsolation(e) || entry === undefined || !('ns' in entry.action)) return;
    const ns = plan.namespaces.find((n) => n.id === (entry.action as { ns: string }).ns);
    if (ns === undefined) return;
    const local = localOwner(ns, p.to.address);
    if (local === undefined) return;
    const port = p.kind === 'tcp' || p.kind === 'udp' ? p.port : undefined;
    const proto = p.kind === 'tcp' || p.kind === 'udp' ? p.kind : 'icmp';
    if (redirected(ns, proto, p.to.address, port)) return;
    sink.warn([...e.path, p.kind, 'to'], message(e, p.from, ns, local, p.to.address), p.to.label);
  });
}

/** A probe that expects not to get through: `reachable: false`, or outcomes without `delivered`. */
function expectsIsolation(e: EventModel): boolean {
  const x = e.expect;
  if (e.probe === undefined || x === undefined) return false;
  const outcomes = x.outcome === undefined ? [] : typeof x.outcome === 'string' ? [x.outcome] : x.outcome;
  return x.reachable === false || (outcomes.length > 0 && !outcomes.includes('delivered'));
}

/** Where in the namespace an address is local: an interface's name, `lo` for 127.0.0.0/8. */
function localOwner(ns: NamespacePlan, a: number): string | undefined {
  if (cidrContains(LOOPBACK_NET, a)) return 'lo (127.0.0.0/8)';
  return ns.interfaces.find((i) => i.addresses.some((c) => parseIpv4(c.split('/')[0] ?? '') === a))?.name;
}

/** Whether the userland proxy or a NAT rule of the namespace could take the probe elsewhere. */
function redirected(ns: NamespacePlan, proto: 'tcp' | 'udp' | 'icmp', dst: number, port: number | undefined): boolean {
  const proxied = ns.helpers.some(
    (h) =>
      h.kind === 'docker-proxy' &&
      h.proto === proto &&
      h.hostPort === port &&
      (h.hostIp === '0.0.0.0' || parseIpv4(h.hostIp) === dst),
  );
  if (proxied) return true;
  if (ns.netfilter.trim() === '') return false;
  const nat = natRules(ns.netfilter);
  return nat.some((r) => mayMatch(r, proto, dst, port));
}

/**
 * The DNAT and REDIRECT rules of a ruleset's nat table (none when the text does not parse:
 * validation reports that elsewhere).
 */
function natRules(text: string): Rule[] {
  try {
    const t = parseSave(text).tables.get('nat');
    return (t?.chains ?? []).flatMap((c) =>
      c.rules.filter((r) => r.target?.kind === 'DNAT' || r.target?.kind === 'REDIRECT'),
    );
  } catch {
    return [];
  }
}

/** Whether a rule can match a packet of this protocol, destination and port (negations: assumed to match). */
function mayMatch(r: Rule, proto: 'tcp' | 'udp' | 'icmp', dst: number, port: number | undefined): boolean {
  if (r.proto !== undefined && !r.proto.negated && r.proto.value !== proto) return false;
  if (r.dst !== undefined && !r.dst.negated && !cidrContains(r.dst.value, dst)) return false;
  return r.matches.every((m) => portMayMatch(m, port));
}

function portMayMatch(m: Match, port: number | undefined): boolean {
  const inRange = (lo: number, hi: number) => port !== undefined && port >= lo && port <= hi;
  if ((m.kind === 'tcp' || m.kind === 'udp') && m.dport !== undefined && !m.dport.negated)
    return inRange(m.dport.value.lo, m.dport.value.hi);
  if (m.kind === 'multiport' && m.dir !== 'sports' && !m.ports.negated)
    return m.ports.value.some((p) => inRange(p.lo, p.hi));
  return true;
}

function message(e: EventModel, from: string, ns: NamespacePlan, owner: string, dst: number): string {
  const whose = ns.id === from ? `${from}'s own namespace` : `the namespace ${from} runs in (${ns.id}'s)`;
  return `probe ${e.name} expects isolation but targets ${formatIpv4(dst)}, an address of ${whose} (on ${owner}), and no docker-proxy or DNAT there leads elsewhere: its packets never leave the source, so the expectation is met or not by the source alone, not by isolation between two endpoints. Target the other endpoint's address`;
}
