/**
 * docker-proxy, the userland proxy: with `userland-proxy` on (Docker's default), one
 * process per published IPv4 binding, running in the Docker host's namespace and
 * listening on the host address and port (docker-semantics.md 4.3:
 * `docker-proxy -proto tcp -host-ip H -host-port P -container-ip C -container-port p`).
 * They are started in binding order, after the binding's rules (port_mapping*.go). Each
 * carries its engine's version: the UDP relay of 20.10 and of 28 behave differently
 * (HelperPlan.version; sim/apps/docker-proxy.ts and emulator/agent/twinnet_agent/proxy.py model both).
 *
 * Left out: the second proxy on `[::]` that Docker starts for a binding on every address
 * (twinnet is IPv4 only), and bindings without a host port (gateway mode routed), which
 * have no proxy because nothing is bound on the host.
 */
import { formatIpv4 } from '../../../addr.js';
import type { DockerVersion } from '../../../scenario/model.js';
import type { HelperPlan } from '../../types.js';
import type { FirewallEvent } from './events.js';

/** The docker-proxy processes of an engine (of `version`) whose userland proxy is on. */
export function dockerProxies(events: readonly FirewallEvent[], version: DockerVersion): HelperPlan[] {
  return events
    .flatMap((e) => (e.kind === 'ports' ? e.bindings : []))
    .filter((b) => b.hostPort !== 0)
    .map((b) => ({
      kind: 'docker-proxy',
      proto: b.proto,
      hostIp: formatIpv4(b.hostIp),
      hostPort: b.hostPort,
      containerIp: formatIpv4(b.containerIp),
      containerPort: b.containerPort,
      version,
    }));
}
