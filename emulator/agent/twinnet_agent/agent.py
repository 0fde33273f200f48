"""The Agent: what one agent process holds (its loop, its way into namespaces, its
protocol, the relays and proxies it started) and the commands it serves. No module-level
state: every piece is an attribute of the Agent that main() makes, so a test can make
several, and the modules it uses take what they need as arguments.
"""
import os
import signal
import sys

from . import probes, services, sysctl
from .loop import Loop
from .netns import Namespaces
from .protocol import Protocol, ProtocolError


class Agent:
    def __init__(self, out, netns=None, protocol=None):
        self.protocol = protocol or Protocol(out)
        self.loop = Loop(self.protocol.fault)
        self.netns = netns or Namespaces()
        self.relays = {}
        self.proxies = []
        self.proxy_host = None
        self.pending = b''
        self.ops = {'sysctl': self.op_sysctl, 'listen': self.op_listen, 'probe': self.op_probe, 'relay': self.op_relay,
                    'relay-shape': self.op_relay_shape, 'relay-stats': self.op_relay_stats, 'proxy': self.op_proxy}

    # --- the commands ---------------------------------------------------------------------

    def op_sysctl(self, cmd):
        values = sysctl.apply(self.netns, cmd['ns'], cmd.get('set', {}), cmd.get('read', []))
        self.protocol.ok(cmd['id'], values=values)

    def op_listen(self, cmd):
        services.listen(self.loop, self.netns, cmd['ns'], cmd['proto'], cmd['port'])
        self.protocol.ok(cmd['id'])

    def op_probe(self, cmd):
        # Its answer is the result, when it ends.
        probes.start(cmd, self.loop, self.netns, self.protocol.emit)

    def op_relay(self, cmd):
        # By the cable's name, which relay-shape gives later; cmd['id'] numbers the request.
        from .relay import Relay
        self.relays[cmd['relay']] = Relay(cmd, self.loop, self.netns)
        self.protocol.ok(cmd['id'])

    def op_relay_shape(self, cmd):
        self.relays[cmd['relay']].reshape(cmd['dir'], cmd['shape'])
        self.protocol.ok(cmd['id'])

    def op_relay_stats(self, cmd):
        self.protocol.ok(cmd['id'], stats={k: v.counts for k, v in self.relays.items()})

    def op_proxy(self, cmd):
        # proxy.py is compiled only by runs that publish ports, and relay.py only by runs
        # that splice cables: without a bytecode cache, compiling them would cost every
        # agent's start-up several ms.
        from . import proxy
        if self.proxy_host is None:
            self.proxy_host = proxy.Host(self.loop, self.netns.enter, self.proxy_log)
        self.proxies.append(proxy.start(cmd, self.proxy_host))
        self.protocol.ok(cmd['id'])

    def proxy_log(self, spec, message):
        self.protocol.emit({'op': 'log', 'ns': spec.ns, 'what': str(spec), 'message': message})

    # --- requests -----------------------------------------------------------------------

    def on_stdin(self, fd):
        """Reads what is there (raw, so no line waits in a buffer the selector cannot see)."""
        chunk = os.read(fd, 65536)
        if chunk == b'':
            self.quit()
        lines = (self.pending + chunk).split(b'\n')
        self.pending = lines.pop()
        for line in lines:
            if line.strip():
                self.run_line(line)

    def run_line(self, line):
        try:
            cmd = self.protocol.decode(line)
        except ProtocolError as e:
            return self.protocol.error(e.id, e)
        if cmd['op'] == 'quit':
            self.quit()
        try:
            self.ops[cmd['op']](cmd)
        except Exception as e:  # every failure is reported to the emulator, which stops the run
            self.protocol.error(cmd['id'], e)

    def stop_all(self):
        """Closes every proxy (listeners and relayed connections) and every link's sockets."""
        while self.proxies:
            self.proxies.pop().stop()
        for relay in self.relays.values():
            relay.close()
        self.relays.clear()

    def quit(self):
        self.stop_all()
        sys.exit(0)

    def serve(self, stdin_fd):
        self.loop.watch(stdin_fd, self.on_stdin)
        self.protocol.emit({'op': 'ready', 'pid': os.getpid()})
        while True:
            self.loop.run_once()


def main():
    # Ctrl-C in a terminal sends SIGINT to the whole process group, this agent included;
    # the emulator then tears the run down and tells the agent to quit, in that order, so
    # the agent leaves its end to the emulator (the quit command, or the end of stdin).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    Agent(sys.stdout).serve(sys.stdin.fileno())
