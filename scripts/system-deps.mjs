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
