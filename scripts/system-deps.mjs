// The system programs twinnet's tests and emulator use, and the Debian packages that
// provide them. One list, read by the test command (scripts/test.mjs), `.ci/run` and
// `twinnet doctor`.
export const SYSTEM_DEPS = [
  { command: 'ip', pkg: 'iproute2', why: 'namespaces, links, addresses, routes' },
  { command: 'bridge', pkg: 'iproute2', why: 'bridge ports and FDB entries' },
  { command: 'tc', pkg: 'iproute2', why: 'queueing disciplines for link impairments' },
  { command: 'iptables-restore', pkg: 'iptables', why: 'loading netfilter rulesets' },
  { command: 'iptables-save', pkg: 'iptables', why: 'reading netfilter rulesets back' },
  { command: 'nft', pkg: 'nftables', why: 'loss emulation where the kernel has no netem' },
  { command: 'conntrack', pkg: 'conntrack', why: 'reading connection tracking state' },
  { command: 'ping', pkg: 'iputils-ping', why: 'the ping probe' },
  { command: 'tcpdump', pkg: 'tcpdump', why: 'captures in the emulator' },
  { command: 'tshark', pkg: 'tshark', why: 'checking that pcap files are well formed' },
  { command: 'python3', pkg: 'python3', why: "the emulator's namespace agent (setns and AF_PACKET, which Node lacks)" },
];

// What `npm run bench` needs besides SYSTEM_DEPS: ns-3 is built from
// ../shared/bench/ns3/bridge_bench.cc against Debian's ns-3 (headers and libraries).
export const BENCH_DEPS = [
  { command: 'g++', pkg: 'g++', why: 'building the ns-3 peer benchmark' },
  {
    file: '/usr/include/ns3/core-module.h',
    pkg: 'libns3-dev',
    why: 'ns-3 headers and libraries for the peer benchmark',
  },
  { command: 'bash', pkg: 'bash', why: 'the ip -batch floor script' },
];
