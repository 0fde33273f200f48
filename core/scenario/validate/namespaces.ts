/**
 * Checks per network namespace: namespace ids and interface names must be unique, services
 * must not listen twice on one port, and a published port must not collide with a
 * service of the Docker host itself (docker-proxy, or dockerd's reservation without the
 * proxy, holds the port: docker-semantics.md 4.3).
 */
import type { DiagnosticSink, Path } from '../diagnostics.js';
import { lbNsId, overlayNsId, segmentNs, vxlanTempName } from '../../naming.js';
import type { ContainerModel, EndpointModel, HostModel, NetworkModel, ScenarioModel } from '../model.js';

/** The namespace a container's processes run in: its own, a shared one, or the host's. */
export function namespaceOf(c: ContainerModel): string {
  return c.namespace;
}

/** Interface names in each host namespace must be unique. */
export function checkInterfaceNames(
  sink: DiagnosticSink,
  hosts: readonly HostModel[],
  networks: readonly NetworkModel[],
  containers: readonly ContainerModel[],
): void {
  for (const h of hosts) {
    const seen = new Map<string, string>();
    const add = (name: string, what: string, path: Path) => {
      const prev = seen.get(name);
      if (prev !== undefined)
        sink.error(
          path,
          `interface name "${name}" on host ${h.name} is already used by ${prev}; expected a unique name`,
          name,
        );
      else seen.set(name, what);
    };
    add('lo', 'the loopback device', h.path);
    h.interfaces.forEach((i) => add(i.name, `interface ${i.name}`, i.path));
    h.bridges.forEach((b) => add(b.name, `bridge ${b.name}`, b.path));
    h.vxlans.forEach((x) => add(x.name, `vxlan ${x.name}`, x.path));
    networks
      .filter((n) => n.driver === 'bridge' && n.hosts[0] === h.name)
      .forEach((n) =>
        add(
          n.bridgeName,
          `network ${n.name}'s bridge`,
          n.isDefault || n.gwBridge === true ? n.path : [...n.path, 'bridge-name'],
        ),
      );
    // An overlay's VXLAN device is made here under a temporary name, then moved to the overlay's namespace.
    const vnis = new Map(
      networks.filter((n) => n.driver === 'overlay' && n.hosts.includes(h.name)).map((n) => [n.vni ?? 0, n] as const),
    );
    vnis.forEach((n, vni) => add(vxlanTempName(vni), `the VXLAN device of overlay ${n.name} while it is made`, n.path));
    const bridged = new Set(networks.filter((n) => n.driver === 'bridge').map((n) => n.key));
    containers
      .filter((c) => c.host === h.name)
      .forEach((c) =>
        c.endpoints
          .filter((e) => bridged.has(e.network))
          .forEach((e) => add(e.hostVeth, `container ${c.name}'s veth`, e.path)),
      );
  }
}

/**
 * Every namespace id of the plan must be unique: hosts and containers by name, and the
 * ones twinnet makes for segments (`seg-NAME`), overlays (`ov-NETWORK-HOST`) and their
 * load balancers (`lb-NETWORK-HOST`).
 */
export function checkNamespaceIds(
  sink: DiagnosticSink,
  m: Pick<ScenarioModel, 'hosts' | 'containers' | 'segments' | 'networks'>,
): void {
  const made = new Map<string, string>();
  for (const s of m.segments) made.set(segmentNs(s.name), `${s.kind} ${s.name}`);
  for (const n of m.networks.filter((x) => x.driver === 'overlay')) {
    for (const h of n.hosts) {
      claimId(sink, made, overlayNsId(n.name, h), `overlay ${n.name} on ${h}`, n.path);
      claimId(sink, made, lbNsId(n.name, h), `the load balancer of overlay ${n.name} on ${h}`, n.path);
    }
  }
  for (const x of [...m.hosts, ...m.containers]) {
    const what = made.get(x.name);
    if (what !== undefined)
      sink.error(x.path, `the name "${x.name}" is the namespace twinnet makes for ${what}; rename one of them`, x.name);
  }
}

function claimId(sink: DiagnosticSink, made: Map<string, string>, id: string, what: string, path: Path): void {
  const prev = made.get(id);
  if (prev !== undefined)
    sink.error(path, `twinnet names the namespaces of ${prev} and of ${what} both "${id}"; rename a network or host`);
  else made.set(id, what);
}

/**
 * Capture points name an interface as the plan will have it: a host's interfaces,
 * bridges and Docker devices (docker0, br-*, veth*), or a container's ethN (also those
 * a timeline connect adds), and lo everywhere.
 */
export function checkCapture(sink: DiagnosticSink, m: ScenarioModel): void {
  m.capture.forEach((ref, i) => {
    const names = deviceNames(m, ref.owner);
    if (!names.includes(ref.ifname))
      sink.error(
        ['capture', i],
        `${ref.owner} has no interface "${ref.ifname}"; expected one of: ${names.join(', ')}`,
        `${ref.owner}:${ref.ifname}`,
      );
  });
}

function deviceNames(m: ScenarioModel, owner: string): string[] {
  const h = m.hosts.find((x) => x.name === owner);
  if (h !== undefined) {
    const docker = m.networks.filter((n) => n.driver === 'bridge' && n.hosts[0] === h.name);
    const bridged = new Set(docker.map((n) => n.key));
    const veths = m.containers
      .filter((c) => c.host === h.name)
      .flatMap((c) =>
        allEndpoints(m, c)
          .filter((e) => bridged.has(e.network))
          .map((e) => e.hostVeth),
      );
    return [
      'lo',
      ...h.interfaces.map((i) => i.name),
      ...h.bridges.map((b) => b.name),
      ...h.vxlans.map((x) => x.name),
      ...docker.map((n) => n.bridgeName),
      ...veths,
    ];
  }
  const c = m.containers.find((x) => x.name === owner);
  if (c === undefined) return [];
  if (c.namespace !== c.name) return deviceNames(m, c.namespace);
  return ['lo', ...allEndpoints(m, c).map((e) => e.ifname)];
}

/**
 * Every endpoint a container ever has: its first ones, and those its timeline connects and
 * docker_gwbridge legs add.
 */
export function allEndpoints(m: Pick<ScenarioModel, 'timeline'>, c: ContainerModel): EndpointModel[] {
  const later = m.timeline.flatMap((t) => {
    const f = t.fault;
    if ((f?.kind !== 'connect' && f?.kind !== 'disconnect') || f.container !== c.name) return [];
    return [...(f.kind === 'connect' ? [f.endpoint] : []), ...(f.gateway.add === undefined ? [] : [f.gateway.add])];
  });
  return [...c.endpoints, ...later];
}

/** Services listening in one namespace must not share a port; published ports must not clash with host services. */
export function checkServices(
  sink: DiagnosticSink,
  hosts: readonly HostModel[],
  containers: readonly ContainerModel[],
): void {
  const listeners = new Map<string, string>();
  const claim = (ns: string, key: string, who: string, path: Path) => {
    const prev = listeners.get(`${ns}|${key}`);
    if (prev !== undefined) sink.error(path, `${key} is already taken in namespace ${ns} by ${prev}`, key);
    else listeners.set(`${ns}|${key}`, who);
  };
  hosts.forEach((h) => h.listen.forEach((l) => claim(h.name, `${l.proto}/${l.port}`, `host ${h.name}`, l.path)));
  for (const c of containers)
    c.listen.forEach((l) => claim(namespaceOf(c), `${l.proto}/${l.port}`, `container ${c.name}`, l.path));
  for (const c of containers) {
    c.ports.forEach((p) => claim(c.host, `${p.proto}/${p.hostPort}`, `the published port of ${c.name}`, p.path));
  }
}
