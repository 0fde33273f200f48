"""The scenario's services, as the simulator's (sim/apps/service.ts): a listener on
0.0.0.0:PORT that answers `seen ADDRESS:PORT\\n` with the source the kernel gave the
client's packets; TCP after the first data, then closing; UDP for every datagram.

Left out: anything a real server would do with the request's bytes.
"""
import socket

REPLY_PREFIX = b'seen '
LISTEN_BACKLOG = 128


def reply_for(addr):
    return b'seen %s:%d\n' % (addr[0].encode(), addr[1])


def parse_reply(data):
    """The (address, port) a service's reply line names, or None when `data` is not one."""
    if not data.startswith(REPLY_PREFIX):
        return None
    addr, port = data.split(b'\n')[0][len(REPLY_PREFIX):].decode().rsplit(':', 1)
    return {'address': addr, 'port': int(port)}


def listen(loop, netns, ns, proto, port):
    """Starts a service; the socket lives as long as the agent."""
    with netns.enter(ns):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', port))
    s.setblocking(False)
    if proto == 'tcp':
        s.listen(LISTEN_BACKLOG)
        loop.watch(s, lambda lsock: _tcp_accept(loop, lsock))
    else:
        loop.watch(s, _udp_serve)


def _tcp_accept(loop, lsock):
    try:
        conn, addr = lsock.accept()
    except BlockingIOError:
        return
    conn.setblocking(False)
    loop.watch(conn, lambda c: _tcp_serve(loop, c, addr))


def _tcp_serve(loop, conn, addr):
    try:
        data = conn.recv(65536)
    except BlockingIOError:
        return
    except OSError:
        data = b''
    loop.unwatch(conn)
    if data:
        try:
            conn.sendall(reply_for(addr))
        except OSError:
            pass
    conn.close()


def _udp_serve(s):
    try:
        _, addr = s.recvfrom(65536)
    except (BlockingIOError, OSError):
        return
    try:
        s.sendto(reply_for(addr), addr)
    except OSError:
        pass
