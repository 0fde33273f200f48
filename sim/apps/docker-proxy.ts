/**
 * Docker's userland proxy (cmd/docker-proxy in Docker 20.10: tcp_proxy.go and
 * udp_proxy.go), one per published port, running in the Docker host's namespace.
 *
 * TCP: it listens on the host address and port; for each accepted client it dials the
 * container from the host (so the container sees the bridge's address, the source the
 * route picks) and copies bytes both ways, passing each side's end of stream on as a
 * half-close (CloseRead/CloseWrite). When the dial fails it closes the client, which,
 * holding the client's unread request, the kernel turns into a reset.
 *
 * UDP: it binds the host address and port; per client address it keeps a socket
 * connected to the container and relays datagrams both ways. Two points differ by
 * release (HelperPlan.version), and the model follows each:
 * - the source of a reply: since moby 28.0 (6c6174b371, IP_PKTINFO) the address the
 *   client wrote to; 20.10 (libnetwork cmd/proxy/udp_proxy.go, WriteToUDP on the
 *   listener) the listener's bound address, or for 0.0.0.0 the one routing picks, so a
 *   hairpinned container that wrote to the host's address gets its answer from the
 *   bridge's and, its socket connected, ignores it (measured on 20.10.24);
 * - when a client is forgotten: 28.0.2 (4276f330fc) once neither side has written for
 *   UDPConnTrackTimeout (90 s); 20.10 90 s after the container's last answer (the read
 *   deadline is set before each read), whatever the client wrote meanwhile.
 *
 * This is what makes hairpin traffic, host-local connections and access across
 * networks work with the proxy on (docker-semantics 6c, 7.8). Not modelled: the IPv6
 * proxy Docker starts for unspecified host addresses (IPv6 is off in twinnet's hosts).
 */
import { parseIpv4 } from '../../core/addr.js';
import type { HelperPlan } from '../../core/plan/types.js';
import type { EventHandler } from '../engine/scheduler.js';
import type { NetNamespace } from '../ip/namespace.js';
import type { TcpConnection, TcpHandler } from '../ip/tcp.js';

/** udp_proxy.go UDPConnTrackTimeout. */
export const DOCKER_PROXY_UDP_TIMEOUT_NS = 90_000_000_000;

/** Starts one docker-proxy in a namespace. */
export function startDockerProxy(ns: NetNamespace, h: HelperPlan): void {
  const hostIp = parseIpv4(h.hostIp) ?? 0;
  const backend = { ip: parseIpv4(h.containerIp) ?? 0, port: h.containerPort };
  if (h.proto === 'tcp') ns.sockets.tcp.listen(h.hostPort, (client) => new TcpRelay(ns, client, backend), hostIp);
  else new UdpRelay(ns, hostIp, h.hostPort, backend, UDP_RELAY_OF[h.version]);
}

/** How one release's UDP relay answers and forgets (see the header). */
interface UdpRelayBehaviour {
  /** Replies leave from the address the client wrote to (IP_PKTINFO), else from the bound one or the route's. */
  readonly replyFromClientDestination: boolean;
  /** A datagram from the client restarts the idle clock, not only one from the container. */
  readonly clientWriteKeepsAlive: boolean;
}

const UDP_RELAY_20_10: UdpRelayBehaviour = { replyFromClientDestination: false, clientWriteKeepsAlive: false };
const UDP_RELAY_28: UdpRelayBehaviour = { replyFromClientDestination: true, clientWriteKeepsAlive: true };
const UDP_RELAY_OF: Readonly<Record<HelperPlan['version'], UdpRelayBehaviour>> = {
  '20.10': UDP_RELAY_20_10,
  '28': UDP_RELAY_28,
  '29': UDP_RELAY_28,
};

class TcpRelay implements TcpHandler {
  private back?: TcpConnection;
  private dialed = false;
  private readonly pending: Uint8Array[] = [];
  private clientDone = false;

  constructor(
    private readonly ns: NetNamespace,
    private readonly client: TcpConnection,
    private readonly backend: { ip: number; port: number },
  ) {}

  /** Accepted: dial the container (net.DialTCP). */
  onConnected(): void {
    const r = this.ns.sockets.tcp.connect(
      this.backend.ip,
      this.backend.port,
      {
        onConnected: (b) => this.backendUp(b),
        onData: (_b, data) => this.client.send(data),
        onEof: () => this.client.close(),
        onError: () => this.dialFailed(),
      },
      this.client.flow,
    );
    if ('errno' in r) return this.dialFailed();
    this.back = r;
  }

  private backendUp(b: TcpConnection): void {
    this.dialed = true;
    for (const d of this.pending.splice(0)) b.send(d);
    if (this.clientDone) b.close();
  }

  /** client.Close() after a failed dial: a reset when the client's data is still unread. */
  private dialFailed(): void {
    if (this.dialed) return this.client.abort();
    if (this.pending.length > 0) this.client.abort();
    else this.client.close();
  }

  onData(_c: TcpConnection, data: Uint8Array): void {
    if (this.dialed && this.back !== undefined) this.back.send(data);
    else this.pending.push(data.slice());
  }

  onEof(): void {
    this.clientDone = true;
    if (this.dialed) this.back?.close();
  }

  onError(): void {
    this.back?.abort();
  }
}

class UdpRelay implements EventHandler {
  /** Per client "addr:port": its socket toward the container and its idle timer. */
  private readonly clients = new Map<string, { port: number; timer: number }>();
  /** The source address of a reply to a client that wrote to `to` (undefined: the route's). */
  private readonly replySource: (to: number) => number | undefined;

  constructor(
    private readonly ns: NetNamespace,
    hostIp: number,
    private readonly hostPort: number,
    private readonly backend: { ip: number; port: number },
    private readonly behaviour: UdpRelayBehaviour,
  ) {
    this.replySource = (to) => (behaviour.replyFromClientDestination ? to : hostIp === 0 ? undefined : hostIp);
    ns.sockets.bindUdp(
      hostPort,
      {
        onDatagram: (from, fromPort, to, payload, _ttl, frame) =>
          this.fromClient(from, fromPort, to, payload, ns.trace.flowOf(frame)),
      },
      hostIp,
    );
  }

  private fromClient(addr: number, port: number, to: number, payload: Uint8Array, flow: number): void {
    const key = `${addr}:${port}`;
    let c = this.clients.get(key);
    if (c === undefined) {
      const sock = this.ns.sockets.bindUdp(0, {
        onDatagram: (_from, _fromPort, _to, data, _ttl, frame) => {
          this.ns.sockets.sendUdp(this.hostPort, addr, port, data, this.ns.trace.flowOf(frame), this.replySource(to));
          this.touch(key);
        },
      });
      // docker-proxy dials the container (net.DialUDP): it hears only the container
      this.ns.sockets.connectUdp(sock, { addr: this.backend.ip, port: this.backend.port });
      c = { port: sock, timer: -1 };
      this.clients.set(key, c);
      this.touch(key); // the first read deadline
    } else if (this.behaviour.clientWriteKeepsAlive) this.touch(key);
    this.ns.sockets.sendUdp(c.port, this.backend.ip, this.backend.port, payload, flow);
  }

  private touch(key: string): void {
    const c = this.clients.get(key);
    if (c === undefined) return;
    if (c.timer >= 0) this.ns.sim.cancel(c.timer);
    c.timer = this.ns.sim.schedule(DOCKER_PROXY_UDP_TIMEOUT_NS, this, 0, key);
  }

  /** UDPConnTrackTimeout: the client's socket is closed. */
  handleEvent(_kind: number, key: unknown): void {
    const c = this.clients.get(key as string);
    if (c === undefined) return;
    this.clients.delete(key as string);
    this.ns.sockets.closeUdp(c.port);
  }
}
