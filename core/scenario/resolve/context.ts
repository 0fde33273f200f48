/**
 * The state shared by the resolve passes: the raw file, the diagnostics sink, and the
 * elements resolved so far, looked up by name. Passes run in a fixed order (hosts and
 * segments, networks, containers, timeline) and each reads what earlier ones built.
 */
import { parseCidr, parseIfAddr, parseIpv4, type Cidr, type IfAddr, type Ipv4 } from '../../addr.js';
import { parseDuration, parsePercent, parseRate, type Nanos } from '../../units.js';
import type { DiagnosticSink, Path } from '../diagnostics.js';
import type { AddressAllocator, PoolAllocator } from '../ipam.js';
import type { ContainerModel, HostModel, NetworkModel, SegmentModel, Shape } from '../model.js';
import type { RawScenario } from '../schema/index.js';
import { IDEAL } from '../shape.js';
import type { OverlayState } from './overlay.js';
import type { VethNames } from './veth-names.js';

export interface ResolveContext {
  readonly raw: RawScenario;
  readonly sink: DiagnosticSink;
  readonly hosts: Map<string, HostModel>;
  readonly segments: Map<string, SegmentModel>;
  /** Networks by key (`bridge@HOST` for default bridges). */
  readonly networks: Map<string, NetworkModel>;
  readonly containers: Map<string, ContainerModel>;
  /** Address allocators by network key. */
  readonly addresses: Map<string, AddressAllocator>;
  /** Subnet pools by Docker host, and the swarm-wide overlay pool under "". */
  readonly pools: Map<string, PoolAllocator>;
  /** Overlay namespaces' port counters, load balancers and each node's peer entries. */
  readonly overlay: OverlayState;
  /** Host-side veth names handed out so far, per Docker host (unique, see veth-names.ts). */
  readonly vethNames: VethNames;
}

/** The Docker hosts of the scenario, in file order. */
export function dockerHosts(ctx: ResolveContext): HostModel[] {
  return [...ctx.hosts.values()].filter((h) => h.kind === 'docker');
}

/**
 * Resolves an optional `host:` field to a Docker host: the named one, or the only one.
 * Reports and returns undefined when that is impossible.
 */
export function pickDockerHost(ctx: ResolveContext, given: string | undefined, path: Path): HostModel | undefined {
  const docker = dockerHosts(ctx);
  if (given !== undefined) {
    const h = ctx.hosts.get(given);
    if (h === undefined) ctx.sink.error([...path, 'host'], `unknown host; expected one of: ${names(docker)}`, given);
    else if (h.kind !== 'docker')
      ctx.sink.error(
        [...path, 'host'],
        `host "${given}" is kind ${h.kind}; expected a Docker host (kind: docker)`,
        given,
      );
    else return h;
    return undefined;
  }
  if (docker.length === 1) return docker[0];
  if (docker.length === 0) ctx.sink.error(path, 'no Docker host to run on; add a host with kind: docker');
  else
    ctx.sink.error(
      [...path, 'host'],
      `missing host; the scenario has several Docker hosts, expected one of: ${names(docker)}`,
    );
  return undefined;
}

function names(hs: readonly { name: string }[]): string {
  return hs.length === 0 ? '(none)' : hs.map((h) => h.name).join(', ');
}

/** Unit converters that report into the sink (the schema already checked the grammar). */
export function duration(ctx: ResolveContext, text: string | undefined, path: Path, dflt: Nanos): Nanos {
  if (text === undefined) return dflt;
  const ns = parseDuration(text);
  if (ns === undefined) ctx.sink.error(path, 'expected a duration such as 10ms', text);
  return ns ?? dflt;
}

export function ipv4(ctx: ResolveContext, text: string, path: Path): Ipv4 | undefined {
  const a = parseIpv4(text);
  if (a === undefined) ctx.sink.error(path, 'expected an IPv4 address', text);
  return a;
}

export function cidr(ctx: ResolveContext, text: string, path: Path): Cidr | undefined {
  const c = parseCidr(text);
  if (c === undefined) {
    const ia = parseIfAddr(text);
    const hint = ia === undefined ? '' : `; the host bits are set, did you mean ${text.replace(/^[^/]+/, '')}?`;
    ctx.sink.error(path, `expected a network prefix with its host bits zero${hint}`, text);
  }
  return c;
}

export function ifAddr(ctx: ResolveContext, text: string, path: Path): IfAddr | undefined {
  const a = parseIfAddr(text);
  if (a === undefined) ctx.sink.error(path, 'expected ADDRESS/PREFIXLEN', text);
  return a;
}

/** Impairment fields of a host interface, a link or an `impair` fault. */
export interface RawImpairment {
  delay?: string | undefined;
  jitter?: string | undefined;
  loss?: string | undefined;
  rate?: string | undefined;
  limit?: number | undefined;
}

/** The impairments that the file gives, as integers; fields not given are left out. */
export function partialShape(ctx: ResolveContext, raw: RawImpairment, path: Path): Partial<Shape> {
  const out: { -readonly [K in keyof Shape]?: Shape[K] } = {};
  if (raw.delay !== undefined) out.delayNs = duration(ctx, raw.delay, [...path, 'delay'], 0);
  if (raw.jitter !== undefined) out.jitterNs = duration(ctx, raw.jitter, [...path, 'jitter'], 0);
  if (raw.loss !== undefined) {
    const ppm = parsePercent(raw.loss);
    if (ppm === undefined) ctx.sink.error([...path, 'loss'], 'expected a percentage from 0% to 100%', raw.loss);
    out.lossPpm = ppm ?? 0;
  }
  if (raw.rate !== undefined) {
    const bps = parseRate(raw.rate, true);
    if (bps === undefined)
      ctx.sink.error([...path, 'rate'], 'expected a rate such as 100mbit (0bit: no limit)', raw.rate);
    out.rateBps = bps ?? 0;
  }
  if (raw.limit !== undefined) out.limit = raw.limit;
  if (out.jitterNs !== undefined && out.jitterNs > 0 && (out.delayNs ?? 0) === 0 && raw.delay === undefined) {
    ctx.sink.error([...path, 'jitter'], 'jitter needs a delay to vary around (netem: delay TIME JITTER)', raw.jitter);
  }
  return out;
}

/** A complete shape from the file's fields over the ideal cable. */
export function shapeOf(ctx: ResolveContext, raw: RawImpairment, path: Path): Shape {
  return { ...IDEAL, ...partialShape(ctx, raw, path) };
}
