"""A userspace link: frames moved between two devices by AF_PACKET sockets, shaped each
way with netem's model (sim/net/qdisc.ts), for impairments where the kernel has no netem.

Each frame is read with its virtio header (PACKET_VNET_HDR), so that a checksum a veth
left to be finished is finished here and a GSO super-packet is passed on whole, as the
veth would have. Left out: netem's reordering, duplication and corruption.
"""
import errno
import random
import socket
import struct

from .loop import now_ns

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_VNET_HDR = 15
# struct virtio_net_hdr (include/uapi/linux/virtio_net.h): flags, gso_type, hdr_len,
# gso_size, csum_start, csum_offset, in host byte order.
VNET_HDR = struct.Struct('=BBHHHH')
VIRTIO_NET_HDR_F_NEEDS_CSUM = 1
VIRTIO_NET_HDR_GSO_NONE = 0
# netem's default queue limit (tc-netem(8): limit 1000 packets).
NETEM_DEFAULT_LIMIT = 1000


class Shaper:
    """netem's model, as sim/net/qdisc.ts: loss at enqueue, a limit counting held packets,
    delay with uniform jitter, and rate with each packet following the last."""

    def __init__(self, shape, rng):
        self.shape = shape
        self.rng = rng
        self.held = []

    def enqueue(self, t, nbytes):
        """When the frame leaves, or why it does not ('loss', 'queueFull')."""
        s = self.shape
        if s['lossPpm'] > 0 and self.rng.randrange(1000000) < s['lossPpm']:
            return 'loss'
        self.held = [h for h in self.held if h > t]
        limit = s['limit'] if s['limit'] > 0 else NETEM_DEFAULT_LIMIT
        if len(self.held) >= limit:
            return 'queueFull'
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
    """One spliced cable: a packet socket on each end, a Shaper each way."""

    def __init__(self, cmd, loop, netns):
        self.loop = loop
        self.socks = []
        self.counts = {'loss': 0, 'queueFull': 0, 'linkDown': 0, 'sent': 0}
        rng = random.Random(cmd.get('seed', 1))
        for end in (cmd['a'], cmd['b']):
            with netns.enter(end['ns']):
                s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
            s.bind((end['dev'], 0))
            s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
            s.setblocking(False)
            self.socks.append(s)
        self.shapers = [Shaper(cmd['shapeAB'], random.Random(rng.random())),
                        Shaper(cmd['shapeBA'], random.Random(rng.random()))]
        for i, s in enumerate(self.socks):
            loop.watch(s, lambda sock, i=i: self.on_frame(i, sock))

    def reshape(self, direction, shape):
        self.shapers[0 if direction == 'ab' else 1].shape = shape

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
            self.loop.at(r, lambda f=frame, o=out: self.send(o, f))

    def send(self, out, frame):
        try:
            out.send(frame)
            self.counts['sent'] += 1
        except OSError as e:
            # A frame in flight when its cable goes down is lost, as on a veth whose
            # peer went down; a full device queue (ENOBUFS) loses it too.
            self.counts['linkDown' if e.errno in (errno.ENETDOWN, errno.ENXIO) else 'queueFull'] += 1

    def close(self):
        for s in self.socks:
            self.loop.unwatch(s)
            s.close()
