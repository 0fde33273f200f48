/**
 * The timeline at the Linux level: each probe runs in a namespace toward an address;
 * each fault names the devices it changes. Link faults act on the far end of a cable
 * (its switch port, or the host end of a container's veth), so that the named
 * interface loses carrier but stays administratively up, as when a cable is pulled.
 * Connects, disconnects and the overlay control plane's changes are in membership.ts.
 */
import { formatIpv4 } from '../../addr.js';
import type {
  CableRef,
  ContainerModel,
  EndpointModel,
  EventModel,
  ExpectModel,
  ScenarioModel,
  Shape,
} from '../../scenario/model.js';
import { allEndpoints, namespaceOf } from '../../scenario/validate/namespaces.js';
import type { ActionPlan, DeviceRef, ExpectPlan, QdiscPlan, TimelineEntryPlan } from '../types.js';
import { peerNsOf } from './docker.js';
import { connectChange, disconnectChange, programChange } from './membership.js';
import { segmentNs } from '../../naming.js';

interface TimelineContext {
  readonly m: ScenarioModel;
  /** `host:if` -> switch port name. */
  readonly ports: Map<string, string>;
  /** Current shape per device (`ns/dev`), as impair events change it. */
  readonly shapes: Map<string, Shape>;
  /** Current endpoints per container. */
  readonly endpoints: Map<string, EndpointModel[]>;
}

/** Compiles the timeline; `shapes` holds the initial shape of every impaired device. */
export function compileTimeline(
  m: ScenarioModel,
  ports: Map<string, string>,
  shapes: Map<string, Shape>,
): TimelineEntryPlan[] {
  const ctx: TimelineContext = {
    m,
    ports,
    shapes,
    endpoints: new Map(m.containers.map((c) => [c.name, [...c.endpoints]])),
  };
  return m.timeline.map((e) => entry(ctx, e));
}

function entry(ctx: TimelineContext, e: EventModel): TimelineEntryPlan {
  const action = e.probe !== undefined ? probeAction(ctx, e) : faultAction(ctx, e);
  return {
    atNs: e.atNs,
    name: e.name,
    action,
    ...(e.probe !== undefined && { from: e.probe.from, toLabel: e.probe.to.label }),
    ...(e.expect !== undefined && { expect: expectPlan(e.expect) }),
  };
}

/** The namespace a host or container's processes run in. */
export function processNs(m: ScenarioModel, name: string): string {
  const c = m.containers.find((x) => x.name === name);
  return c === undefined ? name : namespaceOf(c);
}

function probeAction(ctx: TimelineContext, e: EventModel): ActionPlan {
  const p = e.probe as NonNullable<EventModel['probe']>;
  const ns = processNs(ctx.m, p.from);
  const dst = formatIpv4(p.to.address);
  switch (p.kind) {
    case 'ping':
      return {
        kind: 'ping',
        ns,
        dst,
        count: p.count,
        intervalNs: p.intervalNs,
        size: p.size,
        df: p.df,
        ttl: p.ttl,
        timeoutNs: p.timeoutNs,
      };
    case 'pmtu':
      return { kind: 'pmtu', ns, dst };
    default:
      return { kind: p.kind, ns, dst, port: p.port, request: p.request, timeoutNs: p.timeoutNs };
  }
}

function faultAction(ctx: TimelineContext, e: EventModel): ActionPlan {
  const f = e.fault as NonNullable<EventModel['fault']>;
  switch (f.kind) {
    case 'link-down':
    case 'link-up':
      return { kind: f.kind, target: f.target.label, ends: f.target.ends.map((end) => farEnd(ctx, end)) };
    case 'impair':
      return { kind: 'impair', target: f.target.label, qdiscs: impairQdiscs(ctx, f.target, f.shape) };
    case 'disconnect':
      return {
        kind: 'disconnect',
        container: f.container,
        network: networkName(ctx.m, f.network),
        change: disconnectChange(ctx, f.container, f.network, f.gateway, f.unprogram),
      };
    case 'connect':
      return {
        kind: 'connect',
        container: f.container,
        network: networkName(ctx.m, f.endpoint.network),
        change: connectChange(ctx, f.container, f.endpoint, f.gateway, f.loadBalancer, f.program),
      };
    case 'program':
    case 'unprogram':
      return {
        kind: f.kind,
        host: f.host,
        container: f.container,
        network: networkName(ctx.m, f.network),
        change: programChange(ctx.m, f.kind, f.entries),
      };
  }
}

function networkName(m: ScenarioModel, key: string): string {
  return m.networks.find((n) => n.key === key)?.name ?? key;
}

/** The far end of a host's or container's cable. */
function farEnd(ctx: TimelineContext, end: { owner: string; ifname: string }): DeviceRef {
  const h = ctx.m.hosts.find((x) => x.name === end.owner);
  if (h !== undefined) {
    const seg = h.interfaces.find((i) => i.name === end.ifname)?.segment ?? '';
    return { ns: segmentNs(seg), dev: ctx.ports.get(`${end.owner}:${end.ifname}`) ?? '' };
  }
  const c = ctx.m.containers.find((x) => x.name === end.owner) as ContainerModel;
  // Every endpoint a container ever has: ethN names are never reused (libnetwork counts them up).
  const e = allEndpoints(ctx.m, c).find((x) => x.ifname === end.ifname);
  const n = ctx.m.networks.find((x) => x.key === e?.network);
  return { ns: n === undefined ? c.host : peerNsOf(n, c.host), dev: e?.hostVeth ?? '' };
}

/** An interface: both ends of its cable get the merged shape; a link or segment: the switch end of each cable. */
function impairQdiscs(ctx: TimelineContext, target: CableRef, change: Partial<Shape>): (QdiscPlan & { ns: string })[] {
  const seg = ctx.m.segments.find((s) => s.name === target.label);
  const devices = target.ends.flatMap((end) => {
    const far = farEnd(ctx, end);
    if (seg !== undefined) return [far];
    const near = { ns: processNsOfOwner(ctx.m, end.owner), dev: end.ifname };
    return [near, far];
  });
  return devices.map((d) => {
    const key = `${d.ns}/${d.dev}`;
    const shape = {
      ...(ctx.shapes.get(key) ?? { delayNs: 0, jitterNs: 0, lossPpm: 0, rateBps: 0, limit: 0 }),
      ...change,
    };
    ctx.shapes.set(key, shape);
    return { ns: d.ns, dev: d.dev, shape, why: `impair ${target.label}` };
  });
}

function processNsOfOwner(m: ScenarioModel, owner: string): string {
  return processNs(m, owner);
}

function expectPlan(x: ExpectModel): ExpectPlan {
  const seen =
    x.seenSource === undefined
      ? undefined
      : `${formatIpv4(x.seenSource.address)}${x.seenSource.port === undefined ? '' : `:${x.seenSource.port}`}`;
  const { seenSource: _omit, ...rest } = x;
  return { ...rest, ...(seen !== undefined && { seenSource: seen }) };
}
