/**
 * The services that scenarios declare (`listen: [tcp/80, udp/53]`): each answers with
 * the source address and port it saw the client come from, so that NAT is observable
 * at both ends. The emulator runs the project's own server with the same protocol.
 *
 * Protocol (both transports): the client sends a request; the server answers one line,
 * `seen ADDRESS:PORT\n`. Over TCP the server answers after the first data it reads and
 * then closes its side; over UDP it answers every datagram.
 */
import { formatIpv4 } from '../../core/addr.js';
import type { ServicePlan } from '../../core/plan/types.js';
import type { NetNamespace } from '../ip/namespace.js';
import type { TcpConnection, TcpHandler } from '../ip/tcp.js';

const encoder = new TextEncoder();

/**
 * How long a real server takes from writing its reply to closing its socket: two system
 * calls and a return to user space, measured at about 60 us on this project's machine
 * (tcpdump on the emulator's TCP probes). Modelled so that on a fast path the client's
 * ACK of the reply comes before the server's FIN, as with the kernel, and on a slow path
 * after it.
 */
export const SERVICE_CLOSE_TURNAROUND_NS = 60_000;

/**
 * How long the server takes from the request's arrival to its reply: the wakeup of
 * the server process, a read and a write, measured at 60 to 90 us on the same machine
 * (tcpdump on the emulator's probes). Without it a packet that arrives right after the
 * request, such as a duplicate, would be answered after the reply instead of before.
 */
export const SERVICE_REPLY_TURNAROUND_NS = 60_000;
const EV_CLOSE = 1;
const EV_REPLY = 2;

/** The reply line for a client seen at `addr:port`. */
export function serviceReply(addr: number, port: number): Uint8Array {
  return encoder.encode(`seen ${formatIpv4(addr)}:${port}\n`);
}

/** Parses a reply line; undefined when it is not one. */
export function parseServiceReply(data: Uint8Array): { address: string; port: number } | undefined {
  const m = /^seen ([0-9.]+):([0-9]+)\n/.exec(new TextDecoder().decode(data));
  return m === null ? undefined : { address: m[1] as string, port: Number(m[2]) };
}

/** Starts one service in a namespace. */
export function startService(ns: NetNamespace, s: ServicePlan): void {
  if (s.proto === 'udp') {
    ns.sockets.bindUdp(s.port, {
      onDatagram(from, fromPort, to, _payload, _ttl, frame) {
        const flow = ns.trace.flowOf(frame);
        ns.sim.schedule(
          SERVICE_REPLY_TURNAROUND_NS,
          {
            handleEvent: () => void ns.sockets.sendUdp(s.port, from, fromPort, serviceReply(from, fromPort), flow, to),
          },
          EV_REPLY,
        );
      },
    });
    return;
  }
  ns.sockets.tcp.listen(s.port, (): TcpHandler => ({
    onData(conn) {
      if (conn.state !== 'established' && conn.state !== 'close-wait') return;
      ns.sim.schedule(SERVICE_REPLY_TURNAROUND_NS, { handleEvent: () => reply(conn) }, EV_REPLY);
    },
    onEof(conn) {
      conn.close();
    },
  }));

  function reply(conn: TcpConnection): void {
    if (conn.state !== 'established' && conn.state !== 'close-wait') return;
    conn.send(serviceReply(conn.remote, conn.rport));
    ns.sim.schedule(SERVICE_CLOSE_TURNAROUND_NS, { handleEvent: () => conn.close() }, EV_CLOSE);
  }
}
