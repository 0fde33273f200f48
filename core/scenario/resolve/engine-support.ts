/**
 * Options of the scenario format that only newer Docker engines have. A scenario that
 * gives one to a container on an older engine is refused at the field, naming the
 * version that introduced the option and the version the host runs.
 *
 * `gw-priority` (docker network connect --gw-priority, EndpointSettings.GwPriority) came
 * with Docker 28.0, API 1.48 (moby docs/api/version-history.md): the 20.10 CLI has no
 * such flag and its API ignores the field, so the priority a scenario asks for would not
 * be what a real 20.10 host does. (`gateway-mode`, from Docker 27, is checked where
 * networks are resolved, resolve/networks.ts.)
 */
import type { Path } from '../diagnostics.js';
import type { DockerVersion } from '../model.js';
import type { ResolveContext } from './context.js';

/** The modelled engines, oldest first. */
const ENGINE_ORDER: readonly DockerVersion[] = ['20.10', '28', '29'];

/** The first engine with `--gw-priority` (Docker 28.0, API 1.48). */
export const GW_PRIORITY_SINCE: DockerVersion = '28';

/** Whether engine `v` is `min` or newer. */
export function engineAtLeast(v: DockerVersion, min: DockerVersion): boolean {
  return ENGINE_ORDER.indexOf(v) >= ENGINE_ORDER.indexOf(min);
}

/**
 * Reports every `gw-priority` given to a container whose host runs an engine older than
 * 28: in its networks and in timeline connects. Runs after containers are resolved, so
 * each container's host is known.
 */
export function checkEngineOptions(ctx: ResolveContext): void {
  for (const [name, c] of Object.entries(ctx.raw.containers ?? {})) {
    (c.networks ?? []).forEach((a, i) => {
      if (typeof a !== 'string' && a['gw-priority'] !== undefined)
        gwPriority(ctx, name, ['containers', name, 'networks', i, 'gw-priority'], a['gw-priority']);
    });
  }
  (ctx.raw.timeline ?? []).forEach((e, i) => {
    const prio = e.connect?.['gw-priority'];
    if (e.connect !== undefined && prio !== undefined)
      gwPriority(ctx, e.connect.container, ['timeline', i, 'connect', 'gw-priority'], prio);
  });
}

function gwPriority(ctx: ResolveContext, container: string, path: Path, value: number): void {
  const host = ctx.hosts.get(ctx.containers.get(container)?.host ?? '');
  const v = host?.docker?.version;
  if (host === undefined || v === undefined || engineAtLeast(v, GW_PRIORITY_SINCE)) return;
  ctx.sink.error(
    path,
    `gw-priority needs Docker ${GW_PRIORITY_SINCE} or newer (docker network connect --gw-priority came with 28.0, API 1.48); host ${host.name} runs ${v}, whose CLI has no such flag and whose API ignores the field. Remove gw-priority, or set the host's docker.version to "28" or "29"`,
    value,
  );
}
