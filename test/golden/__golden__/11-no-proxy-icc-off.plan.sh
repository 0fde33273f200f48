#!/bin/sh
# twinnet plan for scenario "no-proxy-icc-off", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}dockerhost"
ip netns add "${P}ext"
ip netns add "${P}v1"
ip netns add "${P}v2"
ip netns add "${P}vA"
ip netns add "${P}vB"
ip netns add "${P}seg-lan"

# sysctls
ip netns exec "${P}dockerhost" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}ext" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}v1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}v2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}vA" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}vB" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-lan" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}dockerhost" link add eth0 address 86:c2:fc:52:48:03 mtu 1500 type veth peer name docker-eth0 netns "${P}seg-lan"
ip -n "${P}dockerhost" link add docker0 address b2:5c:89:42:44:13 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add br-netV address 42:bb:24:6e:46:df type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add vethda7327f address 62:d3:3e:1b:1e:ee mtu 1400 type veth peer name eth0 netns "${P}v1"
ip -n "${P}dockerhost" link add vethae94ce8 address 6a:13:ef:96:76:e7 mtu 1400 type veth peer name eth0 netns "${P}v2"
ip -n "${P}dockerhost" link add veth7f174d4 address d6:dc:09:1c:ba:cd mtu 1500 type veth peer name eth0 netns "${P}vA"
ip -n "${P}dockerhost" link add vethdb8a6d7 address b6:91:38:1b:a8:ee mtu 1500 type veth peer name eth0 netns "${P}vB"
ip -n "${P}ext" link add eth0 address e2:47:2f:05:88:a0 mtu 1500 type veth peer name ext-eth0 netns "${P}seg-lan"
ip -n "${P}seg-lan" link add sw0 address ce:d1:97:a6:9d:97 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}dockerhost" link set lo up
ip -n "${P}dockerhost" link set dev eth0 address 86:c2:fc:52:48:03 mtu 1500
ip -n "${P}dockerhost" link set dev eth0 up
ip -n "${P}dockerhost" link set dev docker0 up
ip -n "${P}dockerhost" link set dev br-netV up
ip -n "${P}dockerhost" link set dev vethda7327f address 62:d3:3e:1b:1e:ee mtu 1400
ip -n "${P}dockerhost" link set dev vethda7327f master docker0
ip -n "${P}dockerhost" link set dev vethda7327f type bridge_slave hairpin on learning on flood on
ip -n "${P}dockerhost" link set dev vethda7327f up
ip -n "${P}dockerhost" link set dev vethae94ce8 address 6a:13:ef:96:76:e7 mtu 1400
ip -n "${P}dockerhost" link set dev vethae94ce8 master docker0
ip -n "${P}dockerhost" link set dev vethae94ce8 type bridge_slave hairpin on learning on flood on
ip -n "${P}dockerhost" link set dev vethae94ce8 up
ip -n "${P}dockerhost" link set dev veth7f174d4 address d6:dc:09:1c:ba:cd mtu 1500
ip -n "${P}dockerhost" link set dev veth7f174d4 master br-netV
ip -n "${P}dockerhost" link set dev veth7f174d4 type bridge_slave hairpin on learning on flood on
ip -n "${P}dockerhost" link set dev veth7f174d4 up
ip -n "${P}dockerhost" link set dev vethdb8a6d7 address b6:91:38:1b:a8:ee mtu 1500
ip -n "${P}dockerhost" link set dev vethdb8a6d7 master br-netV
ip -n "${P}dockerhost" link set dev vethdb8a6d7 type bridge_slave hairpin on learning on flood on
ip -n "${P}dockerhost" link set dev vethdb8a6d7 up
ip -n "${P}ext" link set lo up
ip -n "${P}ext" link set dev eth0 address e2:47:2f:05:88:a0 mtu 1500
ip -n "${P}ext" link set dev eth0 up
ip -n "${P}v1" link set lo up
ip -n "${P}v1" link set dev eth0 address 02:42:ac:11:00:02 mtu 1400
ip -n "${P}v1" link set dev eth0 up
ip -n "${P}v2" link set lo up
ip -n "${P}v2" link set dev eth0 address 02:42:ac:11:00:03 mtu 1400
ip -n "${P}v2" link set dev eth0 up
ip -n "${P}vA" link set lo up
ip -n "${P}vA" link set dev eth0 address 02:42:ac:12:00:02 mtu 1500
ip -n "${P}vA" link set dev eth0 up
ip -n "${P}vB" link set lo up
ip -n "${P}vB" link set dev eth0 address 02:42:ac:12:00:03 mtu 1500
ip -n "${P}vB" link set dev eth0 up
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
ip -n "${P}dockerhost" address add 203.0.113.3/24 dev eth0
ip -n "${P}dockerhost" address add 172.17.0.1/16 dev docker0
ip -n "${P}dockerhost" address add 172.18.0.1/16 dev br-netV
ip -n "${P}ext" address add 203.0.113.1/24 dev eth0
ip -n "${P}v1" address add 172.17.0.2/16 dev eth0
ip -n "${P}v2" address add 172.17.0.3/16 dev eth0
ip -n "${P}vA" address add 172.18.0.2/16 dev eth0
ip -n "${P}vB" address add 172.18.0.3/16 dev eth0

# routes
ip -n "${P}dockerhost" route add default via 203.0.113.1 dev eth0
ip -n "${P}v1" route add default via 172.17.0.1 dev eth0
ip -n "${P}v2" route add default via 172.17.0.1 dev eth0
ip -n "${P}vA" route add default via 172.18.0.1 dev eth0
ip -n "${P}vB" route add default via 172.18.0.1 dev eth0

# device-sysctls
ip netns exec "${P}dockerhost" sysctl -q -w net.ipv4.conf.docker0.route_localnet=1 -w net.ipv4.conf.br-netV.route_localnet=1

# netfilter
ip netns exec "${P}dockerhost" iptables-restore <<'EOF'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -o br-netV -m addrtype --src-type LOCAL -j MASQUERADE
-A POSTROUTING -s 172.18.0.0/16 ! -o br-netV -j MASQUERADE
-A POSTROUTING -o docker0 -m addrtype --src-type LOCAL -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A POSTROUTING -s 172.18.0.2/32 -d 172.18.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -d 127.0.0.1/32 -p tcp -m tcp --dport 8082 -j DNAT --to-destination 172.17.0.2:80
-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80
-A DOCKER -p tcp -m tcp --dport 8081 -j DNAT --to-destination 172.18.0.2:80
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:DOCKER - [0:0]
:DOCKER-ISOLATION-STAGE-1 - [0:0]
:DOCKER-ISOLATION-STAGE-2 - [0:0]
:DOCKER-USER - [0:0]
-A FORWARD -j DOCKER-USER
-A FORWARD -j DOCKER-ISOLATION-STAGE-1
-A FORWARD -o br-netV -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-netV -j DOCKER
-A FORWARD -i br-netV ! -o br-netV -j ACCEPT
-A FORWARD -i br-netV -o br-netV -j ACCEPT
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j DROP
-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER -d 172.18.0.2/32 ! -i br-netV -o br-netV -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i br-netV ! -o br-netV -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o br-netV -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
EOF

# to remove everything:
# for n in "${P}dockerhost" "${P}ext" "${P}v1" "${P}v2" "${P}vA" "${P}vB" "${P}seg-lan"; do ip netns del "$n"; done
