#!/bin/sh
# twinnet plan for scenario "routed-underlay", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}client"
ip netns add "${P}r1"
ip netns add "${P}server"
ip netns add "${P}seg-dc"
ip netns add "${P}seg-uplink"

# sysctls
ip netns exec "${P}client" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}r1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1
ip netns exec "${P}server" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-dc" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-uplink" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}client" link add eth0 address ba:4e:2d:d1:dd:8c mtu 1500 type veth peer name client-eth0 netns "${P}seg-uplink"
ip -n "${P}r1" link add eth0 address fa:ab:ea:cf:21:82 mtu 1500 type veth peer name r1-eth0 netns "${P}seg-uplink"
ip -n "${P}r1" link add eth1 address f6:ab:e9:3c:b2:6d mtu 1500 type veth peer name r1-eth1 netns "${P}seg-dc"
ip -n "${P}server" link add eth0 address 46:c7:fe:3d:37:98 mtu 1500 type veth peer name server-eth0 netns "${P}seg-dc"
ip -n "${P}seg-dc" link add sw0 address 42:6a:c0:5a:4c:eb type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-uplink" link add sw0 address c2:d1:ea:d6:04:27 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}client" link set lo up
ip -n "${P}client" link set dev eth0 address ba:4e:2d:d1:dd:8c mtu 1500
ip -n "${P}client" link set dev eth0 up
ip -n "${P}r1" link set lo up
ip -n "${P}r1" link set dev eth0 address fa:ab:ea:cf:21:82 mtu 1500
ip -n "${P}r1" link set dev eth0 up
ip -n "${P}r1" link set dev eth1 address f6:ab:e9:3c:b2:6d mtu 1500
ip -n "${P}r1" link set dev eth1 up
ip -n "${P}server" link set lo up
ip -n "${P}server" link set dev eth0 address 46:c7:fe:3d:37:98 mtu 1500
ip -n "${P}server" link set dev eth0 up
ip -n "${P}seg-dc" link set lo up
ip -n "${P}seg-dc" link set dev sw0 up
ip -n "${P}seg-dc" link set dev r1-eth1 address 16:57:e4:41:a8:9c mtu 1500
ip -n "${P}seg-dc" link set dev r1-eth1 master sw0
ip -n "${P}seg-dc" link set dev r1-eth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc" link set dev r1-eth1 up
ip -n "${P}seg-dc" link set dev server-eth0 address 9a:cf:a8:c0:8f:71 mtu 1500
ip -n "${P}seg-dc" link set dev server-eth0 master sw0
ip -n "${P}seg-dc" link set dev server-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc" link set dev server-eth0 up
ip -n "${P}seg-uplink" link set lo up
ip -n "${P}seg-uplink" link set dev sw0 up
ip -n "${P}seg-uplink" link set dev client-eth0 address 52:fb:a8:a8:7b:59 mtu 1500
ip -n "${P}seg-uplink" link set dev client-eth0 master sw0
ip -n "${P}seg-uplink" link set dev client-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-uplink" link set dev client-eth0 up
ip -n "${P}seg-uplink" link set dev r1-eth0 address ae:c4:ec:ea:cc:1b mtu 1500
ip -n "${P}seg-uplink" link set dev r1-eth0 master sw0
ip -n "${P}seg-uplink" link set dev r1-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-uplink" link set dev r1-eth0 up

# addresses
ip -n "${P}client" address add 198.51.100.10/24 dev eth0
ip -n "${P}r1" address add 198.51.100.1/24 dev eth0
ip -n "${P}r1" address add 192.0.2.1/24 dev eth1
ip -n "${P}server" address add 192.0.2.10/24 dev eth0

# routes
ip -n "${P}client" route add default via 198.51.100.1 dev eth0
ip -n "${P}server" route add default via 192.0.2.1 dev eth0

# qdiscs
tc -n "${P}seg-uplink" qdisc replace dev client-eth0 root netem delay 5ms
tc -n "${P}seg-uplink" qdisc replace dev r1-eth0 root netem delay 5ms

# to remove everything:
# for n in "${P}client" "${P}r1" "${P}server" "${P}seg-dc" "${P}seg-uplink"; do ip netns del "$n"; done
