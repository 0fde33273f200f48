"""docker-proxy, Docker's userland proxy, as twinnet's namespace agent runs it.

twinnet's own small relay with docker-proxy's observable behaviour (read from moby's
cmd/docker-proxy tcp_proxy_linux.go and udp_proxy_linux.go, Docker 28; Docker 20.10's is
libnetwork cmd/proxy, the same code but for the two UDP points marked below, which the
relay follows by the helper's `version`, as the simulator's sim/apps/docker-proxy.ts does):

  TCP  listen on host_ip:host_port of the helper's namespace (0.0.0.0: every address;
       127.0.0.1: loopback only, so the kernel refuses a connection to any other
       address). For each accepted client, connect to the container from the same
       namespace with no source address (the kernel picks it: the bridge's address,
       which is why a container sees 172.17.0.1). When that connect fails, close the
       client. Otherwise copy bytes both ways; when one side ends (EOF or an error),
       shut down reading from it and writing toward the other (docker-proxy's broker:
       io.Copy, then from.CloseRead() and to.CloseWrite()), and close both sockets when
       both directions are done. Accepted connections get Go's TCP keepalive (15 s).
  UDP  bind host_ip:host_port; per client address, a socket connected to the container;
       datagrams relayed both ways, replies sent to the client from the listening socket
       with the address the client wrote to as their source (IP_PKTINFO; Docker 28.0.0,
       moby 6c6174b371; 20.10 sent them with a plain WriteToUDP, so the kernel picks it:
       the bound address, or for 0.0.0.0 the route's, the bridge's for a hairpinned
       container). A client is forgotten when its container has not answered for
       UDP_CONNTRACK_TIMEOUT_NS and the client has not written for as long (Docker
       28.0.2, moby 4276f330fc; 20.10 forgot it that long after the container's last
       answer, whatever the client sent). ICMP port unreachable from the container is
       ignored, as docker-proxy ignores ECONNREFUSED: the client hears nothing.

Left out: IPv6 (the second docker-proxy on `::`), SCTP, the start-up handshake with
dockerd (Docker 28 also creates the listening socket in dockerd and passes it over),
and docker-proxy's log (twinnet reports the same events as {"op": "log"} messages).

The agent gives this module its event loop, a way to enter a namespace (a function
returning a context manager, netns.Namespaces.enter) and a way to report; nothing here
blocks, and every failure docker-proxy would log is reported.
"""
import errno
import os
import socket
import struct

# UDPConnTrackTimeout = 90 * time.Second (libnetwork cmd/proxy/udp_proxy.go, Docker 20.10),
# DefaultConnTrackTimeout in moby cmd/docker-proxy/udp_proxy_linux.go (Docker 28).
UDP_CONNTRACK_TIMEOUT_NS = 90 * 1000000000
# UDPBufSize = 65507, the same files: the largest UDP payload over IPv4.
UDP_BUF_SIZE = 65507
# io.Copy's buffer (Go io.copyBuffer: 32 KiB).
TCP_COPY_SIZE = 32 * 1024
# Go enables keepalive on accepted TCP connections with a 15 s idle time and interval
# (net/tcpsock_posix.go TCPListener.accept; defaultTCPKeepAlive in net/dial.go).
GO_TCP_KEEPALIVE_S = 15
# Go's listen backlog is net.core.somaxconn, capped at 65535 (net/sock_linux.go maxListenerBacklog).
GO_MAX_BACKLOG = 65535
# How many datagrams one wake-up of the loop moves, so that a flood cannot starve the rest.
UDP_BATCH = 64

IP_PKTINFO = 8  # linux/in.h
IN_PKTINFO = struct.Struct('=i4s4s')  # struct in_pktinfo: ifindex, spec_dst, addr


class Host:
    """What the agent lends a proxy: its loop, a way into a namespace, and a way to report."""

    def __init__(self, loop, netns, log):
        self.loop = loop
        self.netns = netns
        self.log = log


def describe(e):
    return os.strerror(e.errno) if isinstance(e, OSError) and e.errno else str(e)


def shut(sock, how):
    """shutdown(2) as Go's CloseRead and CloseWrite: ENOTCONN means the peer already reset
    the connection (whatever showed that was reported), so there is nothing left to shut."""
    try:
        sock.shutdown(how)
    except OSError as e:
        if e.errno != errno.ENOTCONN:
            raise


def listen_backlog(netns, ns):
    with netns(ns):
        with open('/proc/sys/net/core/somaxconn') as f:
            return min(int(f.read()), GO_MAX_BACKLOG)


class Spec:
    """One docker-proxy's arguments, from the agent's `proxy` command."""

    def __init__(self, cmd):
        self.ns = cmd['ns']
        self.proto = cmd['proto']
        self.host = (cmd['hostIp'], cmd['hostPort'])
        self.container = (cmd['containerIp'], cmd['containerPort'])
        # Docker's 90 s unless a test asks for less (docker-proxy has no such flag).
        self.udp_timeout_ns = cmd.get('udpTimeoutNs', UDP_CONNTRACK_TIMEOUT_NS)
        # The two UDP points where 20.10's proxy differs from 28's (see the module's header).
        legacy = cmd['version'] == '20.10'
        self.udp_reply_from_client_destination = not legacy
        self.udp_client_write_keeps_alive = not legacy

    def __str__(self):
        return 'docker-proxy -proto %s -host-ip %s -host-port %d -container-ip %s -container-port %d' % (
            self.proto, self.host[0], self.host[1], self.container[0], self.container[1])


# --- TCP --------------------------------------------------------------------------------

class Pipe:
    """One direction of a relayed connection: docker-proxy's broker(to, from)."""

    def __init__(self, src, dst, name):
        self.src = src
        self.dst = dst
        self.name = name
        self.buf = b''
        self.ended = False  # the source gave EOF, or an error ended the copy
        self.done = False   # reading from src and writing to dst are shut down
        self.error = None

    def step(self):
        """Moves what it can without blocking."""
        if not self.ended and not self.buf:
            try:
                data = self.src.recv(TCP_COPY_SIZE)
                self.buf = data
                self.ended = data == b''
            except BlockingIOError:
                pass
            except OSError as e:
                self.end(e)
        if self.buf:
            try:
                self.buf = self.buf[self.dst.send(self.buf):]
            except BlockingIOError:
                pass
            except OSError as e:
                self.end(e)
        if self.ended and not self.buf and not self.done:
            self.done = True
            shut(self.src, socket.SHUT_RD)
            shut(self.dst, socket.SHUT_WR)

    def end(self, e):
        """io.Copy stops at the first error, dropping what it held."""
        self.ended = True
        self.buf = b''
        self.error = e

    def wants_read(self):
        return not self.ended and not self.buf

    def wants_write(self):
        return bool(self.buf)


class TcpSession:
    """One client: the dial to the container, then the two pipes."""

    def __init__(self, proxy, client):
        self.proxy = proxy
        self.client = client
        self.pipes = []
        self.closed = False
        host = proxy.host
        client.setblocking(False)
        client.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, GO_TCP_KEEPALIVE_S)
        client.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, GO_TCP_KEEPALIVE_S)
        with host.netns(proxy.spec.ns):
            self.backend = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.backend.setblocking(False)
        proxy.sessions.add(self)
        err = self.backend.connect_ex(proxy.spec.container)
        if err not in (0, errno.EINPROGRESS):
            return self.dial_failed(err)
        host.loop.want(self.backend, False, True, self.on_dialled)

    def on_dialled(self, sock):
        if self.closed:
            return
        err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err != 0:
            return self.dial_failed(err)
        self.pipes = [Pipe(self.client, self.backend, 'from the client to the container'),
                      Pipe(self.backend, self.client, 'from the container to the client')]
        self.pump(sock)

    def dial_failed(self, err):
        c = self.proxy.spec.container
        self.proxy.host.log(self.proxy.spec, "can't forward traffic to backend tcp/%s:%d: %s; "
                            "the client's connection is closed" % (c[0], c[1], os.strerror(err)))
        self.close()

    def pump(self, _sock):
        """Moves both directions along; runs on any readiness of either socket."""
        if self.closed:
            return  # a wake-up that was already due when the session closed
        for p in self.pipes:
            p.step()
            if p.error is not None:
                self.proxy.host.log(self.proxy.spec, 'copying %s ended: %s' % (p.name, describe(p.error)))
                p.error = None
        if all(p.done for p in self.pipes):
            return self.close()
        to_backend, to_client = self.pipes
        loop = self.proxy.host.loop
        loop.want(self.client, to_backend.wants_read(), to_client.wants_write(), self.pump)
        loop.want(self.backend, to_client.wants_read(), to_backend.wants_write(), self.pump)

    def close(self):
        self.closed = True
        loop = self.proxy.host.loop
        for s in (self.client, self.backend):
            loop.want(s, False, False, None)
            s.close()
        self.proxy.sessions.discard(self)


class TcpProxy:
    def __init__(self, spec, host):
        self.spec = spec
        self.host = host
        self.sessions = set()
        backlog = listen_backlog(host.netns, spec.ns)
        with host.netns(spec.ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            # Go sets SO_REUSEADDR on every TCP listener (net/sockopt_posix.go setDefaultListenerSockopts).
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(spec.host)
            s.listen(backlog)
            s.setblocking(False)
        except OSError:
            s.close()
            raise
        self.listener = s
        host.loop.watch(s, self.on_accept)

    def on_accept(self, lsock):
        while True:
            try:
                client, _ = lsock.accept()
            except BlockingIOError:
                return
            except ConnectionAbortedError:
                continue  # Go's accept retries ECONNABORTED (internal/poll/fd_unix.go)
            TcpSession(self, client)

    def stop(self):
        self.host.loop.unwatch(self.listener)
        self.listener.close()
        for session in list(self.sessions):
            session.close()


# --- UDP --------------------------------------------------------------------------------

class UdpClient:
    """One client address: a socket connected to the container, and its idle clock."""

    def __init__(self, proxy, addr, daddr, backend):
        self.proxy = proxy
        self.addr = addr
        spec = proxy.spec
        self.pktinfo = [(socket.IPPROTO_IP, IP_PKTINFO, IN_PKTINFO.pack(0, socket.inet_aton(daddr), b'\0' * 4))] \
            if spec.udp_reply_from_client_destination else []
        self.backend = backend
        self.last_write_ns = None
        self.timer = None
        self.closed = False
        proxy.host.loop.watch(backend, self.on_reply)
        self.arm()

    def arm(self):
        loop = self.proxy.host.loop
        loop.cancel(self.timer)
        self.timer = loop.after(self.proxy.spec.udp_timeout_ns, self.on_idle)

    def on_idle(self):
        """The read deadline passed: keep the client if it wrote within the timeout (Docker 28.0.2; 20.10 did not)."""
        self.timer = None
        spec = self.proxy.spec
        timeout = spec.udp_timeout_ns
        wrote = spec.udp_client_write_keeps_alive and self.last_write_ns is not None
        if wrote and self.proxy.host.loop.now() - self.last_write_ns < timeout:
            return self.arm()
        self.forget()

    def forward(self, data):
        try:
            self.backend.send(data)
            self.last_write_ns = self.proxy.host.loop.now()
        except OSError as e:
            c = self.proxy.spec.container
            self.proxy.host.log(self.proxy.spec, "can't proxy a datagram to udp/%s:%d: %s" % (c[0], c[1], describe(e)))

    def on_reply(self, sock):
        if self.closed:
            return  # a wake-up that was already due when the client was forgotten
        for _ in range(UDP_BATCH):
            try:
                data = sock.recv(UDP_BUF_SIZE)
            except BlockingIOError:
                return
            except ConnectionRefusedError:
                continue  # nothing listens in the container; docker-proxy waits on for the timeout
            except OSError as e:
                self.proxy.host.log(self.proxy.spec, 'reading the container\'s answer to %s:%d failed: %s'
                                    % (self.addr[0], self.addr[1], describe(e)))
                return self.forget()
            try:
                self.proxy.listener.sendmsg([data], self.pktinfo, 0, self.addr)
            except OSError as e:
                self.proxy.host.log(self.proxy.spec, 'answering %s:%d failed: %s'
                                    % (self.addr[0], self.addr[1], describe(e)))
                return self.forget()
            self.arm()

    def forget(self):
        self.closed = True
        loop = self.proxy.host.loop
        loop.cancel(self.timer)
        loop.unwatch(self.backend)
        self.backend.close()
        self.proxy.clients.pop(self.addr, None)


def pktinfo_dst(ancdata):
    """The destination address of a received datagram (IP_PKTINFO's ipi_addr)."""
    for level, kind, data in ancdata:
        if level == socket.IPPROTO_IP and kind == IP_PKTINFO and len(data) >= IN_PKTINFO.size:
            return socket.inet_ntoa(IN_PKTINFO.unpack(data[:IN_PKTINFO.size])[2])
    raise ValueError('a datagram came without IP_PKTINFO')


class UdpProxy:
    def __init__(self, spec, host):
        self.spec = spec
        self.host = host
        self.clients = {}
        with host.netns(spec.ns):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.setsockopt(socket.IPPROTO_IP, IP_PKTINFO, 1)
            s.bind(spec.host)
            s.setblocking(False)
        except OSError:
            s.close()
            raise
        self.listener = s
        host.loop.watch(s, self.on_datagram)

    def on_datagram(self, sock):
        for _ in range(UDP_BATCH):
            try:
                data, ancdata, _, addr = sock.recvmsg(UDP_BUF_SIZE, 64)
            except BlockingIOError:
                return
            client = self.clients.get(addr) or self.track(addr, pktinfo_dst(ancdata))
            if client is not None:
                client.forward(data)

    def track(self, addr, daddr):
        with self.host.netns(self.spec.ns):
            b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        b.setblocking(False)
        try:
            b.connect(self.spec.container)
        except OSError as e:
            b.close()
            c = self.spec.container
            self.host.log(self.spec, "can't proxy a datagram to udp/%s:%d: %s" % (c[0], c[1], describe(e)))
            return None
        client = UdpClient(self, addr, daddr, b)
        self.clients[addr] = client
        return client

    def stop(self):
        self.host.loop.unwatch(self.listener)
        self.listener.close()
        for client in list(self.clients.values()):
            client.forget()


def start(cmd, host):
    """Starts one docker-proxy; raises (bind failing, for one) for the agent to report."""
    spec = Spec(cmd)
    if spec.proto == 'tcp':
        return TcpProxy(spec, host)
    if spec.proto == 'udp':
        return UdpProxy(spec, host)
    raise ValueError('docker-proxy: unknown protocol %r' % spec.proto)
