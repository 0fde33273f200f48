#!/bin/sh
# twinnet plan for scenario "stale-fdb-after-move", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}host1"
ip netns add "${P}host2"
ip netns add "${P}host3"
ip netns add "${P}c1"
ip netns add "${P}c2"
ip netns add "${P}web"
ip netns add "${P}web2"
ip netns add "${P}ov-ov1-host1"
ip netns add "${P}ov-ov1-host2"
ip netns add "${P}ov-ov1-host3"
ip netns add "${P}lb-ov1-host1"
ip netns add "${P}lb-ov1-host2"
ip netns add "${P}lb-ov1-host3"
ip netns add "${P}seg-dc"

# sysctls
ip netns exec "${P}host1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}host2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}host3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}c1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}c2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}web" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}web2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}ov-ov1-host1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}ov-ov1-host2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}ov-ov1-host3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}lb-ov1-host1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}lb-ov1-host2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}lb-ov1-host3" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-dc" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}host1" link add eth0 address 76:9c:3c:73:94:66 mtu 1500 type veth peer name host1-eth0 netns "${P}seg-dc"
ip -n "${P}host1" link add docker0 address 22:de:5e:e4:04:55 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host1" link add docker_gwbridge address 56:a8:4c:93:70:86 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host1" link add veth4806c56 address 26:c3:c1:6e:ab:df mtu 1500 type veth peer name eth1 netns "${P}c1"
ip -n "${P}host1" link add vx4097 address 7e:e3:5e:4b:00:3e mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum
ip -n "${P}host1" link set vx4097 netns "${P}ov-ov1-host1"
ip -n "${P}host2" link add eth0 address e2:4d:b7:ac:8b:fd mtu 1500 type veth peer name host2-eth0 netns "${P}seg-dc"
ip -n "${P}host2" link add docker0 address b6:a6:ac:16:c7:67 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host2" link add docker_gwbridge address 82:09:bf:53:01:46 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host2" link add veth9c11684 address 4a:fb:49:db:70:ae mtu 1500 type veth peer name eth1 netns "${P}c2"
ip -n "${P}host2" link add veth7da1a7d address 02:fd:b7:b8:7b:49 mtu 1500 type veth peer name eth1 netns "${P}web"
ip -n "${P}host2" link add vx4097 address 82:e3:5f:de:39:2f mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum
ip -n "${P}host2" link set vx4097 netns "${P}ov-ov1-host2"
ip -n "${P}host3" link add eth0 address 76:ec:80:55:34:d0 mtu 1500 type veth peer name host3-eth0 netns "${P}seg-dc"
ip -n "${P}host3" link add docker0 address 52:dd:d0:30:4f:c1 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host3" link add docker_gwbridge address ea:34:48:df:be:f2 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}host3" link add vx4097 address 82:e3:61:71:14:ac mtu 1450 type vxlan id 4097 dstport 4789 proxy l2miss l3miss ageing 300 udpcsum
ip -n "${P}host3" link set vx4097 netns "${P}ov-ov1-host3"
ip -n "${P}c1" link add eth0 address 02:42:0a:00:09:02 mtu 1450 type veth peer name veth0 netns "${P}ov-ov1-host1"
ip -n "${P}c2" link add eth0 address 02:42:0a:00:09:04 mtu 1450 type veth peer name veth0 netns "${P}ov-ov1-host2"
ip -n "${P}web" link add eth0 address 02:42:0a:00:09:32 mtu 1450 type veth peer name veth2 netns "${P}ov-ov1-host2"
ip -n "${P}ov-ov1-host1" link add br0 address 56:9f:3b:36:86:07 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}ov-ov1-host1" link set vx4097 name vxlan0
ip -n "${P}ov-ov1-host1" link add veth1 address ee:b5:38:61:6a:bc mtu 1450 type veth peer name eth0 netns "${P}lb-ov1-host1"
ip -n "${P}ov-ov1-host2" link add br0 address 56:9f:39:a3:e4:36 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}ov-ov1-host2" link set vx4097 name vxlan0
ip -n "${P}ov-ov1-host2" link add veth1 address 92:70:77:64:10:d5 mtu 1450 type veth peer name eth0 netns "${P}lb-ov1-host2"
ip -n "${P}ov-ov1-host3" link add br0 address 52:9f:38:10:a9:a1 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}ov-ov1-host3" link set vx4097 name vxlan0
ip -n "${P}seg-dc" link add sw0 address 42:6a:c0:5a:4c:eb type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

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
ip -n "${P}host2" link set dev veth7da1a7d address 02:fd:b7:b8:7b:49 mtu 1500
ip -n "${P}host2" link set dev veth7da1a7d master docker_gwbridge
ip -n "${P}host2" link set dev veth7da1a7d type bridge_slave hairpin off learning on flood on
ip -n "${P}host2" link set dev veth7da1a7d up
ip -n "${P}host3" link set lo up
ip -n "${P}host3" link set dev eth0 address 76:ec:80:55:34:d0 mtu 1500
ip -n "${P}host3" link set dev eth0 up
ip -n "${P}host3" link set dev docker0 up
ip -n "${P}host3" link set dev docker_gwbridge up
ip -n "${P}c1" link set lo up
ip -n "${P}c1" link set dev eth0 address 02:42:0a:00:09:02 mtu 1450
ip -n "${P}c1" link set dev eth0 up
ip -n "${P}c1" link set dev eth1 address 02:42:ac:12:00:03 mtu 1500
ip -n "${P}c1" link set dev eth1 up
ip -n "${P}c2" link set lo up
ip -n "${P}c2" link set dev eth0 address 02:42:0a:00:09:04 mtu 1450
ip -n "${P}c2" link set dev eth0 up
ip -n "${P}c2" link set dev eth1 address 02:42:ac:12:00:03 mtu 1500
ip -n "${P}c2" link set dev eth1 up
ip -n "${P}web" link set lo up
ip -n "${P}web" link set dev eth0 address 02:42:0a:00:09:32 mtu 1450
ip -n "${P}web" link set dev eth0 up
ip -n "${P}web" link set dev eth1 address 02:42:ac:12:00:04 mtu 1500
ip -n "${P}web" link set dev eth1 up
ip -n "${P}web2" link set lo up
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
ip -n "${P}ov-ov1-host2" link set dev veth2 address 92:70:7c:1d:97:78 mtu 1450
ip -n "${P}ov-ov1-host2" link set dev veth2 master br0
ip -n "${P}ov-ov1-host2" link set dev veth2 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host2" link set dev veth2 up
ip -n "${P}ov-ov1-host3" link set lo up
ip -n "${P}ov-ov1-host3" link set dev br0 up
ip -n "${P}ov-ov1-host3" link set dev vxlan0 master br0
ip -n "${P}ov-ov1-host3" link set dev vxlan0 type bridge_slave hairpin off learning on flood on
ip -n "${P}ov-ov1-host3" link set dev vxlan0 up
ip -n "${P}lb-ov1-host1" link set lo up
ip -n "${P}lb-ov1-host1" link set dev eth0 address 02:42:0a:00:09:03 mtu 1450
ip -n "${P}lb-ov1-host1" link set dev eth0 up
ip -n "${P}lb-ov1-host2" link set lo up
ip -n "${P}lb-ov1-host2" link set dev eth0 address 02:42:0a:00:09:05 mtu 1450
ip -n "${P}lb-ov1-host2" link set dev eth0 up
ip -n "${P}lb-ov1-host3" link set lo up
ip -n "${P}seg-dc" link set lo up
ip -n "${P}seg-dc" link set dev sw0 up
ip -n "${P}seg-dc" link set dev host1-eth0 address b2:cb:3d:14:6d:e5 mtu 1500
ip -n "${P}seg-dc" link set dev host1-eth0 master sw0
ip -n "${P}seg-dc" link set dev host1-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc" link set dev host1-eth0 up
ip -n "${P}seg-dc" link set dev host2-eth0 address b2:7a:3b:db:b2:ae mtu 1500
ip -n "${P}seg-dc" link set dev host2-eth0 master sw0
ip -n "${P}seg-dc" link set dev host2-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc" link set dev host2-eth0 up
ip -n "${P}seg-dc" link set dev host3-eth0 address 52:3d:3c:fa:75:0b mtu 1500
ip -n "${P}seg-dc" link set dev host3-eth0 master sw0
ip -n "${P}seg-dc" link set dev host3-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-dc" link set dev host3-eth0 up

# addresses
ip -n "${P}host1" address add 192.0.2.11/24 dev eth0
ip -n "${P}host1" address add 172.17.0.1/16 dev docker0
ip -n "${P}host1" address add 172.18.0.1/16 dev docker_gwbridge
ip -n "${P}host2" address add 192.0.2.12/24 dev eth0
ip -n "${P}host2" address add 172.17.0.1/16 dev docker0
ip -n "${P}host2" address add 172.18.0.1/16 dev docker_gwbridge
ip -n "${P}host3" address add 192.0.2.13/24 dev eth0
ip -n "${P}host3" address add 172.17.0.1/16 dev docker0
ip -n "${P}host3" address add 172.18.0.1/16 dev docker_gwbridge
ip -n "${P}c1" address add 10.0.9.2/24 dev eth0
ip -n "${P}c1" address add 172.18.0.3/16 dev eth1
ip -n "${P}c2" address add 10.0.9.4/24 dev eth0
ip -n "${P}c2" address add 172.18.0.3/16 dev eth1
ip -n "${P}web" address add 10.0.9.50/24 dev eth0
ip -n "${P}web" address add 172.18.0.4/16 dev eth1
ip -n "${P}ov-ov1-host1" address add 10.0.9.1/24 dev br0
ip -n "${P}ov-ov1-host2" address add 10.0.9.1/24 dev br0
ip -n "${P}ov-ov1-host3" address add 10.0.9.1/24 dev br0
ip -n "${P}lb-ov1-host1" address add 10.0.9.3/24 dev eth0
ip -n "${P}lb-ov1-host2" address add 10.0.9.5/24 dev eth0

# routes
ip -n "${P}c1" route add default via 172.18.0.1 dev eth1
ip -n "${P}c2" route add default via 172.18.0.1 dev eth1
ip -n "${P}web" route add default via 172.18.0.1 dev eth1
ip -n "${P}ov-ov1-host1" neigh replace 10.0.9.4 lladdr 02:42:0a:00:09:04 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host1" neigh replace 10.0.9.50 lladdr 02:42:0a:00:09:32 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host1" neigh replace 10.0.9.5 lladdr 02:42:0a:00:09:05 dev vxlan0 nud permanent
bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:09:04 dev vxlan0 dst 192.0.2.12 self permanent
bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:09:32 dev vxlan0 dst 192.0.2.12 self permanent
bridge -n "${P}ov-ov1-host1" fdb append 02:42:0a:00:09:05 dev vxlan0 dst 192.0.2.12 self permanent
ip -n "${P}ov-ov1-host2" neigh replace 10.0.9.2 lladdr 02:42:0a:00:09:02 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host2" neigh replace 10.0.9.3 lladdr 02:42:0a:00:09:03 dev vxlan0 nud permanent
bridge -n "${P}ov-ov1-host2" fdb append 02:42:0a:00:09:02 dev vxlan0 dst 192.0.2.11 self permanent
bridge -n "${P}ov-ov1-host2" fdb append 02:42:0a:00:09:03 dev vxlan0 dst 192.0.2.11 self permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.9.2 lladdr 02:42:0a:00:09:02 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.9.4 lladdr 02:42:0a:00:09:04 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.9.50 lladdr 02:42:0a:00:09:32 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.9.3 lladdr 02:42:0a:00:09:03 dev vxlan0 nud permanent
ip -n "${P}ov-ov1-host3" neigh replace 10.0.9.5 lladdr 02:42:0a:00:09:05 dev vxlan0 nud permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:09:02 dev vxlan0 dst 192.0.2.11 self permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:09:04 dev vxlan0 dst 192.0.2.12 self permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:09:32 dev vxlan0 dst 192.0.2.12 self permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:09:03 dev vxlan0 dst 192.0.2.11 self permanent
bridge -n "${P}ov-ov1-host3" fdb append 02:42:0a:00:09:05 dev vxlan0 dst 192.0.2.12 self permanent

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
-A PREROUTING -d 172.18.0.4/32 ! -i docker_gwbridge -j DROP
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

# to remove everything:
# for n in "${P}host1" "${P}host2" "${P}host3" "${P}c1" "${P}c2" "${P}web" "${P}web2" "${P}ov-ov1-host1" "${P}ov-ov1-host2" "${P}ov-ov1-host3" "${P}lb-ov1-host1" "${P}lb-ov1-host2" "${P}lb-ov1-host3" "${P}seg-dc"; do ip netns del "$n"; done
