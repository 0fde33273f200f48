/**
 * Checks per network namespace: interface names must be unique within it, services
 * must not listen twice on one port, and a published port must not collide with a
 * service of the Docker host itself (docker-proxy, or dockerd's reservation without the
 * proxy, holds the port: docker-semantics.md 4.3).
 */
import type { DiagnosticSink, Path } from '../diagnostics.js';
import type { ContainerModel, HostModel, NetworkModel } from '../model.js';

/** The namespace a container's processes run in: its own, a shared one, or the host's. */
export function namespaceOf(c: ContainerModel): string {
  if (c.mode === 'host') return c.host;
  return c.sharesWith ?? c.name;
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

/** Services listening in one namespace must not share a port; published ports must not clash with host services. */
export function checkServices(sink: DiagnosticSink, hosts: readonly HostModel[], containers: readonly ContainerModel[]): void {
  const listeners = new Map<string, string>();
  const claim = (ns: string, key: string, who: string, path: Path) => {
    const prev = listeners.get(`${ns}|${key}`);
    if (prev !== undefined) sink.error(path, `${key} is already taken in namespace ${ns} by ${prev}`, key);
    else listeners.set(`${ns}|${key}`, who);
  };
  hosts.forEach((h) => h.listen.forEach((l, i) => claim(h.name, `${l.proto}/${l.port}`, `host ${h.name}`, [...h.path, 'listen', i])));
  for (const c of containers) {
    c.listen.forEach((l, i) => claim(namespaceOf(c), `${l.proto}/${l.port}`, `container ${c.name}`, [...c.path, 'listen', i]));
  }
  for (const c of containers) {
    c.ports.forEach((p) => claim(c.host, `${p.proto}/${p.hostPort}`, `the published port of ${c.name}`, p.path));
  }
}
