#!/bin/sh
# twinnet plan for scenario "multihomed", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}dockerhost"
ip netns add "${P}ext"
ip netns add "${P}a1"
ip netns add "${P}b1"
ip netns add "${P}m1"
ip netns add "${P}seg-lan"

# sysctls
ip netns exec "${P}dockerhost" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1 -w net.bridge.bridge-nf-call-iptables=1 -w net.bridge.bridge-nf-call-ip6tables=1
ip netns exec "${P}ext" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}a1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}b1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}m1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-lan" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}dockerhost" link add eth0 address 86:c2:fc:52:48:03 mtu 1500 type veth peer name docker-eth0 netns "${P}seg-lan"
ip -n "${P}dockerhost" link add docker0 address b2:5c:89:42:44:13 type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add br-netA address 36:bb:0f:f7:3d:8a type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add br-netB address 36:bb:11:8a:10:bb type bridge stp_state 0 ageing_time 30000 mcast_snooping 1
ip -n "${P}dockerhost" link add veth0518ee3 address 76:2b:69:7a:b5:8b mtu 1500 type veth peer name eth0 netns "${P}a1"
ip -n "${P}dockerhost" link add veth10f6914 address 3a:00:6e:52:0a:03 mtu 1500 type veth peer name eth0 netns "${P}b1"
ip -n "${P}dockerhost" link add veth2f0ce48 address 3e:ef:4d:a7:01:da mtu 1500 type veth peer name eth0 netns "${P}m1"
ip -n "${P}dockerhost" link add vethe093cd7 address b2:64:66:4c:a1:1d mtu 1500 type veth peer name eth1 netns "${P}m1"
ip -n "${P}ext" link add eth0 address e2:47:2f:05:88:a0 mtu 1500 type veth peer name ext-eth0 netns "${P}seg-lan"
ip -n "${P}seg-lan" link add sw0 address ce:d1:97:a6:9d:97 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}dockerhost" link set lo up
ip -n "${P}dockerhost" link set dev eth0 address 86:c2:fc:52:48:03 mtu 1500
ip -n "${P}dockerhost" link set dev eth0 up
ip -n "${P}dockerhost" link set dev docker0 up
ip -n "${P}dockerhost" link set dev br-netA up
ip -n "${P}dockerhost" link set dev br-netB up
ip -n "${P}dockerhost" link set dev veth0518ee3 address 76:2b:69:7a:b5:8b mtu 1500
ip -n "${P}dockerhost" link set dev veth0518ee3 master br-netA
ip -n "${P}dockerhost" link set dev veth0518ee3 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth0518ee3 up
ip -n "${P}dockerhost" link set dev veth10f6914 address 3a:00:6e:52:0a:03 mtu 1500
ip -n "${P}dockerhost" link set dev veth10f6914 master br-netB
ip -n "${P}dockerhost" link set dev veth10f6914 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth10f6914 up
ip -n "${P}dockerhost" link set dev veth2f0ce48 address 3e:ef:4d:a7:01:da mtu 1500
ip -n "${P}dockerhost" link set dev veth2f0ce48 master br-netB
ip -n "${P}dockerhost" link set dev veth2f0ce48 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev veth2f0ce48 up
ip -n "${P}dockerhost" link set dev vethe093cd7 address b2:64:66:4c:a1:1d mtu 1500
ip -n "${P}dockerhost" link set dev vethe093cd7 master br-netA
ip -n "${P}dockerhost" link set dev vethe093cd7 type bridge_slave hairpin off learning on flood on
ip -n "${P}dockerhost" link set dev vethe093cd7 up
ip -n "${P}ext" link set lo up
ip -n "${P}ext" link set dev eth0 address e2:47:2f:05:88:a0 mtu 1500
ip -n "${P}ext" link set dev eth0 up
ip -n "${P}a1" link set lo up
ip -n "${P}a1" link set dev eth0 address 02:42:ac:12:00:02 mtu 1500
ip -n "${P}a1" link set dev eth0 up
ip -n "${P}b1" link set lo up
ip -n "${P}b1" link set dev eth0 address 02:42:ac:13:00:02 mtu 1500
ip -n "${P}b1" link set dev eth0 up
ip -n "${P}m1" link set lo up
ip -n "${P}m1" link set dev eth0 address 02:42:ac:13:00:03 mtu 1500
ip -n "${P}m1" link set dev eth0 up
ip -n "${P}m1" link set dev eth1 address 02:42:ac:12:00:03 mtu 1500
ip -n "${P}m1" link set dev eth1 up
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
ip -n "${P}dockerhost" address add 172.18.0.1/16 dev br-netA
ip -n "${P}dockerhost" address add 172.19.0.1/16 dev br-netB
ip -n "${P}ext" address add 203.0.113.1/24 dev eth0
ip -n "${P}a1" address add 172.18.0.2/16 dev eth0
ip -n "${P}b1" address add 172.19.0.2/16 dev eth0
ip -n "${P}m1" address add 172.19.0.3/16 dev eth0
ip -n "${P}m1" address add 172.18.0.3/16 dev eth1

# routes
ip -n "${P}a1" route add default via 172.18.0.1 dev eth0
ip -n "${P}b1" route add default via 172.19.0.1 dev eth0
ip -n "${P}m1" route add default via 172.18.0.1 dev eth1

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
-A POSTROUTING -s 172.19.0.0/16 ! -o br-netB -j MASQUERADE
-A POSTROUTING -s 172.18.0.0/16 ! -o br-netA -j MASQUERADE
-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
-A DOCKER -i br-netB -j RETURN
-A DOCKER -i br-netA -j RETURN
-A DOCKER -i docker0 -j RETURN
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
-A FORWARD -o br-netB -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-netB -j DOCKER
-A FORWARD -i br-netB ! -o br-netB -j ACCEPT
-A FORWARD -i br-netB -o br-netB -j ACCEPT
-A FORWARD -o br-netA -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o br-netA -j DOCKER
-A FORWARD -i br-netA ! -o br-netA -j ACCEPT
-A FORWARD -i br-netA -o br-netA -j ACCEPT
-A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -o docker0 -j DOCKER
-A FORWARD -i docker0 ! -o docker0 -j ACCEPT
-A FORWARD -i docker0 -o docker0 -j ACCEPT
-A DOCKER-ISOLATION-STAGE-1 -i br-netB ! -o br-netB -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i br-netA ! -o br-netA -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2
-A DOCKER-ISOLATION-STAGE-1 -j RETURN
-A DOCKER-ISOLATION-STAGE-2 -o br-netB -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o br-netA -j DROP
-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP
-A DOCKER-ISOLATION-STAGE-2 -j RETURN
-A DOCKER-USER -j RETURN
COMMIT
EOF

# to remove everything:
# for n in "${P}dockerhost" "${P}ext" "${P}a1" "${P}b1" "${P}m1" "${P}seg-lan"; do ip netns del "$n"; done
