#!/bin/sh
# twinnet plan for scenario "internal-and-icc", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}dockerhost"
ip netns add "${P}ext"
ip netns add "${P}a1"
ip netns add "${P}web"
ip netns add "${P}i1"
ip netns add "${P}i2"
ip netns add "${P}q1"
ip netns add "${P}q2"
ip netns add "${P}seg-lan"

# sysctls
ip netns exec "${P}dockerhost" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}ext" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}a1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}web" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}i1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}i2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}q1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}q2" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-lan" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}dockerhost" link add eth0 address 86:c2:fc:52:48:03 mtu 1500 type veth peer name docker-eth0 netns "${P}seg-lan"
ip -n "${P}dockerhost" link add docker0 address b2:5c:89:42:44:13 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add br-netI address 2e:bb:03:5f:3d:72 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add br-netNoICC address 1e:7d:c1:d4:60:a5 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add veth79725d7 address ca:84:5d:6a:f0:9b mtu 1500 type veth peer name eth0 netns "${P}a1"
ip -n "${P}dockerhost" link add veth9cf6d9f address b6:4e:ab:8c:88:5d mtu 1500 type veth peer name eth0 netns "${P}web"
ip -n "${P}dockerhost" link add veth0ac4086 address ea:5e:3a:cd:7b:48 mtu 1500 type veth peer name eth0 netns "${P}i1"
ip -n "${P}dockerhost" link add veth2b19492 address 62:4d:af:b2:64:e3 mtu 1500 type veth peer name eth0 netns "${P}i2"
ip -n "${P}dockerhost" link add vethbf50a3c address 9a:19:35:a9:6a:e4 mtu 1500 type veth peer name eth0 netns "${P}q1"
ip -n "${P}dockerhost" link add veth09b33a8 address 26:00:a3:3b:a3:8e mtu 1500 type veth peer name eth0 netns "${P}q2"
ip -n "${P}ext" link add eth0 address e2:47:2f:05:88:a0 mtu 1500 type veth peer name ext-eth0 netns "${P}seg-lan"
ip -n "${P}seg-lan" link add sw0 address ce:d1:97:a6:9d:97 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}dockerhost" link set lo up
ip -n "${P}dockerhost" link set dev eth0 address 86:c2:fc:52:48:03 mtu 1500
ip -n "${P}dockerhost" link set dev eth0 up
ip -n "${P}dockerhost" link set dev docker0 up
ip -n "${P}dockerhost" link set dev br-netI up
ip -n "${P}dockerhost" link set dev br-netNoICC up
ip -n "${P}dockerhost" link set dev veth79725d7 address ca:84:5d:6a:f0:9b mtu 1500
ip -n "${P}dockerhost" link set dev veth79725d7 master docker0
ip -n "${P}dockerhost" link set dev veth79725d7 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth79725d7 up
ip -n "${P}dockerhost" link set dev veth9cf6d9f address b6:4e:ab:8c:88:5d mtu 1500
ip -n "${P}dockerhost" link set dev veth9cf6d9f master docker0
ip -n "${P}dockerhost" link set dev veth9cf6d9f type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth9cf6d9f up
ip -n "${P}dockerhost" link set dev veth0ac4086 address ea:5e:3a:cd:7b:48 mtu 1500
ip -n "${P}dockerhost" link set dev veth0ac4086 master br-netI
ip -n "${P}dockerhost" link set dev veth0ac4086 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth0ac4086 up
ip -n "${P}dockerhost" link set dev veth2b19492 address 62:4d:af:b2:64:e3 mtu 1500
ip -n "${P}dockerhost" link set dev veth2b19492 master br-netI
ip -n "${P}dockerhost" link set dev veth2b19492 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth2b19492 up
ip -n "${P}dockerhost" link set dev vethbf50a3c address 9a:19:35:a9:6a:e4 mtu 1500
ip -n "${P}dockerhost" link set dev vethbf50a3c master br-netNoICC
ip -n "${P}dockerhost" link set dev vethbf50a3c type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev vethbf50a3c up
ip -n "${P}dockerhost" link set dev veth09b33a8 address 26:00:a3:3b:a3:8e mtu 1500
ip -n "${P}dockerhost" link set dev veth09b33a8 master br-netNoICC
ip -n "${P}dockerhost" link set dev veth09b33a8 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth09b33a8 up
ip -n "${P}ext" link set lo up
ip -n "${P}ext" link set dev eth0 address e2:47:2f:05:88:a0 mtu 1500
ip -n "${P}ext" link set dev eth0 up
ip -n "${P}a1" link set lo up
ip -n "${P}a1" link set dev eth0 address 02:42:ac:11:00:02 mtu 1500
ip -n "${P}a1" link set dev eth0 up
ip -n "${P}web" link set lo up
ip -n "${P}web" link set dev eth0 address 02:42:ac:11:00:03 mtu 1500
ip -n "${P}web" link set dev eth0 up
ip -n "${P}i1" link set lo up
ip -n "${P}i1" link set dev eth0 address 02:42:ac:14:00:02 mtu 1500
ip -n "${P}i1" link set dev eth0 up
ip -n "${P}i2" link set lo up
ip -n "${P}i2" link set dev eth0 address 02:42:ac:14:00:03 mtu 1500
ip -n "${P}i2" link set dev eth0 up
ip -n "${P}q1" link set lo up
ip -n "${P}q1" link set dev eth0 address 02:42:ac:15:00:02 mtu 1500
ip -n "${P}q1" link set dev eth0 up
ip -n "${P}q2" link set lo up
ip -n "${P}q2" link set dev eth0 address 02:42:ac:15:00:03 mtu 1500
ip -n "${P}q2" link set dev eth0 up
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
ip -n "${P}dockerhost" address add 172.20.0.1/16 dev br-netI
ip -n "${P}dockerhost" address add 172.21.0.1/16 dev br-netNoICC
ip -n "${P}ext" address add 203.0.113.1/24 dev eth0
ip -n "${P}a1" address add 172.17.0.2/16 dev eth0
ip -n "${P}web" address add 172.17.0.3/16 dev eth0
ip -n "${P}i1" address add 172.20.0.2/16 dev eth0
ip -n "${P}i2" address add 172.20.0.3/16 dev eth0
ip -n "${P}q1" address add 172.21.0.2/16 dev eth0
ip -n "${P}q2" address add 172.21.0.3/16 dev eth0

# routes
ip -n "${P}dockerhost" route add default via 203.0.113.1 dev eth0
ip -n "${P}ext" route add 172.16.0.0/12 via 203.0.113.2 dev eth0
ip -n "${P}a1" route add default via 172.17.0.1 dev eth0
ip -n "${P}web" route add default via 172.17.0.1 dev eth0
ip -n "${P}i1" route add default via 172.20.0.1 dev eth0
ip -n "${P}i2" route add default via 172.20.0.1 dev eth0
ip -n "${P}q1" route add default via 172.21.0.1 dev eth0
ip -n "${P}q2" route add default via 172.21.0.1 dev eth0

# netfilter
ip netns exec "${P}dockerhost" iptables-restore <<'EOF'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:DOCKER - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
-A POSTROUTING -s 172.21.0.0/16 ! -o br-netNoICC -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A POSTROUTING -s 172.17.0.3/32 -d 172.17.0.3/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A POSTROUTING -s 172.21.0.3/32 -d 172.21.0.3/32 -p tcp -m tcp --dport 80 -j MASQUERADE
-A DOCKER -i br-netNoICC -j RETURN
-A DOCKER -i docker0 -j RETURN
-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.3:80
-A DOCKER ! -i br-netNoICC -p tcp -m tcp --dport 8084 -j DNAT --to-destination 172.21.0.3:80
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
-A FORWARD -o br-netNoICC -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-netNoICC -j DOCKER
-A FORWARD -i br-netNoICC ! -o br-netNoICC -j ACCEPT
-A FORWARD -i br-netI -o br-netI -j ACCEPT
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A FORWARD -i br-netNoICC -o br-netNoICC -j DROP
-A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER -d 172.21.0.3/32 ! -i br-netNoICC -o br-netNoICC -p tcp -m tcp --dport 80 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i br-netNoICC ! -o br-netNoICC -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 ! -s 172.20.0.0/16 -o br-netI -j DROP
-A DOCKER-ISOLATION-STAGE-1 ! -d 172.20.0.0/16 -i br-netI -j DROP
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o br-netNoICC -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
EOF

# to remove everything:
# for n in "${P}dockerhost" "${P}ext" "${P}a1" "${P}web" "${P}i1" "${P}i2" "${P}q1" "${P}q2" "${P}seg-lan"; do ip netns del "$n"; done
