#!/bin/sh
# twinnet plan for scenario "default-bridge", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
# note: The Docker engine's own firewall rules (FORWARD policy, isolation between networks, masquerade, published ports) are not yet included in this plan; they come with the netfilter model.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}dockerhost"
ip netns add "${P}ext"
ip netns add "${P}a1"
ip netns add "${P}a2"
ip netns add "${P}seg-lan"

# sysctls
ip netns exec "${P}dockerhost" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}ext" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}a1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}a2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-lan" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}dockerhost" link add eth0 address 86:c2:fc:52:48:03 mtu 1500 type veth peer name docker-eth0 netns "${P}seg-lan"
ip -n "${P}dockerhost" link add docker0 address b2:5c:89:42:44:13 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add veth79725d7 address ca:84:5d:6a:f0:9b mtu 1500 type veth peer name eth0 netns "${P}a1"
ip -n "${P}dockerhost" link add vethd669b1d address 8e:d8:70:f5:27:70 mtu 1500 type veth peer name eth0 netns "${P}a2"
ip -n "${P}ext" link add eth0 address e2:47:2f:05:88:a0 mtu 1500 type veth peer name ext-eth0 netns "${P}seg-lan"
ip -n "${P}seg-lan" link add sw0 address ce:d1:97:a6:9d:97 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1

# link-config
ip -n "${P}dockerhost" link set lo up
ip -n "${P}dockerhost" link set dev eth0 address 86:c2:fc:52:48:03 mtu 1500
ip -n "${P}dockerhost" link set dev eth0 up
ip -n "${P}dockerhost" link set dev docker0 up
ip -n "${P}dockerhost" link set dev veth79725d7 address ca:84:5d:6a:f0:9b mtu 1500
ip -n "${P}dockerhost" link set dev veth79725d7 master docker0
ip -n "${P}dockerhost" link set dev veth79725d7 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth79725d7 up
ip -n "${P}dockerhost" link set dev vethd669b1d address 8e:d8:70:f5:27:70 mtu 1500
ip -n "${P}dockerhost" link set dev vethd669b1d master docker0
ip -n "${P}dockerhost" link set dev vethd669b1d type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev vethd669b1d up
ip -n "${P}ext" link set lo up
ip -n "${P}ext" link set dev eth0 address e2:47:2f:05:88:a0 mtu 1500
ip -n "${P}ext" link set dev eth0 up
ip -n "${P}a1" link set lo up
ip -n "${P}a1" link set dev eth0 address 02:42:ac:11:00:02 mtu 1500
ip -n "${P}a1" link set dev eth0 up
ip -n "${P}a2" link set lo up
ip -n "${P}a2" link set dev eth0 address 02:42:ac:11:00:03 mtu 1500
ip -n "${P}a2" link set dev eth0 up
ip -n "${P}seg-lan" link set lo up
ip -n "${P}seg-lan" link set dev sw0 up
ip -n "${P}seg-lan" link set dev docker-eth0 address ca:7e:5f:4f:ea:02 mtu 1500
ip -n "${P}seg-lan" link set dev docker-eth0 master sw0
ip -n "${P}seg-lan" link set dev docker-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-lan" link set dev docker-eth0 up
ip -n "${P}seg-lan" link set dev ext-eth0 address c6:98:48:72:8b:a3 mtu 1500
ip -n "${P}seg-lan" link set dev ext-eth0 master sw0
ip -n "${P}seg-lan" link set dev ext-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-lan" link set dev ext-eth0 up

# addresses
ip -n "${P}dockerhost" address add 203.0.113.2/24 dev eth0
ip -n "${P}dockerhost" address add 172.17.0.1/16 dev docker0
ip -n "${P}ext" address add 203.0.113.1/24 dev eth0
ip -n "${P}a1" address add 172.17.0.2/16 dev eth0
ip -n "${P}a2" address add 172.17.0.3/16 dev eth0

# routes
ip -n "${P}dockerhost" route add default via 203.0.113.1 dev eth0
ip -n "${P}a1" route add default via 172.17.0.1 dev eth0
ip -n "${P}a2" route add default via 172.17.0.1 dev eth0

# to remove everything:
# for n in "${P}dockerhost" "${P}ext" "${P}a1" "${P}a2" "${P}seg-lan"; do ip netns del "$n"; done
