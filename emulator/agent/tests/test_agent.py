"""The Agent's pure parts: reading requests, answering errors, the protocol's lines, sysctl
keys, the probes' facts and the relay's shaping and checksums. Nothing here needs root
or a namespace (a fake stands in for setns)."""
import contextlib
import errno
import io
import random
import socket
import struct
import unittest

from twinnet_agent import probes, relay, services, sysctl
from twinnet_agent.agent import Agent
from twinnet_agent.protocol import Protocol, ProtocolError


class FakeNamespaces:
    def __init__(self):
        self.entered = []

    @contextlib.contextmanager
    def enter(self, name):
        self.entered.append(name)
        yield


def lines(out):
    import json
    return [json.loads(x) for x in out.getvalue().splitlines()]


class AgentTest(unittest.TestCase):
    def agent(self):
        out = io.StringIO()
        return Agent(out, netns=FakeNamespaces()), out

    def test_answers_a_request_under_its_id(self):
        agent, out = self.agent()
        agent.run_line(b'{"op":"relay-stats","id":"c7"}')
        self.assertEqual(lines(out), [{'op': 'ok', 'id': 'c7', 'stats': {}}])

    def test_answers_a_broken_request_with_an_error_under_its_id_when_it_has_one(self):
        agent, out = self.agent()
        agent.run_line(b'{"op":"listen","id":"c1","ns":"a","proto":"sctp","port":1}')
        agent.run_line(b'{"op":')
        first, second = lines(out)
        self.assertEqual((first['op'], first['id']), ('error', 'c1'))
        self.assertIn("proto: expected one of 'tcp', 'udp'", first['error'])
        self.assertEqual((second['op'], second['id']), ('error', None))

    def test_a_failing_command_is_an_error_not_a_crash(self):
        agent, out = self.agent()
        agent.run_line(b'{"op":"relay-shape","id":"c2","relay":"none","dir":"ab",'
                       b'"shape":{"delayNs":0,"jitterNs":0,"lossPpm":0,"rateBps":0,"limit":0}}')
        self.assertEqual(lines(out), [{'op': 'error', 'id': 'c2', 'error': "KeyError: 'none'"}])

    def test_quits_on_quit(self):
        agent, _ = self.agent()
        with self.assertRaises(SystemExit):
            agent.run_line(b'{"op":"quit"}')

    def test_a_reply_that_breaks_the_protocol_becomes_a_fault(self):
        out = io.StringIO()
        Protocol(out).emit({'op': 'result', 'id': 'c1', 'outcome': 'delivered'})
        self.assertEqual(lines(out)[0]['op'], 'fault')

    def test_decode_refuses_what_is_not_json(self):
        with self.assertRaises(ProtocolError):
            Protocol(io.StringIO()).decode(b'nope')


class SysctlTest(unittest.TestCase):
    def test_dotted_keys(self):
        self.assertEqual(sysctl.sysctl_path('net.ipv4.conf.eth0/1.forwarding'),
                         '/proc/sys/net/ipv4/conf/eth0.1/forwarding')
        for bad in ('kernel.pid_max', 'net..x', 'net.ipv4/...x', 'net'):
            with self.assertRaises(ValueError, msg=bad):
                sysctl.sysctl_path(bad)


class ProbeFactsTest(unittest.TestCase):
    def test_errno_facts_name_the_errno(self):
        self.assertEqual(probes.errno_fact(errno.ECONNREFUSED, 'connection'),
                         {'kind': 'errno', 'errno': 'ECONNREFUSED', 'step': 'connection',
                          'strerror': 'Connection refused'})

    def test_icmp_facts_from_the_error_queue(self):
        ee = probes.SOCK_EXTENDED_ERR.pack(errno.ECONNREFUSED, probes.SO_EE_ORIGIN_ICMP, 3, 3, 0, 0, 0)
        offender = struct.pack('=HH4s8x', socket.AF_INET, 0, socket.inet_aton('10.0.0.2'))
        fact = probes.icmp_fact([(probes.SOL_IP, probes.IP_RECVERR, ee + offender)])
        self.assertEqual(fact, {'kind': 'icmp', 'type': 3, 'code': 3, 'info': 0, 'from': '10.0.0.2'})
        local = probes.SOCK_EXTENDED_ERR.pack(errno.EMSGSIZE, 1, 0, 0, 0, 1400, 0)
        self.assertIsNone(probes.icmp_fact([(probes.SOL_IP, probes.IP_RECVERR, local + offender)]))

    def test_service_reply_lines(self):
        line = services.reply_for(('10.0.0.1', 40000))
        self.assertEqual(services.parse_reply(line), {'address': '10.0.0.1', 'port': 40000})
        self.assertIsNone(services.parse_reply(b'hello\n'))


class RelayTest(unittest.TestCase):
    IDEAL = {'delayNs': 0, 'jitterNs': 0, 'lossPpm': 0, 'rateBps': 0, 'limit': 0}

    def test_delay_rate_and_limit(self):
        shaper = relay.Shaper(dict(self.IDEAL, delayNs=1000, rateBps=8000000000, limit=2), random.Random(1))
        self.assertEqual(shaper.enqueue(0, 1000), 2000)  # 1 us of delay and 1 us on the wire
        self.assertEqual(shaper.enqueue(0, 1000), 3000)  # the next follows the last
        self.assertEqual(shaper.enqueue(0, 1000), 'queueFull')

    def test_loss(self):
        shaper = relay.Shaper(dict(self.IDEAL, lossPpm=1000000), random.Random(1))
        self.assertEqual(shaper.enqueue(0, 100), 'loss')

    def test_finishes_a_partial_checksum_where_the_kernel_says(self):
        # A UDP header whose checksum field holds the pseudo-header's sum (0 here): the
        # finished checksum makes the one's complement sum of the covered bytes 0xffff.
        frame = b'\x00' * 14 + struct.pack('!HHHH', 1000, 2000, 12, 0) + b'abcd'
        done = relay.finish_checksum(frame, 14, 6)
        self.assertEqual(relay.ones_sum(done[14:]) % 0xffff, 0)
        vnet = relay.VNET_HDR.pack(relay.VIRTIO_NET_HDR_F_NEEDS_CSUM, relay.VIRTIO_NET_HDR_GSO_NONE, 0, 0, 14, 6)
        self.assertEqual(relay.relay_frame(vnet, frame), bytes(relay.VNET_HDR.size) + done)


if __name__ == '__main__':
    unittest.main()
