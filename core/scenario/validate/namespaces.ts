/**
 * Checks per network namespace: interface names must be unique within it, services
 * must not listen twice on one port, and a published port must not collide with a
 * service of the Docker host itself (docker-proxy, or dockerd's reservation without the
 * proxy, holds the port: docker-semantics.md 4.3).
 */
import type { DiagnosticSink, Path } from '../diagnostics.js';
import type { ContainerModel, EndpointModel, HostModel, NetworkModel, ScenarioModel, SegmentModel } from '../model.js';

/** The namespace a container's processes run in: its own, a shared one, or the host's. */
export function namespaceOf(c: ContainerModel): string {
  return c.namespace;
}

/** Interface names in each host namespace must be unique. */
export function checkInterfaceNames(sink: DiagnosticSink, hosts: readonly HostModel[], networks: readonly NetworkModel[], containers: readonly ContainerModel[]): void {
  for (const h of hosts) {
    const seen = new Map<string, string>();
    const add = (name: string, what: string, path: Path) => {
      const prev = seen.get(name);
      if (prev !== undefined) sink.error(path, `interface name "${name}" on host ${h.name} is already used by ${prev}; expected a unique name`, name);
      else seen.set(name, what);
    };
    add('lo', 'the loopback device', h.path);
    h.interfaces.forEach((i) => add(i.name, `interface ${i.name}`, i.path));
    h.bridges.forEach((b) => add(b.name, `bridge ${b.name}`, b.path));
    networks.filter((n) => n.driver === 'bridge' && n.hosts[0] === h.name).forEach((n) => add(n.bridgeName, `network ${n.name}'s bridge`, n.isDefault ? n.path : [...n.path, 'bridge-name']));
    containers.filter((c) => c.host === h.name).forEach((c) => c.endpoints.forEach((e) => add(e.hostVeth, `container ${c.name}'s veth`, e.path)));
  }
}

/** Host and container names must not collide with the namespaces made for segments (`seg-NAME`). */
export function checkNamespaceIds(sink: DiagnosticSink, hosts: readonly HostModel[], containers: readonly ContainerModel[], segments: readonly SegmentModel[]): void {
  const segIds = new Map(segments.map((s) => [`seg-${s.name}`, s]));
  for (const x of [...hosts, ...containers]) {
    const s = segIds.get(x.name);
    if (s !== undefined) sink.error(x.path, `the name "${x.name}" is the namespace twinnet makes for ${s.kind} ${s.name}; rename one of them`, x.name);
  }
}

/**
 * Capture points name an interface as the plan will have it: a host's interfaces,
 * bridges and Docker devices (docker0, br-*, veth*), or a container's ethN (also those
 * a timeline connect adds), and lo everywhere.
 */
export function checkCapture(sink: DiagnosticSink, m: ScenarioModel): void {
  m.capture.forEach((ref, i) => {
    const names = deviceNames(m, ref.owner);
    if (!names.includes(ref.ifname)) sink.error(['capture', i], `${ref.owner} has no interface "${ref.ifname}"; expected one of: ${names.join(', ')}`, `${ref.owner}:${ref.ifname}`);
  });
}

function deviceNames(m: ScenarioModel, owner: string): string[] {
  const h = m.hosts.find((x) => x.name === owner);
  if (h !== undefined) {
    const docker = m.networks.filter((n) => n.driver === 'bridge' && n.hosts[0] === h.name).map((n) => n.bridgeName);
    const veths = m.containers.filter((c) => c.host === h.name).flatMap((c) => allEndpoints(m, c).map((e) => e.hostVeth));
    return ['lo', ...h.interfaces.map((i) => i.name), ...h.bridges.map((b) => b.name), ...docker, ...veths];
  }
  const c = m.containers.find((x) => x.name === owner);
  if (c === undefined) return [];
  if (c.namespace !== c.name) return deviceNames(m, c.namespace);
  return ['lo', ...allEndpoints(m, c).map((e) => e.ifname)];
}

function allEndpoints(m: ScenarioModel, c: ContainerModel): EndpointModel[] {
  const later = m.timeline.flatMap((t) => (t.fault?.kind === 'connect' && t.fault.container === c.name ? [t.fault.endpoint] : []));
  return [...c.endpoints, ...later];
}

/** Services listening in one namespace must not share a port; published ports must not clash with host services. */
export function checkServices(sink: DiagnosticSink, hosts: readonly HostModel[], containers: readonly ContainerModel[]): void {
  const listeners = new Map<string, string>();
  const claim = (ns: string, key: string, who: string, path: Path) => {
    const prev = listeners.get(`${ns}|${key}`);
    if (prev !== undefined) sink.error(path, `${key} is already taken in namespace ${ns} by ${prev}`, key);
    else listeners.set(`${ns}|${key}`, who);
  };
  hosts.forEach((h) => h.listen.forEach((l) => claim(h.name, `${l.proto}/${l.port}`, `host ${h.name}`, l.path)));
  for (const c of containers) c.listen.forEach((l) => claim(namespaceOf(c), `${l.proto}/${l.port}`, `container ${c.name}`, l.path));
  for (const c of containers) {
    c.ports.forEach((p) => claim(c.host, `${p.proto}/${p.hostPort}`, `the published port of ${c.name}`, p.path));
  }
}
