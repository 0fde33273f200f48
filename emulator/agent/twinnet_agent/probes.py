"""The TCP and UDP probe clients, as the simulator's (sim/apps/tcp-probe.ts, udp-probe.ts).

A probe reports raw facts, never an outcome: how its socket ended (a reply line, a TCP
server closing without one, an errno with the step it came in, an ICMP error read from
the socket's error queue, or its timeout), what it sent and received, and the round
trip. core/outcome.ts classifies them on the TypeScript side, as it classifies the
simulator's. TCP: connect, send the request, read until the server closes; the timeout
bounds the handshake and again the wait for the reply. UDP: a connected socket with
IP_RECVERR, so ICMP errors reach it; the timeout bounds the wait for the reply.
"""
import errno
import os
import socket
import struct

from .loop import now_ns
from .services import parse_reply

SOL_IP = 0
IP_RECVERR = 11
SO_EE_ORIGIN_ICMP = 2
# struct sock_extended_err (linux/errqueue.h): ee_errno, ee_origin, ee_type, ee_code,
# ee_pad, ee_info, ee_data; the offender's sockaddr_in follows it.
SOCK_EXTENDED_ERR = struct.Struct('=IBBBBII')


def errno_fact(err, step):
    """An errno as core/outcome.ts's ErrnoFact: its name, the step, strerror(3)."""
    return {'kind': 'errno', 'errno': errno.errorcode.get(err, 'E%d' % err), 'step': step, 'strerror': os.strerror(err)}


def icmp_fact(ancdata):
    """The ICMP error in a MSG_ERRQUEUE read's control messages, as a fact, or None."""
    for level, kind, data in ancdata:
        if level != SOL_IP or kind != IP_RECVERR or len(data) < SOCK_EXTENDED_ERR.size:
            continue
        _errno, origin, etype, ecode, _pad, info, _data = SOCK_EXTENDED_ERR.unpack(data[:SOCK_EXTENDED_ERR.size])
        offender = socket.inet_ntoa(data[20:24]) if len(data) >= 24 else None
        if origin == SO_EE_ORIGIN_ICMP and offender is not None:
            return {'kind': 'icmp', 'type': etype, 'code': ecode, 'info': info, 'from': offender}
    return None


def read_icmp_error(s):
    """The ICMP error queued on a socket with IP_RECVERR, as a fact, or None."""
    try:
        _, ancdata, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
    except OSError:
        return None
    return icmp_fact(ancdata)


class Probe:
    """One probe: its socket, its timer, and one report when it ends."""

    def __init__(self, cmd, loop, netns, report):
        self.cmd = cmd
        self.loop = loop
        self.netns = netns
        self.report = report
        self.start = now_ns()
        self.done = False
        self.timer = None
        self.sock = None

    def finish(self, end, sent, received, rtt_ns):
        if self.done:
            return
        self.done = True
        self.loop.cancel(self.timer)
        if self.sock is not None:
            self.loop.unwatch(self.sock)
            self.sock.close()
        self.report({'op': 'result', 'id': self.cmd['id'], 'end': end,
                     'sent': sent, 'received': received, 'rttNs': rtt_ns})


class TcpProbe(Probe):
    def begin(self):
        c = self.cmd
        with self.netns.enter(c['ns']):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.buf = b''
        self.connected_ns = None
        err = self.sock.connect_ex((c['dst'], c['port']))
        if err not in (0, errno.EINPROGRESS):
            return self.finish(errno_fact(err, 'connect'), 0, 0, [])
        self.timer = self.loop.after(c['timeoutNs'], self.timed_out)
        self.loop.watch_write(self.sock, self.on_connect)

    def on_connect(self, s):
        self.loop.unwatch(s)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err != 0:
            return self.finish(errno_fact(err, 'connection'), 1, 0, [])
        self.connected_ns = now_ns()
        self.loop.cancel(self.timer)
        self.timer = self.loop.after(self.cmd['timeoutNs'], self.timed_out)
        s.sendall(self.cmd['request'].encode())
        self.loop.watch(s, self.on_data)

    def on_data(self, s):
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            return self.finish(errno_fact(e.errno, 'connection'), 1, 0, self.rtt())
        if data:
            self.buf += data
            return
        seen = parse_reply(self.buf)
        if seen is None:
            return self.finish({'kind': 'closed'}, 1, 0, self.rtt())
        self.finish({'kind': 'reply', 'seen': seen}, 1, 1, self.rtt())

    def rtt(self):
        return [] if self.connected_ns is None else [self.connected_ns - self.start]

    def timed_out(self):
        self.timer = None
        self.finish({'kind': 'timeout', 'connected': self.connected_ns is not None}, 1, 0, self.rtt())


class UdpProbe(Probe):
    def begin(self):
        c = self.cmd
        with self.netns.enter(c['ns']):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(SOL_IP, IP_RECVERR, 1)
        self.sock.setblocking(False)
        try:
            self.sock.connect((c['dst'], c['port']))
            self.sock.send(c['request'].encode())
        except OSError as e:
            # EPERM: netfilter's OUTPUT dropped the datagram (NF_DROP -> net_xmit_errno).
            return self.finish(errno_fact(e.errno, 'send'), 0, 0, [])
        self.timer = self.loop.after(c['timeoutNs'], lambda: self.finish({'kind': 'timeout'}, 1, 0, []))
        self.loop.watch(self.sock, self.on_data)

    def on_data(self, s):
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            fact = read_icmp_error(s)
            return self.finish(fact or errno_fact(e.errno, 'receive'), 1, 0, [])
        seen = parse_reply(data)
        if seen is None:
            return
        self.finish({'kind': 'reply', 'seen': seen}, 1, 1, [now_ns() - self.start])


def start(cmd, loop, netns, report):
    """Starts a probe; `report` gets its result. Raises when it cannot start (no such namespace)."""
    probe = TcpProbe(cmd, loop, netns, report) if cmd['kind'] == 'tcp' else UdpProbe(cmd, loop, netns, report)
    probe.begin()
    return probe
