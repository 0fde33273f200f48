#!/bin/sh
# twinnet plan for scenario "three-datacentres", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}host1"
ip netns add "${P}host2"
ip netns add "${P}host3"
ip netns add "${P}r1"
ip netns add "${P}r2"
ip netns add "${P}r3"
ip netns add "${P}c1"
ip netns add "${P}c2"
ip netns add "${P}c3"
ip netns add "${P}ov-ov1-host1"
ip netns add "${P}ov-ov1-host2"
ip netns add "${P}ov-ov1-host3"
ip netns add "${P}lb-ov1-host1"
ip netns add "${P}lb-ov1-host2"
ip netns add "${P}lb-ov1-host3"
ip netns add "${P}seg-dc1"
ip netns add "${P}seg-dc2"
ip netns add "${P}seg-dc3"
ip netns add "${P}seg-dc1-dc2"
ip netns add "${P}seg-dc2-dc3"
ip netns add "${P}seg-dc1-dc3"

# sysctls
ip netns exec "${P}host1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}host2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}host3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}r1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1
ip netns exec "${P}r2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1
ip netns exec "${P}r3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1
ip netns exec "${P}c1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}c2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}c3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}ov-ov1-host1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}ov-ov1-host2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}ov-ov1-host3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}lb-ov1-host1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}lb-ov1-host2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}lb-ov1-host3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-dc1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-dc2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-dc3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-dc1-dc2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-dc2-dc3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-dc1-dc3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}host1" link add eth0 address 76:9c:3c:73:94:66 mtu 1500 type veth peer name host1-eth0 netns "${P}seg-dc1"
ip -n "${P}host1" link add docker0 address 22:de:5e:e4:04:55 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host1" link add docker_gwbridge address 56:a8:4c:93:70:86 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host1" link add veth4806c56 address 26:c3:c1:6e:ab:df mtu 1500 type veth peer name eth1 netns "${P}c1"
ip -n "${P}host1" link add vx4097 address 7e:e3:5e:4b:00:3e mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum
ip -n "${P}host1" link set vx4097 netns "${P}ov-ov1-host1"
ip -n "${P}host2" link add eth0 address e2:4d:b7:ac:8b:fd mtu 1500 type veth peer name host2-eth0 netns "${P}seg-dc2"
ip -n "${P}host2" link add docker0 address b6:a6:ac:16:c7:67 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host2" link add docker_gwbridge address 82:09:bf:53:01:46 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host2" link add veth9c11684 address 4a:fb:49:db:70:ae mtu 1500 type veth peer name eth1 netns "${P}c2"
ip -n "${P}host2" link add vx4097 address 82:e3:5f:de:39:2f mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum
ip -n "${P}host2" link set vx4097 netns "${P}ov-ov1-host2"
ip -n "${P}host3" link add eth0 address 76:ec:80:55:34:d0 mtu 1500 type veth peer name host3-eth0 netns "${P}seg-dc3"
ip -n "${P}host3" link add docker0 address 52:dd:d0:30:4f:c1 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host3" link add docker_gwbridge address ea:34:48:df:be:f2 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host3" link add veth994f4c0 address 96:6a:bf:93:9b:86 mtu 1500 type veth peer name eth1 netns "${P}c3"
ip -n "${P}host3" link add vx4097 address 82:e3:61:71:14:ac mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum
ip -n "${P}host3" link set vx4097 netns "${P}ov-ov1-host3"
ip -n "${P}r1" link add eth0 address fa:ab:ea:cf:21:82 mtu 1500 type veth peer name r1-eth0 netns "${P}seg-dc1"
ip -n "${P}r1" link add to-r2 address 86:1a:72:ae:df:1f mtu 1500 type veth peer name r1-to-r2 netns "${P}seg-dc1-dc2"
ip -n "${P}r1" link add to-r3 address 86:1a:74:41:b8:9c mtu 1500 type veth peer name r1-to-r3 netns "${P}seg-dc1-dc3"
ip -n "${P}r2" link add eth0 address ea:6d:07:98:33:a9 mtu 1500 type veth peer name r2-eth0 netns "${P}seg-dc2"
ip -n "${P}r2" link add to-r1 address 4a:3e:79:92:27:43 mtu 1500 type veth peer name r2-to-r1 netns "${P}seg-dc1-dc2"
ip -n "${P}r2" link add to-r3 address 4a:3e:76:6c:48:bd mtu 1500 type veth peer name r2-to-r3 netns "${P}seg-dc2-dc3"
ip -n "${P}r3" link add eth0 address 1e:06:cf:a1:f3:fc mtu 1500 type veth peer name r3-eth0 netns "${P}seg-dc3"
ip -n "${P}r3" link add to-r1 address 3a:c0:a7:21:57:7c mtu 1500 type veth peer name r3-to-r1 netns "${P}seg-dc1-dc3"
ip -n "${P}r3" link add to-r2 address 3a:c0:a2:68:6b:19 mtu 1500 type veth peer name r3-to-r2 netns "${P}seg-dc2-dc3"
ip -n "${P}c1" link add eth0 address 02:42:0a:00:01:02 mtu 1450 type veth peer name veth0 netns "${P}ov-ov1-host1"
ip -n "${P}c2" link add eth0 address 02:42:0a:00:01:04 mtu 1450 type veth peer name veth0 netns "${P}ov-ov1-host2"
ip -n "${P}c3" link add eth0 address 02:42:0a:00:01:06 mtu 1450 type veth peer name veth0 netns "${P}ov-ov1-host3"
ip -n "${P}ov-ov1-host1" link add br0 address 56:9f:3b:36:86:07 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}ov-ov1-host1" link set vx4097 name vxlan0
ip -n "${P}ov-ov1-host1" link add veth1 address ee:b5:38:61:6a:bc mtu 1450 type veth peer name eth0 netns "${P}lb-ov1-host1"
ip -n "${P}ov-ov1-host2" link add br0 address 56:9f:39:a3:e4:36 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}ov-ov1-host2" link set vx4097 name vxlan0
ip -n "${P}ov-ov1-host2" link add veth1 address 92:70:77:64:10:d5 mtu 1450 type veth peer name eth0 netns "${P}lb-ov1-host2"
ip -n "${P}ov-ov1-host3" link add br0 address 52:9f:38:10:a9:a1 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}ov-ov1-host3" link set vx4097 name vxlan0
ip -n "${P}ov-ov1-host3" link add veth1 address 16:9a:0b:c3:88:d6 mtu 1450 type veth peer name eth0 netns "${P}lb-ov1-host3"
ip -n "${P}seg-dc1" link add sw0 address 8e:0c:e8:71:73:ac type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-dc2" link add sw0 address 8a:0c:e3:b8:87:49 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-dc3" link add sw0 address 8a:0c:e5:4b:5f:3e type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-dc1-dc2" link add sw0 address 36:5e:80:e1:27:3c type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-dc2-dc3" link add sw0 address 82:75:e1:7f:63:12 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-dc1-dc3" link add sw0 address 36:5e:7f:4e:4b:bf type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}host1" link set lo up
ip -n "${P}host1" link set dev eth0 address 76:9c:3c:73:94:66 mtu 1500
ip -n "${P}host1" link set dev eth0 up
ip -n "${P}host1" link set dev docker0 up
ip -n "${P}host1" link set dev docker_gwbridge up
ip -n "${P}host1" link set dev veth4806c56 address 26:c3:c1:6e:ab:df mtu 1500
ip -n "${P}host1" link set dev veth4806c56 master docker_gwbridge
ip -n "${P}host1" link set dev veth4806c56 type bridge_slave hairpin off learning on flood on
ip -n "${P}host1" link set dev veth4806c56 up
ip -n "${P}host2" link set lo up
ip -n "${P}host2" link set dev eth0 address e2:4d:b7:ac:8b:fd mtu 1500
ip -n "${P}host2" link set dev eth0 up
ip -n "${P}host2" link set dev docker0 up
ip -n "${P}host2" link set dev docker_gwbridge up
ip -n "${P}host2" link set dev veth9c11684 address 4a:fb:49:db:70:ae mtu 1500
ip -n "${P}host2" link set dev veth9c11684 master docker_gwbridge
ip -n "${P}host2" link set dev veth9c11684 type bridge_slave hairpin off learning on flood on
ip -n "${P}host2" link set dev veth9c11684 up
ip -n "${P}host3" link set lo up
ip -n "${P}host3" link set dev eth0 address 76:ec:80:55:34:d0 mtu 1500
ip -n "${P}host3" link set dev eth0 up
ip -n "${P}host3" link set dev docker0 up
ip -n "${P}host3" link set dev docker_gwbridge up
ip -n "${P}host3" link set dev veth994f4c0 address 96:6a:bf:93:9b:86 mtu 1500
ip -n "${P}host3" link set dev veth994f4c0 master docker_gwbridge
ip -n "${P}host3" link set dev veth994f4c0 type bridge_slave hairpin off learning on flood on
ip -n "${P}host3" link set dev veth994f4c0 up
ip -n "${P}r1" link set lo up
ip -n "${P}r1" link set dev eth0 address fa:ab:ea:cf:21:82 mtu 1500
ip -n "${P}r1" link set dev eth0 up
ip -n "${P}r1" link set dev to-r2 address 86:1a:72:ae:df:1f mtu 1500
ip -n "${P}r1" link set dev to-r2 up
ip -n "${P}r1" link set dev to-r3 address 86:1a:74:41:b8:9c mtu 1500
ip -n "${P}r1" link set dev to-r3 up
ip -n "${P}r2" link set lo up
ip -n "${P}r2" link set dev eth0 address ea:6d:07:98:33:a9 mtu 1500
ip -n "${P}r2" link set dev eth0 up
ip -n "${P}r2" link set dev to-r1 address 4a:3e:79:92:27:43 mtu 1500
ip -n "${P}r2" link set dev to-r1 up
ip -n "${P}r2" link set dev to-r3 address 4a:3e:76:6c:48:bd mtu 1500
ip -n "${P}r2" link set dev to-r3 up
ip -n "${P}r3" link set lo up
ip -n "${P}r3" link set dev eth0 address 1e:06:cf:a1:f3:fc mtu 1500
ip -n "${P}r3" link set dev eth0 up
ip -n "${P}r3" link set dev to-r1 address 3a:c0:a7:21:57:7c mtu 1500
ip -n "${P}r3" link set dev to-r1 up
ip -n "${P}r3" link set dev to-r2 address 3a:c0:a2:68:6b:19 mtu 1500
ip -n "${P}r3" link set dev to-r2 up
ip -n "${P}c1" link set lo up
ip -n "${P}c1" link set dev eth0 address 02:42:0a:00:01:02 mtu 1450
ip -n "${P}c1" link set dev eth0 up
ip -n "${P}c1" link set dev eth1 address 02:42:ac:12:00:03 mtu 1500
ip -n "${P}c1" link set dev eth1 up
ip -n "${P}c2" link set lo up
ip -n "${P}c2" link set dev eth0 address 02:42:0a:00:01:04 mtu 1450
ip -n "${P}c2" link set dev eth0 up
ip -n "${P}c2" link set dev eth1 address 02:42:ac:12:00:03 mtu 1500
ip -n "${P}c2" link set dev eth1 up
ip -n "${P}c3" link set lo up
ip -n "${P}c3" link set dev eth0 address 02:42:0a:00:01:06 mtu 1450
ip -n "${P}c3" link set dev eth0 up
ip -n "${P}c3" link set dev eth1 address 02:42:ac:12:00:03 mtu 1500
ip -n "${P}c3" link set dev eth1 up
ip -n "${P}ov-ov1-host1" link set lo up
ip -n "${P}ov-ov1-host1" link set dev br0 up
ip -n "${P}ov-ov1-host1" link set dev vxlan0 master br0
ip -n "${P}ov-ov1-host1" link set dev vxlan0 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host1" link set dev vxlan0 up
ip -n "${P}ov-ov1-host1" link set dev veth0 address ee:b5:36:ce:8f:3f mtu 1450
ip -n "${P}ov-ov1-host1" link set dev veth0 master br0
ip -n "${P}ov-ov1-host1" link set dev veth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host1" link set dev veth0 up
ip -n "${P}ov-ov1-host1" link set dev veth1 address ee:b5:38:61:6a:bc mtu 1450
ip -n "${P}ov-ov1-host1" link set dev veth1 master br0
ip -n "${P}ov-ov1-host1" link set dev veth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host1" link set dev veth1 up
ip -n "${P}ov-ov1-host2" link set lo up
ip -n "${P}ov-ov1-host2" link set dev br0 up
ip -n "${P}ov-ov1-host2" link set dev vxlan0 master br0
ip -n "${P}ov-ov1-host2" link set dev vxlan0 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host2" link set dev vxlan0 up
ip -n "${P}ov-ov1-host2" link set dev veth0 address 92:70:78:f7:4e:8a mtu 1450
ip -n "${P}ov-ov1-host2" link set dev veth0 master br0
ip -n "${P}ov-ov1-host2" link set dev veth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host2" link set dev veth0 up
ip -n "${P}ov-ov1-host2" link set dev veth1 address 92:70:77:64:10:d5 mtu 1450
ip -n "${P}ov-ov1-host2" link set dev veth1 master br0
ip -n "${P}ov-ov1-host2" link set dev veth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host2" link set dev veth1 up
ip -n "${P}ov-ov1-host3" link set lo up
ip -n "${P}ov-ov1-host3" link set dev br0 up
ip -n "${P}ov-ov1-host3" link set dev vxlan0 master br0
ip -n "${P}ov-ov1-host3" link set dev vxlan0 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host3" link set dev vxlan0 up
ip -n "${P}ov-ov1-host3" link set dev veth0 address 12:9a:0a:30:19:c1 mtu 1450
ip -n "${P}ov-ov1-host3" link set dev veth0 master br0
ip -n "${P}ov-ov1-host3" link set dev veth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host3" link set dev veth0 up
ip -n "${P}ov-ov1-host3" link set dev veth1 address 16:9a:0b:c3:88:d6 mtu 1450
ip -n "${P}ov-ov1-host3" link set dev veth1 master br0
ip -n "${P}ov-ov1-host3" link set dev veth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host3" link set dev veth1 up
ip -n "${P}lb-ov1-host1" link set lo up
ip -n "${P}lb-ov1-host1" link set dev eth0 address 02:42:0a:00:01:03 mtu 1450
ip -n "${P}lb-ov1-host1" link set dev eth0 up
ip -n "${P}lb-ov1-host2" link set lo up
ip -n "${P}lb-ov1-host2" link set dev eth0 address 02:42:0a:00:01:05 mtu 1450
ip -n "${P}lb-ov1-host2" link set dev eth0 up
ip -n "${P}lb-ov1-host3" link set lo up
ip -n "${P}lb-ov1-host3" link set dev eth0 address 02:42:0a:00:01:07 mtu 1450
ip -n "${P}lb-ov1-host3" link set dev eth0 up
ip -n "${P}seg-dc1" link set lo up
ip -n "${P}seg-dc1" link set dev sw0 up
ip -n "${P}seg-dc1" link set dev host1-eth0 address 9e:50:73:51:5f:0c mtu 1500
ip -n "${P}seg-dc1" link set dev host1-eth0 master sw0
ip -n "${P}seg-dc1" link set dev host1-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc1" link set dev host1-eth0 up
ip -n "${P}seg-dc1" link set dev r1-eth0 address aa:ad:66:9d:c5:f8 mtu 1500
ip -n "${P}seg-dc1" link set dev r1-eth0 master sw0
ip -n "${P}seg-dc1" link set dev r1-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc1" link set dev r1-eth0 up
ip -n "${P}seg-dc2" link set lo up
ip -n "${P}seg-dc2" link set dev sw0 up
ip -n "${P}seg-dc2" link set dev host2-eth0 address ae:e9:db:89:32:c4 mtu 1500
ip -n "${P}seg-dc2" link set dev host2-eth0 master sw0
ip -n "${P}seg-dc2" link set dev host2-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc2" link set dev host2-eth0 up
ip -n "${P}seg-dc2" link set dev r2-eth0 address 6e:a9:f5:3f:fc:d2 mtu 1500
ip -n "${P}seg-dc2" link set dev r2-eth0 master sw0
ip -n "${P}seg-dc2" link set dev r2-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc2" link set dev r2-eth0 up
ip -n "${P}seg-dc3" link set lo up
ip -n "${P}seg-dc3" link set dev sw0 up
ip -n "${P}seg-dc3" link set dev host3-eth0 address 2a:8e:29:c9:cb:04 mtu 1500
ip -n "${P}seg-dc3" link set dev host3-eth0 master sw0
ip -n "${P}seg-dc3" link set dev host3-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc3" link set dev host3-eth0 up
ip -n "${P}seg-dc3" link set dev r3-eth0 address fa:35:f1:3d:e2:98 mtu 1500
ip -n "${P}seg-dc3" link set dev r3-eth0 master sw0
ip -n "${P}seg-dc3" link set dev r3-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc3" link set dev r3-eth0 up
ip -n "${P}seg-dc1-dc2" link set lo up
ip -n "${P}seg-dc1-dc2" link set dev sw0 up
ip -n "${P}seg-dc1-dc2" link set dev r1-to-r2 address f2:c8:44:74:35:45 mtu 1500
ip -n "${P}seg-dc1-dc2" link set dev r1-to-r2 master sw0
ip -n "${P}seg-dc1-dc2" link set dev r1-to-r2 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc1-dc2" link set dev r1-to-r2 up
ip -n "${P}seg-dc1-dc2" link set dev r2-to-r1 address e2:a2:86:90:dc:21 mtu 1500
ip -n "${P}seg-dc1-dc2" link set dev r2-to-r1 master sw0
ip -n "${P}seg-dc1-dc2" link set dev r2-to-r1 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc1-dc2" link set dev r2-to-r1 up
ip -n "${P}seg-dc2-dc3" link set lo up
ip -n "${P}seg-dc2-dc3" link set dev sw0 up
ip -n "${P}seg-dc2-dc3" link set dev r2-to-r3 address 2e:aa:e6:7c:11:ad mtu 1500
ip -n "${P}seg-dc2-dc3" link set dev r2-to-r3 master sw0
ip -n "${P}seg-dc2-dc3" link set dev r2-to-r3 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc2-dc3" link set dev r2-to-r3 up
ip -n "${P}seg-dc2-dc3" link set dev r3-to-r2 address 1e:87:cc:b8:18:49 mtu 1500
ip -n "${P}seg-dc2-dc3" link set dev r3-to-r2 master sw0
ip -n "${P}seg-dc2-dc3" link set dev r3-to-r2 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc2-dc3" link set dev r3-to-r2 up
ip -n "${P}seg-dc1-dc3" link set lo up
ip -n "${P}seg-dc1-dc3" link set dev sw0 up
ip -n "${P}seg-dc1-dc3" link set dev r1-to-r3 address 66:d8:6d:5e:c2:af mtu 1500
ip -n "${P}seg-dc1-dc3" link set dev r1-to-r3 master sw0
ip -n "${P}seg-dc1-dc3" link set dev r1-to-r3 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc1-dc3" link set dev r1-to-r3 up
ip -n "${P}seg-dc1-dc3" link set dev r3-to-r1 address 76:63:b1:a6:47:97 mtu 1500
ip -n "${P}seg-dc1-dc3" link set dev r3-to-r1 master sw0
ip -n "${P}seg-dc1-dc3" link set dev r3-to-r1 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc1-dc3" link set dev r3-to-r1 up

# addresses
ip -n "${P}host1" address add 192.0.2.11/24 dev eth0
ip -n "${P}host1" address add 172.17.0.1/16 dev docker0
ip -n "${P}host1" address add 172.18.0.1/16 dev docker_gwbridge
ip -n "${P}host2" address add 198.51.100.12/24 dev eth0
ip -n "${P}host2" address add 172.17.0.1/16 dev docker0
ip -n "${P}host2" address add 172.18.0.1/16 dev docker_gwbridge
ip -n "${P}host3" address add 203.0.113.13/24 dev eth0
ip -n "${P}host3" address add 172.17.0.1/16 dev docker0
ip -n "${P}host3" address add 172.18.0.1/16 dev docker_gwbridge
ip -n "${P}r1" address add 192.0.2.1/24 dev eth0
ip -n "${P}r1" address add 10.255.12.1/30 dev to-r2
ip -n "${P}r1" address add 10.255.13.1/30 dev to-r3
ip -n "${P}r2" address add 198.51.100.1/24 dev eth0
ip -n "${P}r2" address add 10.255.12.2/30 dev to-r1
ip -n "${P}r2" address add 10.255.23.1/30 dev to-r3
ip -n "${P}r3" address add 203.0.113.1/24 dev eth0
ip -n "${P}r3" address add 10.255.13.2/30 dev to-r1
ip -n "${P}r3" address add 10.255.23.2/30 dev to-r2
ip -n "${P}c1" address add 10.0.1.2/24 dev eth0
ip -n "${P}c1" address add 172.18.0.3/16 dev eth1
ip -n "${P}c2" address add 10.0.1.4/24 dev eth0
ip -n "${P}c2" address add 172.18.0.3/16 dev eth1
ip -n "${P}c3" address add 10.0.1.6/24 dev eth0
ip -n "${P}c3" address add 172.18.0.3/16 dev eth1
ip -n "${P}ov-ov1-host1" address add 10.0.1.1/24 dev br0
ip -n "${P}ov-ov1-host2" address add 10.0.1.1/24 dev br0
ip -n "${P}ov-ov1-host3" address add 10.0.1.1/24 dev br0
ip -n "${P}lb-ov1-host1" address add 10.0.1.3/24 dev eth0
ip -n "${P}lb-ov1-host2" address add 10.0.1.5/24 dev eth0
ip -n "${P}lb-ov1-host3" address add 10.0.1.7/24 dev eth0

# routes
ip -n "${P}host1" route add default via 192.0.2.1 dev eth0
ip -n "${P}host2" route add default via 198.51.100.1 dev eth0
ip -n "${P}host3" route add default via 203.0.113.1 dev eth0
ip -n "${P}r1" route add 198.51.100.0/24 via 10.255.12.2 dev to-r2
ip -n "${P}r1" route add 203.0.113.0/24 via 10.255.13.2 dev to-r3
ip -n "${P}r2" route add 192.0.2.0/24 via 10.255.12.1 dev to-r1
ip -n "${P}r2" route add 203.0.113.0/24 via 10.255.23.2 dev to-r3
ip -n "${P}r3" route add 192.0.2.0/24 via 10.255.13.1 dev to-r1
ip -n "${P}r3" route add 198.51.100.0/24 via 10.255.23.1 dev to-r2
ip -n "${P}c1" route add default via 172.18.0.1 dev eth1
ip -n "${P}c2" route add default via 172.18.0.1 dev eth1
ip -n "${P}c3" route add default via 172.18.0.1 dev eth1
ip -n "${P}ov-ov1-host1" neigh replace 10.0.1.4 lladdr 02:42:0a:00:01:04 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host1" neigh replace 10.0.1.6 lladdr 02:42:0a:00:01:06 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host1" neigh replace 10.0.1.5 lladdr 02:42:0a:00:01:05 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host1" neigh replace 10.0.1.7 lladdr 02:42:0a:00:01:07 dev vxlan0 nud permanent
bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:01:04 dev vxlan0 dst 198.51.100.12 self permanent
bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:01:06 dev vxlan0 dst 203.0.113.13 self permanent
bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:01:05 dev vxlan0 dst 198.51.100.12 self permanent
bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:01:07 dev vxlan0 dst 203.0.113.13 self permanent
ip -n "${P}ov-ov1-host2" neigh replace 10.0.1.2 lladdr 02:42:0a:00:01:02 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host2" neigh replace 10.0.1.6 lladdr 02:42:0a:00:01:06 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host2" neigh replace 10.0.1.3 lladdr 02:42:0a:00:01:03 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host2" neigh replace 10.0.1.7 lladdr 02:42:0a:00:01:07 dev vxlan0 nud permanent
bridge -n "${P}ov-ov1-host2" fdb append 02:42:0a:00:01:02 dev vxlan0 dst 192.0.2.11 self permanent
bridge -n "${P}ov-ov1-host2" fdb append 02:42:0a:00:01:06 dev vxlan0 dst 203.0.113.13 self permanent
bridge -n "${P}ov-ov1-host2" fdb append 02:42:0a:00:01:03 dev vxlan0 dst 192.0.2.11 self permanent
bridge -n "${P}ov-ov1-host2" fdb append 02:42:0a:00:01:07 dev vxlan0 dst 203.0.113.13 self permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.1.2 lladdr 02:42:0a:00:01:02 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.1.4 lladdr 02:42:0a:00:01:04 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.1.3 lladdr 02:42:0a:00:01:03 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.1.5 lladdr 02:42:0a:00:01:05 dev vxlan0 nud permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:01:02 dev vxlan0 dst 192.0.2.11 self permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:01:04 dev vxlan0 dst 198.51.100.12 self permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:01:03 dev vxlan0 dst 192.0.2.11 self permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:01:05 dev vxlan0 dst 198.51.100.12 self permanent

# netfilter
ip netns exec "${P}host1" iptables-restore <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 172.18.0.3/32 ! -i docker_gwbridge -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker_gwbridge -j RETURN
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-BRIDGE - [0:0]
:DOCKER-CT - [0:0]
:DOCKER-FORWARD - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-FORWARD
-A DOCKER ! -i docker0 -o docker0 -j DROP
-A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP
-A DOCKER-BRIDGE -o docker0 -j DOCKER
-A DOCKER-BRIDGE -o docker_gwbridge -j DOCKER
-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-CT -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i docker0 -j ACCEPT
-A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
-A DOCKER-FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
COMMIT
EOF
ip netns exec "${P}host2" iptables-restore <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 172.18.0.3/32 ! -i docker_gwbridge -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker_gwbridge -j RETURN
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-BRIDGE - [0:0]
:DOCKER-CT - [0:0]
:DOCKER-FORWARD - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-FORWARD
-A DOCKER ! -i docker0 -o docker0 -j DROP
-A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP
-A DOCKER-BRIDGE -o docker0 -j DOCKER
-A DOCKER-BRIDGE -o docker_gwbridge -j DOCKER
-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-CT -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i docker0 -j ACCEPT
-A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
-A DOCKER-FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
COMMIT
EOF
ip netns exec "${P}host3" iptables-restore <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 172.18.0.3/32 ! -i docker_gwbridge -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i docker_gwbridge -j RETURN
-A DOCKER -i docker0 -j RETURN
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-BRIDGE - [0:0]
:DOCKER-CT - [0:0]
:DOCKER-FORWARD - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-FORWARD
-A DOCKER ! -i docker0 -o docker0 -j DROP
-A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP
-A DOCKER-BRIDGE -o docker0 -j DOCKER
-A DOCKER-BRIDGE -o docker_gwbridge -j DOCKER
-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-CT -o docker_gwbridge -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i docker0 -j ACCEPT
-A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP
-A DOCKER-FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
COMMIT
EOF

# qdiscs
tc -n "${P}seg-dc1-dc2" qdisc replace dev r1-to-r2 root netem delay 5ms
tc -n "${P}seg-dc1-dc2" qdisc replace dev r2-to-r1 root netem delay 5ms
tc -n "${P}seg-dc2-dc3" qdisc replace dev r2-to-r3 root netem delay 20ms
tc -n "${P}seg-dc2-dc3" qdisc replace dev r3-to-r2 root netem delay 20ms
tc -n "${P}seg-dc1-dc3" qdisc replace dev r1-to-r3 root netem delay 40ms
tc -n "${P}seg-dc1-dc3" qdisc replace dev r3-to-r1 root netem delay 40ms

# to remove everything:
# for n in "${P}host1" "${P}host2" "${P}host3" "${P}r1" "${P}r2" "${P}r3" "${P}c1" "${P}c2" "${P}c3" "${P}ov-ov1-host1" "${P}ov-ov1-host2" "${P}ov-ov1-host3" "${P}lb-ov1-host1" "${P}lb-ov1-host2" "${P}lb-ov1-host3" "${P}seg-dc1" "${P}seg-dc2" "${P}seg-dc3" "${P}seg-dc1-dc2" "${P}seg-dc2-dc3" "${P}seg-dc1-dc3"; do ip netns del "$n"; done
