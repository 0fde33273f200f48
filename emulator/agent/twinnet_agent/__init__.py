"""twinnet's namespace agent: one process that works inside many network namespaces.

The emulator (TypeScript, emulator/agent-client.ts) drives it with JSON lines on stdin
and reads JSON lines on stdout. It exists because Node.js can neither enter a network
namespace (setns) nor open AF_PACKET sockets, and both are needed: a socket belongs to
the namespace of the thread that creates it (socket(2), setns(2)), so this
single-threaded process enters a namespace, creates a socket, returns to its own
namespace, and serves every socket of every namespace from one event loop.

The package, one module per concern:

  agent     the Agent: the commands, what they started, quitting; main()
  protocol  reading requests and writing replies, each checked against
            ../protocol.schema.json (generated from emulator/agent-protocol.ts)
  schema    the small JSON Schema validator that check uses
  loop      the event loop: a selector for sockets and a heap of timers
  netns     entering a namespace (setns through ctypes)
  sysctl    write and read /proc/sys/net/* of a namespace
  services  the scenario's services: each answers `seen ADDRESS:PORT\\n` (the
            simulator's protocol, sim/apps/service.ts), TCP after the first data then
            closing, UDP for every datagram
  probes    the TCP and UDP probe clients (sim/apps/tcp-probe.ts, udp-probe.ts): the
            same timeouts; they report raw facts (an errno, an ICMP error, a reply,
            silence), which core/outcome.ts classifies on the TypeScript side
  relay     a userspace link for impairments where the kernel has no netem: frames are
            moved between two devices by AF_PACKET sockets, with netem's model of loss,
            queue limit, delay, jitter and rate (sim/net/qdisc.ts)
  proxy     Docker's userland proxy (docker-proxy) for a published port

Only the Python standard library is used (ctypes for setns). Errors are reported, never
swallowed: a failed command answers {"op": "error", ...} with the reason; what a
docker-proxy would log is sent as {"op": "log", ...}. Quitting (the `quit` command, or
the end of stdin) stops the proxies and links first.
"""
