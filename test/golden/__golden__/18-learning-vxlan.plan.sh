#!/bin/sh
# twinnet plan for scenario "learning-vxlan", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}site1"
ip netns add "${P}site2"
ip netns add "${P}site3"
ip netns add "${P}r"
ip netns add "${P}pc"
ip netns add "${P}seg-wan1"
ip netns add "${P}seg-wan2"
ip netns add "${P}seg-lan1"

# sysctls
ip netns exec "${P}site1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}site2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}site3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}r" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1
ip netns exec "${P}pc" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-wan1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-wan2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-lan1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}site1" link add eth0 address da:65:fb:fa:cc:0b mtu 1500 type veth peer name site1-eth0 netns "${P}seg-wan1"
ip -n "${P}site1" link add eth1 address da:65:fd:8d:dc:08 mtu 1450 type veth peer name site1-eth1 netns "${P}seg-lan1"
ip -n "${P}site1" link add vx0 address 26:3e:18:b6:5f:87 mtu 1450 type vxlan id 100 dstport 4789 local 192.0.2.1 ageing 300 udpcsum
ip -n "${P}site1" link add br0 address 26:dd:45:96:bc:e7 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}site2" link add eth0 address f6:d6:3c:dd:26:38 mtu 1500 type veth peer name site2-eth0 netns "${P}seg-wan2"
ip -n "${P}site2" link add vx0 address a6:d7:81:df:1f:f2 mtu 1450 type vxlan id 100 dstport 4789 ageing 300 udpcsum
ip -n "${P}site3" link add eth0 address 3a:f3:fc:14:c4:e5 mtu 1500 type veth peer name site3-eth0 netns "${P}seg-wan2"
ip -n "${P}site3" link add vx0 address 22:fc:cd:0c:45:dd mtu 1450 type vxlan id 100 dstport 4789 ageing 300 udpcsum
ip -n "${P}r" link add eth0 address 32:93:65:62:97:b3 mtu 1500 type veth peer name r-eth0 netns "${P}seg-wan1"
ip -n "${P}r" link add eth1 address 32:93:66:f5:0d:70 mtu 1500 type veth peer name r-eth1 netns "${P}seg-wan2"
ip -n "${P}pc" link add eth0 address b6:78:43:63:63:f6 mtu 1450 type veth peer name pc-eth0 netns "${P}seg-lan1"
ip -n "${P}seg-wan1" link add sw0 address 32:93:af:c6:f8:37 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-wan2" link add sw0 address 2e:93:ae:33:bc:26 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-lan1" link add sw0 address 96:f1:a2:b5:0f:30 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}site1" link set lo up
ip -n "${P}site1" link set dev eth0 address da:65:fb:fa:cc:0b mtu 1500
ip -n "${P}site1" link set dev eth0 up
ip -n "${P}site1" link set dev eth1 address da:65:fd:8d:dc:08 mtu 1450
ip -n "${P}site1" link set dev eth1 master br0
ip -n "${P}site1" link set dev eth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}site1" link set dev eth1 up
ip -n "${P}site1" link set dev vx0 master br0
ip -n "${P}site1" link set dev vx0 type bridge_slave hairpin off learning on flood on
ip -n "${P}site1" link set dev vx0 up
ip -n "${P}site1" link set dev br0 up
ip -n "${P}site2" link set lo up
ip -n "${P}site2" link set dev eth0 address f6:d6:3c:dd:26:38 mtu 1500
ip -n "${P}site2" link set dev eth0 up
ip -n "${P}site2" link set dev vx0 up
ip -n "${P}site3" link set lo up
ip -n "${P}site3" link set dev eth0 address 3a:f3:fc:14:c4:e5 mtu 1500
ip -n "${P}site3" link set dev eth0 up
ip -n "${P}site3" link set dev vx0 up
ip -n "${P}r" link set lo up
ip -n "${P}r" link set dev eth0 address 32:93:65:62:97:b3 mtu 1500
ip -n "${P}r" link set dev eth0 up
ip -n "${P}r" link set dev eth1 address 32:93:66:f5:0d:70 mtu 1500
ip -n "${P}r" link set dev eth1 up
ip -n "${P}pc" link set lo up
ip -n "${P}pc" link set dev eth0 address b6:78:43:63:63:f6 mtu 1450
ip -n "${P}pc" link set dev eth0 up
ip -n "${P}seg-wan1" link set lo up
ip -n "${P}seg-wan1" link set dev sw0 up
ip -n "${P}seg-wan1" link set dev site1-eth0 address 12:74:ce:85:f4:20 mtu 1500
ip -n "${P}seg-wan1" link set dev site1-eth0 master sw0
ip -n "${P}seg-wan1" link set dev site1-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-wan1" link set dev site1-eth0 up
ip -n "${P}seg-wan1" link set dev r-eth0 address de:16:33:ad:19:a8 mtu 1500
ip -n "${P}seg-wan1" link set dev r-eth0 master sw0
ip -n "${P}seg-wan1" link set dev r-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-wan1" link set dev r-eth0 up
ip -n "${P}seg-wan2" link set lo up
ip -n "${P}seg-wan2" link set dev sw0 up
ip -n "${P}seg-wan2" link set dev site2-eth0 address 46:74:e8:59:c6:74 mtu 1500
ip -n "${P}seg-wan2" link set dev site2-eth0 master sw0
ip -n "${P}seg-wan2" link set dev site2-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-wan2" link set dev site2-eth0 up
ip -n "${P}seg-wan2" link set dev site3-eth0 address 12:8e:5c:30:bb:c1 mtu 1500
ip -n "${P}seg-wan2" link set dev site3-eth0 master sw0
ip -n "${P}seg-wan2" link set dev site3-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-wan2" link set dev site3-eth0 up
ip -n "${P}seg-wan2" link set dev r-eth1 address 42:63:80:91:4e:4c mtu 1500
ip -n "${P}seg-wan2" link set dev r-eth1 master sw0
ip -n "${P}seg-wan2" link set dev r-eth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-wan2" link set dev r-eth1 up
ip -n "${P}seg-lan1" link set lo up
ip -n "${P}seg-lan1" link set dev sw0 up
ip -n "${P}seg-lan1" link set dev site1-eth1 address b2:bf:38:a3:7b:36 mtu 1450
ip -n "${P}seg-lan1" link set dev site1-eth1 master sw0
ip -n "${P}seg-lan1" link set dev site1-eth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-lan1" link set dev site1-eth1 up
ip -n "${P}seg-lan1" link set dev pc-eth0 address de:7f:3f:8d:ee:08 mtu 1450
ip -n "${P}seg-lan1" link set dev pc-eth0 master sw0
ip -n "${P}seg-lan1" link set dev pc-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-lan1" link set dev pc-eth0 up

# addresses
ip -n "${P}site1" address add 192.0.2.1/24 dev eth0
ip -n "${P}site1" address add 10.10.0.1/24 dev br0
ip -n "${P}site2" address add 198.51.100.2/24 dev eth0
ip -n "${P}site2" address add 10.10.0.2/24 dev vx0
ip -n "${P}site3" address add 198.51.100.3/24 dev eth0
ip -n "${P}site3" address add 10.10.0.3/24 dev vx0
ip -n "${P}r" address add 192.0.2.254/24 dev eth0
ip -n "${P}r" address add 198.51.100.254/24 dev eth1
ip -n "${P}pc" address add 10.10.0.9/24 dev eth0

# routes
ip -n "${P}site1" route add 198.51.100.0/24 via 192.0.2.254 dev eth0
bridge -n "${P}site1" fdb append 00:00:00:00:00:00 dev vx0 dst 198.51.100.2 self permanent
bridge -n "${P}site1" fdb append 00:00:00:00:00:00 dev vx0 dst 198.51.100.3 self permanent
ip -n "${P}site2" route add 192.0.2.0/24 via 198.51.100.254 dev eth0
bridge -n "${P}site2" fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.1 self permanent
bridge -n "${P}site2" fdb append 00:00:00:00:00:00 dev vx0 dst 198.51.100.3 self permanent
ip -n "${P}site3" route add 192.0.2.0/24 via 198.51.100.254 dev eth0
bridge -n "${P}site3" fdb append 00:00:00:00:00:00 dev vx0 dst 192.0.2.1 self permanent
bridge -n "${P}site3" fdb append 00:00:00:00:00:00 dev vx0 dst 198.51.100.2 self permanent

# to remove everything:
# for n in "${P}site1" "${P}site2" "${P}site3" "${P}r" "${P}pc" "${P}seg-wan1" "${P}seg-wan2" "${P}seg-lan1"; do ip netns del "$n"; done
