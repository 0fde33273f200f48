#!/bin/sh
# twinnet plan for scenario "static-address", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}dockerhost"
ip netns add "${P}db"
ip netns add "${P}cache"
ip netns add "${P}app"
ip netns add "${P}seg-lan"

# sysctls
ip netns exec "${P}dockerhost" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}db" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}cache" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}app" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-lan" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}dockerhost" link add eth0 address 86:c2:fc:52:48:03 mtu 1500 type veth peer name docker-eth0 netns "${P}seg-lan"
ip -n "${P}dockerhost" link add docker0 address b2:5c:89:42:44:13 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add br-backend address 72:b4:8d:13:e5:06 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add veth291a69d address 7e:45:9c:45:d7:e0 mtu 1500 type veth peer name eth0 netns "${P}db"
ip -n "${P}dockerhost" link add veth90f2e16 address 7a:e8:85:b4:78:85 mtu 1500 type veth peer name eth0 netns "${P}cache"
ip -n "${P}dockerhost" link add vethc679e09 address 16:dd:eb:a8:f6:59 mtu 1500 type veth peer name eth0 netns "${P}app"
ip -n "${P}seg-lan" link add sw0 address ce:d1:97:a6:9d:97 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}dockerhost" link set lo up
ip -n "${P}dockerhost" link set dev eth0 address 86:c2:fc:52:48:03 mtu 1500
ip -n "${P}dockerhost" link set dev eth0 up
ip -n "${P}dockerhost" link set dev docker0 up
ip -n "${P}dockerhost" link set dev br-backend up
ip -n "${P}dockerhost" link set dev veth291a69d address 7e:45:9c:45:d7:e0 mtu 1500
ip -n "${P}dockerhost" link set dev veth291a69d master br-backend
ip -n "${P}dockerhost" link set dev veth291a69d type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth291a69d up
ip -n "${P}dockerhost" link set dev veth90f2e16 address 7a:e8:85:b4:78:85 mtu 1500
ip -n "${P}dockerhost" link set dev veth90f2e16 master br-backend
ip -n "${P}dockerhost" link set dev veth90f2e16 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth90f2e16 up
ip -n "${P}dockerhost" link set dev vethc679e09 address 16:dd:eb:a8:f6:59 mtu 1500
ip -n "${P}dockerhost" link set dev vethc679e09 master br-backend
ip -n "${P}dockerhost" link set dev vethc679e09 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev vethc679e09 up
ip -n "${P}db" link set lo up
ip -n "${P}db" link set dev eth0 address 02:42:0a:0a:00:32 mtu 1500
ip -n "${P}db" link set dev eth0 up
ip -n "${P}cache" link set lo up
ip -n "${P}cache" link set dev eth0 address 02:42:0a:0a:00:01 mtu 1500
ip -n "${P}cache" link set dev eth0 up
ip -n "${P}app" link set lo up
ip -n "${P}app" link set dev eth0 address 02:42:0a:0a:00:02 mtu 1500
ip -n "${P}app" link set dev eth0 up
ip -n "${P}seg-lan" link set lo up
ip -n "${P}seg-lan" link set dev sw0 up
ip -n "${P}seg-lan" link set dev docker-eth0 address ca:7e:5f:4f:ea:02 mtu 1500
ip -n "${P}seg-lan" link set dev docker-eth0 master sw0
ip -n "${P}seg-lan" link set dev docker-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-lan" link set dev docker-eth0 up

# addresses
ip -n "${P}dockerhost" address add 203.0.113.2/24 dev eth0
ip -n "${P}dockerhost" address add 172.17.0.1/16 dev docker0
ip -n "${P}dockerhost" address add 10.10.0.254/24 dev br-backend
ip -n "${P}db" address add 10.10.0.50/24 dev eth0
ip -n "${P}cache" address add 10.10.0.1/24 dev eth0
ip -n "${P}app" address add 10.10.0.2/24 dev eth0

# routes
ip -n "${P}db" route add default via 10.10.0.254 dev eth0
ip -n "${P}cache" route add default via 10.10.0.254 dev eth0
ip -n "${P}app" route add default via 10.10.0.254 dev eth0

# netfilter
ip netns exec "${P}dockerhost" iptables-restore <<'EOF'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -d 10.10.0.50/32 ! -i br-backend -j DROP
-A PREROUTING -d 10.10.0.1/32 ! -i br-backend -j DROP
-A PREROUTING -d 10.10.0.2/32 ! -i br-backend -j DROP
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 10.10.0.0/24 ! -o br-backend -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i br-backend -j RETURN
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
-A DOCKER ! -i br-backend -o br-backend -j DROP
-A DOCKER-BRIDGE -o docker0 -j DOCKER
-A DOCKER-BRIDGE -o br-backend -j DOCKER
-A DOCKER-CT -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-CT -o br-backend -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A DOCKER-FORWARD -j DOCKER-CT
-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1
-A DOCKER-FORWARD -j DOCKER-BRIDGE
-A DOCKER-FORWARD -i docker0 -j ACCEPT
-A DOCKER-FORWARD -i br-backend -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i br-backend ! -o br-backend -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-2 -o br-backend -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
COMMIT
EOF

# to remove everything:
# for n in "${P}dockerhost" "${P}db" "${P}cache" "${P}app" "${P}seg-lan"; do ip netns del "$n"; done
