/**
 * Resolve a structurally valid RawScenario into the ScenarioModel: defaults, units,
 * references, Docker's IPAM (with overlays' load balancers and docker_gwbridge legs),
 * and the timeline's state changes. Every problem is
 * reported into the sink with its path; the model is returned even when there are
 * errors, so that later checks still run and all problems are reported at once.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import { DEFAULT_SEED } from '../defaults.js';
import type { ScenarioModel } from '../model.js';
import type { RawScenario } from '../schema/index.js';
import { duration, type ResolveContext } from './context.js';
import { resolveContainers } from './containers.js';
import { checkEngineOptions } from './engine-support.js';
import { resolveHostsAndSegments } from './hosts.js';
import { resolveNetworks } from './networks.js';
import { OverlayState } from './overlay.js';
import { resolveTimeline } from './timeline.js';
import { VethNames } from './veth-names.js';

/** Resolves `raw`; `fallbackName` names the scenario when the file does not. */
export function resolveScenario(raw: RawScenario, fallbackName: string, sink: DiagnosticSink): ScenarioModel {
  const ctx: ResolveContext = {
    raw,
    sink,
    hosts: new Map(),
    segments: new Map(),
    networks: new Map(),
    containers: new Map(),
    addresses: new Map(),
    pools: new Map(),
    overlay: new OverlayState(),
    vethNames: new VethNames(),
  };
  resolveHostsAndSegments(ctx);
  resolveNetworks(ctx);
  const counters = resolveContainers(ctx);
  checkEngineOptions(ctx);
  const loadBalancers = [...ctx.overlay.loadBalancers];
  const timeline = resolveTimeline(ctx, counters);
  const durationNs = raw.duration === undefined ? undefined : duration(ctx, raw.duration, ['duration'], 0);
  if (durationNs !== undefined) {
    timeline
      .filter((e) => e.atNs > durationNs)
      .forEach((e) =>
        sink.warn([...e.path, 'at'], 'this entry comes after the end of the run (duration) and will not run'),
      );
  }
  return {
    name: raw.name ?? fallbackName,
    description: raw.description ?? '',
    seed: raw.seed ?? DEFAULT_SEED,
    ...(durationNs !== undefined && { durationNs }),
    hosts: [...ctx.hosts.values()],
    segments: [...ctx.segments.values()],
    networks: [...ctx.networks.values()],
    containers: [...ctx.containers.values()],
    loadBalancers,
    timeline,
    capture: resolveCapture(ctx),
  };
}

/**
 * Capture points; whether the interface exists is checked in validate/namespaces.ts, once every
 * device name is known.
 */
function resolveCapture(ctx: ResolveContext): { owner: string; ifname: string }[] {
  return (ctx.raw.capture ?? []).flatMap((ref, i) => {
    const [owner, ifname] = ref.split(':');
    const known = owner !== undefined && (ctx.hosts.has(owner) || ctx.containers.has(owner));
    if (!known || ifname === undefined || ifname === '') {
      ctx.sink.error(['capture', i], 'expected NAME:IFNAME naming a host or container and one of its interfaces', ref);
      return [];
    }
    return [{ owner: owner as string, ifname }];
  });
}
