#!/usr/bin/env python3
"""twinnet's namespace agent: one process that works inside many network namespaces.

The emulator (TypeScript) drives it with JSON lines on stdin and reads JSON lines on
stdout. It exists because Node.js can neither enter a network namespace (setns) nor
open AF_PACKET sockets, and both are needed: a socket belongs to the namespace of the
thread that creates it (socket(2), setns(2)), so this single-threaded process enters a
namespace, creates a socket, returns to its own namespace, and serves every socket of
every namespace from one event loop. It does:

  sysctl   write and read /proc/sys/net/* of a namespace
  listen   the scenario's services: each answers `seen ADDRESS:PORT\\n` (the simulator's
           protocol, sim/apps/service.ts), TCP after the first data then closing, UDP
           for every datagram
  probe    the TCP and UDP probe clients (sim/apps/tcp-probe.ts, udp-probe.ts): the
           same timeouts and the same outcomes
  relay    a userspace link for impairments where the kernel has no netem: frames are
           moved between two devices by AF_PACKET sockets, with netem's model of loss,
           queue limit, delay, jitter and rate (sim/net/qdisc.ts)
  proxy    Docker's userland proxy (docker-proxy) for a published port: proxy.py, a
           module beside this file

Only the Python standard library is used (ctypes for setns). Errors are reported, never
swallowed: a failed command answers {"op": "error", ...} with the reason; what a
docker-proxy would log is sent as {"op": "log", ...}. Quitting (the `quit` command, or
the end of stdin) stops the proxies and links first.
"""
import ctypes
import errno
import heapq
import json
import os
import random
import selectors
import signal
import socket
import struct
import sys
import time

sys.dont_write_bytecode = True  # the sibling module proxy.py: no __pycache__ in the source tree

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_VNET_HDR = 15
# struct virtio_net_hdr (include/uapi/linux/virtio_net.h): flags, gso_type, hdr_len,
# gso_size, csum_start, csum_offset, in host byte order.
VNET_HDR = struct.Struct('=BBHHHH')
VIRTIO_NET_HDR_F_NEEDS_CSUM = 1
VIRTIO_NET_HDR_GSO_NONE = 0
SOL_IP = 0
IP_RECVERR = 11
SO_EE_ORIGIN_ICMP = 2
NETEM_DEFAULT_LIMIT = 1000
# The longest the loop sleeps in one select: epoll_wait(2) takes its timeout as an int of
# milliseconds and Python refuses more (OverflowError "timeout is too large", about 24.8
# days), which a probe's long timeout would reach. The loop wakes, finds nothing due, and
# sleeps again.
MAX_SELECT_S = 3600.0

_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd):
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class Netns:
    """Inside a `with Netns(name):` block, new sockets and /proc/sys/net belong to `name`."""

    _home = os.open('/proc/self/ns/net', os.O_RDONLY)

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        fd = os.open('/run/netns/' + self.name, os.O_RDONLY)
        try:
            _setns(fd)
        finally:
            os.close(fd)

    def __exit__(self, *exc):
        _setns(Netns._home)


def emit(msg):
    sys.stdout.write(json.dumps(msg, separators=(',', ':')) + '\n')
    sys.stdout.flush()


def now_ns():
    return time.monotonic_ns()


class Loop:
    """A selector for sockets and a heap of timers."""

    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.timers = []
        self.seq = 0

    def after(self, delay_ns, fn):
        self.seq += 1
        entry = [now_ns() + max(0, int(delay_ns)), self.seq, fn]
        heapq.heappush(self.timers, entry)
        return entry

    def at(self, t_ns, fn):
        self.seq += 1
        entry = [t_ns, self.seq, fn]
        heapq.heappush(self.timers, entry)
        return entry

    @staticmethod
    def cancel(entry):
        if entry is not None:
            entry[2] = None

    def watch(self, sock, fn):
        self.sel.register(sock, selectors.EVENT_READ, fn)

    def watch_write(self, sock, fn):
        self.sel.register(sock, selectors.EVENT_WRITE, fn)

    def unwatch(self, sock):
        try:
            self.sel.unregister(sock)
        except (KeyError, ValueError):
            pass

    def want(self, sock, read, write, fn):
        """Watches `sock` for reading, writing, both (fn(sock) on either) or, with neither, not at all."""
        events = (selectors.EVENT_READ if read else 0) | (selectors.EVENT_WRITE if write else 0)
        try:
            key = self.sel.get_key(sock)
        except KeyError:
            key = None
        if events == 0:
            if key is not None:
                self.sel.unregister(sock)
        elif key is None:
            self.sel.register(sock, events, fn)
        elif key.events != events or key.data is not fn:
            self.sel.modify(sock, events, fn)

    @staticmethod
    def now():
        return now_ns()

    def run_once(self):
        while self.timers and self.timers[0][2] is None:
            heapq.heappop(self.timers)
        timeout = None
        if self.timers:
            timeout = min(MAX_SELECT_S, max(0.0, (self.timers[0][0] - now_ns()) / 1e9))
        for key, _ in self.sel.select(timeout):
            guarded(key.data, key.fileobj)
        t = now_ns()
        while self.timers and self.timers[0][0] <= t:
            _, _, fn = heapq.heappop(self.timers)
            if fn is not None:
                guarded(fn)


def guarded(fn, *args):
    """Runs a callback; a failure is reported to the emulator (which stops the run), not lost."""
    try:
        fn(*args)
    except SystemExit:
        raise
    except Exception as e:
        emit({'op': 'fault', 'error': '%s: %s' % (type(e).__name__, e)})


LOOP = Loop()
REPLY_PREFIX = b'seen '


def reply_for(addr):
    return b'seen %s:%d\n' % (addr[0].encode(), addr[1])


# --- sysctl -----------------------------------------------------------------------

def sysctl_path(key):
    # The plan's keys are dotted, as sysctl(8) prints them: a "/" inside a part stands
    # for a "." of a name (net.ipv4.conf.eth0/1.forwarding is .../conf/eth0.1/...).
    parts = key.translate(str.maketrans('./', '/.')).split('/')
    if parts[0] != 'net' or len(parts) < 2 or any(p in ('', '.', '..') for p in parts):
        raise ValueError('not a net sysctl: ' + key)
    return '/proc/sys/' + '/'.join(parts)


def op_sysctl(cmd):
    with Netns(cmd['ns']):
        for key, value in cmd.get('set', {}).items():
            with open(sysctl_path(key), 'w') as f:
                f.write(str(value))
        values = {}
        for key in cmd.get('read', []):
            try:
                with open(sysctl_path(key)) as f:
                    values[key] = f.read().strip()
            except FileNotFoundError:
                values[key] = None
    emit({'op': 'ok', 'id': cmd.get('id'), 'values': values})


# --- services ---------------------------------------------------------------------

def op_listen(cmd):
    proto = cmd['proto']
    with Netns(cmd['ns']):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if proto == 'tcp' else socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', cmd['port']))
    s.setblocking(False)
    if proto == 'tcp':
        s.listen(128)
        LOOP.watch(s, tcp_accept)
    else:
        LOOP.watch(s, udp_serve)
    emit({'op': 'ok', 'id': cmd.get('id')})


def tcp_accept(lsock):
    try:
        conn, addr = lsock.accept()
    except BlockingIOError:
        return
    conn.setblocking(False)
    LOOP.watch(conn, lambda c, a=addr: tcp_serve(c, a))


def tcp_serve(conn, addr):
    try:
        data = conn.recv(65536)
    except BlockingIOError:
        return
    except OSError:
        data = b''
    LOOP.unwatch(conn)
    if data:
        try:
            conn.sendall(reply_for(addr))
        except OSError:
            pass
    conn.close()


def udp_serve(s):
    try:
        _, addr = s.recvfrom(65536)
    except (BlockingIOError, OSError):
        return
    try:
        s.sendto(reply_for(addr), addr)
    except OSError:
        pass


# --- probes -----------------------------------------------------------------------

def icmp_words(ee_type, ee_code, info):
    if ee_type == 11:
        return 'unreachable', 'Frag reassembly time exceeded' if ee_code == 1 else 'Time to live exceeded'
    words = {0: 'Destination Net Unreachable', 1: 'Destination Host Unreachable', 2: 'Destination Protocol Unreachable',
             3: 'Destination Port Unreachable', 4: 'Frag needed and DF set (mtu = %d)' % info, 9: 'Destination Net Prohibited',
             10: 'Destination Host Prohibited', 13: 'Communication prohibited by filter'}
    refused = ee_code in (3, 9, 10, 13)
    return ('refused' if refused else 'unreachable'), words.get(ee_code, 'Destination Unreachable, code %d' % ee_code)


def read_errqueue(s):
    """The ICMP error queued on a socket with IP_RECVERR: (type, code, info, offender) or None."""
    try:
        _, ancdata, _, _ = s.recvmsg(512, 512, socket.MSG_ERRQUEUE)
    except OSError:
        return None
    for level, kind, data in ancdata:
        if level == SOL_IP and kind == IP_RECVERR and len(data) >= 16:
            _errno, origin, etype, ecode, _pad, info, _data = struct.unpack('=IBBBBII', data[:16])
            offender = None
            if len(data) >= 24:
                offender = socket.inet_ntoa(data[20:24])
            if origin == SO_EE_ORIGIN_ICMP:
                return etype, ecode, info, offender
    return None


ERRNO_WORDS = {errno.ECONNREFUSED: 'Connection refused', errno.EHOSTUNREACH: 'No route to host',
               errno.ENETUNREACH: 'Network is unreachable', errno.ETIMEDOUT: 'Connection timed out',
               errno.ECONNRESET: 'Connection reset by peer', errno.EMSGSIZE: 'Message too long'}


class Probe:
    def __init__(self, cmd):
        self.cmd = cmd
        self.id = cmd['id']
        self.start = now_ns()
        self.done = False
        self.timer = None
        self.sock = None

    def finish(self, outcome, detail, **extra):
        if self.done:
            return
        self.done = True
        Loop.cancel(self.timer)
        if self.sock is not None:
            LOOP.unwatch(self.sock)
            self.sock.close()
        msg = {'op': 'result', 'id': self.id, 'outcome': outcome, 'detail': detail}
        msg.update(extra)
        emit(msg)


class TcpProbe(Probe):
    def begin(self):
        c = self.cmd
        with Netns(c['ns']):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setblocking(False)
        self.buf = b''
        self.connected_ns = None
        err = self.sock.connect_ex((c['dst'], c['port']))
        if err not in (0, errno.EINPROGRESS):
            return self.finish('unreachable', ERRNO_WORDS.get(err, os.strerror(err)), sent=0, received=0, rtt_ns=[])
        self.timer = LOOP.after(c['timeout_ns'], self.timed_out)
        LOOP.watch_write(self.sock, self.on_connect)

    def on_connect(self, s):
        LOOP.unwatch(s)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err != 0:
            outcome = 'refused' if err in (errno.ECONNREFUSED, errno.ECONNRESET) else 'unreachable'
            return self.finish(outcome, ERRNO_WORDS.get(err, os.strerror(err)), sent=1, received=0, rtt_ns=[])
        self.connected_ns = now_ns()
        Loop.cancel(self.timer)
        self.timer = LOOP.after(self.cmd['timeout_ns'], self.timed_out)
        s.sendall(self.cmd['request'].encode())
        LOOP.watch(s, self.on_data)

    def on_data(self, s):
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            return self.finish('refused', ERRNO_WORDS.get(e.errno, str(e)), sent=1, received=0, rtt_ns=self.rtt())
        if data:
            self.buf += data
            return
        line = self.buf.split(b'\n')[0]
        if not self.buf.startswith(REPLY_PREFIX):
            return self.finish('timed-out', 'the server closed without a reply line', sent=1, received=0, rtt_ns=self.rtt())
        addr, port = line[len(REPLY_PREFIX):].decode().rsplit(':', 1)
        c = self.cmd
        self.finish('delivered', 'reply from %s:%d' % (c['dst'], c['port']), sent=1, received=1, rtt_ns=self.rtt(),
                    seen={'address': addr, 'port': int(port)})

    def rtt(self):
        return [] if self.connected_ns is None else [self.connected_ns - self.start]

    def timed_out(self):
        self.timer = None
        why = 'no answer (connect timed out)' if self.connected_ns is None else 'no answer (no reply after connecting)'
        self.finish('timed-out', why, sent=1, received=0, rtt_ns=self.rtt())


class UdpProbe(Probe):
    def begin(self):
        c = self.cmd
        with Netns(c['ns']):
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(SOL_IP, IP_RECVERR, 1)
        self.sock.setblocking(False)
        try:
            self.sock.connect((c['dst'], c['port']))
            self.sock.send(c['request'].encode())
        except OSError as e:
            # EPERM: netfilter's OUTPUT dropped the datagram (NF_DROP -> net_xmit_errno).
            if e.errno == errno.EPERM:
                return self.finish('dropped', 'sendto: Operation not permitted', sent=0, received=0, rtt_ns=[])
            return self.finish('unreachable', ERRNO_WORDS.get(e.errno, str(e)), sent=0, received=0, rtt_ns=[])
        self.timer = LOOP.after(c['timeout_ns'], lambda: self.finish('timed-out', 'no answer', sent=1, received=0, rtt_ns=[]))
        LOOP.watch(self.sock, self.on_data)

    def on_data(self, s):
        try:
            data = s.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            err = read_errqueue(s)
            if err is None:
                return self.finish('unreachable', ERRNO_WORDS.get(e.errno, str(e)), sent=1, received=0, rtt_ns=[])
            etype, ecode, info, offender = err
            outcome, words = icmp_words(etype, ecode, info)
            return self.finish(outcome, 'From %s: %s' % (offender, words), sent=1, received=0, rtt_ns=[], error_from=offender)
        if not data.startswith(REPLY_PREFIX):
            return
        addr, port = data.split(b'\n')[0][len(REPLY_PREFIX):].decode().rsplit(':', 1)
        c = self.cmd
        self.finish('delivered', 'reply from %s:%d' % (c['dst'], c['port']), sent=1, received=1,
                    rtt_ns=[now_ns() - self.start], seen={'address': addr, 'port': int(port)})


def op_probe(cmd):
    probe = TcpProbe(cmd) if cmd['kind'] == 'tcp' else UdpProbe(cmd)
    probe.begin()


# --- the userspace link -------------------------------------------------------------

class Shaper:
    """netem's model, as sim/net/qdisc.ts: loss at enqueue, a limit counting held packets,
    delay with uniform jitter, and rate with each packet following the last."""

    def __init__(self, shape, rng):
        self.shape = shape
        self.rng = rng
        self.held = []

    def enqueue(self, t, nbytes):
        s = self.shape
        if s['lossPpm'] > 0 and self.rng.randrange(1000000) < s['lossPpm']:
            return 'loss'
        self.held = [h for h in self.held if h > t]
        limit = s['limit'] if s['limit'] > 0 else NETEM_DEFAULT_LIMIT
        if len(self.held) >= limit:
            return 'queue-full'
        delay = s['delayNs']
        if s['jitterNs'] > 0:
            delay += self.rng.randrange(-s['jitterNs'], s['jitterNs'])
        start = t
        if s['rateBps'] > 0:
            last = max(self.held) if self.held else None
            if last is not None and last > t:
                delay = max(0, delay - (last - t))
                start = last
            delay += -(-(nbytes * 8 * 1000000000) // s['rateBps'])
        at = start + max(0, delay)
        self.held.append(at)
        return at


def ones_sum(data):
    if len(data) % 2:
        data += b'\0'
    return sum(struct.unpack('!%dH' % (len(data) // 2), data))


def finish_checksum(frame, start, offset):
    """skb_checksum_help: a veth's sender leaves the transport checksum to be finished
    (CHECKSUM_PARTIAL), its field holding the pseudo-header's sum; the packet socket says
    where it starts (the virtio header's csum_start and csum_offset, from the frame's
    first byte). That may be a tunnelled packet's inner TCP or UDP header, not the outer
    one, so the place is taken from the kernel, never guessed from the headers."""
    s = ones_sum(frame[start:])
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    c = (~s & 0xffff) or 0xffff  # csum_fold(csum) ?: CSUM_MANGLED_0
    at = start + offset
    return frame[:at] + struct.pack('!H', c) + frame[at + 2:]


def relay_frame(vnet, frame):
    """What the relay sends on: a finished frame with an empty virtio header, or, for a
    GSO super-packet, the header as received, so that the kernel segments it as it would
    have on the way out of the veth."""
    flags, gso_type, _, _, start, offset = VNET_HDR.unpack(vnet)
    if gso_type != VIRTIO_NET_HDR_GSO_NONE:
        return vnet + frame
    if flags & VIRTIO_NET_HDR_F_NEEDS_CSUM:
        frame = finish_checksum(frame, start, offset)
    return bytes(VNET_HDR.size) + frame


class Relay:
    def __init__(self, cmd):
        self.id = cmd['relay']
        self.socks = []
        self.counts = {'loss': 0, 'queue-full': 0, 'link-down': 0, 'sent': 0}
        rng = random.Random(cmd.get('seed', 1))
        for end in (cmd['a'], cmd['b']):
            with Netns(end['ns']):
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((end['dev'], 0))
            s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
            s.setblocking(False)
            self.socks.append(s)
        self.shapers = [Shaper(cmd['shapeAB'], random.Random(rng.random())), Shaper(cmd['shapeBA'], random.Random(rng.random()))]
        for i, s in enumerate(self.socks):
            LOOP.watch(s, lambda sock, i=i: self.on_frame(i, sock))

    def on_frame(self, i, sock):
        while True:
            try:
                data, _, _, addr = sock.recvmsg(VNET_HDR.size + 65536)
            except BlockingIOError:
                return
            except OSError as e:
                # The device went down (a link-down fault): the packet socket reports
                # ENETDOWN once (packet_notifier sets sk_err) and receives again once
                # the device is back up.
                if e.errno == errno.ENETDOWN:
                    continue
                raise
            if addr[2] == PACKET_OUTGOING:
                continue
            frame = relay_frame(data[:VNET_HDR.size], data[VNET_HDR.size:])
            r = self.shapers[i].enqueue(now_ns(), len(frame) - VNET_HDR.size)
            if isinstance(r, str):
                self.counts[r] += 1
                continue
            out = self.socks[1 - i]
            LOOP.at(r, lambda f=frame, o=out: self.send(o, f))

    def send(self, out, frame):
        try:
            out.send(frame)
            self.counts['sent'] += 1
        except OSError as e:
            # A frame in flight when its cable goes down is lost, as on a veth whose
            # peer went down; a full device queue (ENOBUFS) loses it too.
            self.counts['link-down' if e.errno in (errno.ENETDOWN, errno.ENXIO) else 'queue-full'] += 1


RELAYS = {}


def op_relay(cmd):
    # By the cable's name, which relay-shape gives later; cmd['id'] numbers the request.
    RELAYS[cmd['relay']] = Relay(cmd)
    emit({'op': 'ok', 'id': cmd.get('id')})


def op_relay_shape(cmd):
    relay = RELAYS[cmd['relay']]
    relay.shapers[0 if cmd['dir'] == 'ab' else 1].shape = cmd['shape']
    emit({'op': 'ok', 'id': cmd.get('id')})


def op_relay_stats(cmd):
    emit({'op': 'ok', 'id': cmd.get('id'), 'stats': {k: v.counts for k, v in RELAYS.items()}})


# --- docker-proxy -----------------------------------------------------------------------

PROXIES = []


def proxy_log(spec, message):
    emit({'op': 'log', 'ns': spec.ns, 'what': str(spec), 'message': message})


# Made with the first proxy: proxy.py is imported only by runs that publish ports, since
# without a bytecode cache compiling it costs every agent's start-up several ms.
PROXY_HOST = []


def op_proxy(cmd):
    import proxy  # found beside this file: sys.path[0] is its folder, with -S too
    if not PROXY_HOST:
        PROXY_HOST.append(proxy.Host(LOOP, Netns, proxy_log))
    PROXIES.append(proxy.start(cmd, PROXY_HOST[0]))
    emit({'op': 'ok', 'id': cmd.get('id')})


def stop_all():
    """Closes every proxy (listeners and relayed connections) and every link's sockets."""
    while PROXIES:
        PROXIES.pop().stop()
    for relay in RELAYS.values():
        for s in relay.socks:
            LOOP.unwatch(s)
            s.close()
    RELAYS.clear()


def quit_agent():
    stop_all()
    sys.exit(0)


OPS = {'sysctl': op_sysctl, 'listen': op_listen, 'probe': op_probe, 'relay': op_relay,
       'relay-shape': op_relay_shape, 'relay-stats': op_relay_stats, 'proxy': op_proxy}


PENDING = [b'']


def on_stdin(fd):
    """Reads what is there (raw, so no line waits in a buffer the selector cannot see)."""
    chunk = os.read(fd, 65536)
    if chunk == b'':
        quit_agent()
    lines = (PENDING[0] + chunk).split(b'\n')
    PENDING[0] = lines.pop()
    for line in lines:
        if line.strip():
            run_command(json.loads(line))


def run_command(cmd):
    if cmd.get('op') == 'quit':
        quit_agent()
    try:
        OPS[cmd['op']](cmd)
    except Exception as e:  # every failure is reported to the emulator, which stops the run
        emit({'op': 'error', 'id': cmd.get('id'), 'error': '%s: %s' % (type(e).__name__, e)})


def main():
    # Ctrl-C in a terminal sends SIGINT to the whole process group, this agent included;
    # the emulator then tears the run down and tells the agent to quit, in that order, so
    # the agent leaves its end to the emulator (the quit command, or the end of stdin).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    LOOP.watch(sys.stdin.fileno(), on_stdin)
    emit({'op': 'ready', 'pid': os.getpid()})
    while True:
        LOOP.run_once()


if __name__ == '__main__':
    main()
