#!/bin/sh
# twinnet plan for scenario "router-firewall", as the commands that build it.
# Run as root. Every namespace name starts with $P; remove them with the loop at the end.
set -eu
P="${P:-tn-}"

# namespaces
ip netns add "${P}r1"
ip netns add "${P}web"
ip netns add "${P}pc"
ip netns add "${P}client"
ip netns add "${P}seg-office"
ip netns add "${P}seg-wan"

# sysctls
ip netns exec "${P}r1" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=1
ip netns exec "${P}web" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}pc" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}client" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1 -w net.ipv4.ip_forward=0
ip netns exec "${P}seg-office" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1
ip netns exec "${P}seg-wan" sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 -w net.ipv6.conf.default.disable_ipv6=1

# links
ip -n "${P}r1" link add eth0 address fa:ab:ea:cf:21:82 mtu 1500 type veth peer name r1-eth0 netns "${P}seg-office"
ip -n "${P}r1" link add eth1 address f6:ab:e9:3c:b2:6d mtu 1500 type veth peer name r1-eth1 netns "${P}seg-wan"
ip -n "${P}web" link add eth0 address 92:77:70:e2:4f:33 mtu 1500 type veth peer name web-eth0 netns "${P}seg-office"
ip -n "${P}pc" link add eth0 address b6:78:43:63:63:f6 mtu 1500 type veth peer name pc-eth0 netns "${P}seg-office"
ip -n "${P}client" link add eth0 address ba:4e:2d:d1:dd:8c mtu 1500 type veth peer name client-eth0 netns "${P}seg-wan"
ip -n "${P}seg-office" link add sw0 address 86:3b:e1:ef:be:a2 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0
ip -n "${P}seg-wan" link add sw0 address be:c4:04:d3:82:c6 type bridge stp_state 0 ageing_time 30000 mcast_snooping 0

# link-config
ip -n "${P}r1" link set lo up
ip -n "${P}r1" link set dev eth0 address fa:ab:ea:cf:21:82 mtu 1500
ip -n "${P}r1" link set dev eth0 up
ip -n "${P}r1" link set dev eth1 address f6:ab:e9:3c:b2:6d mtu 1500
ip -n "${P}r1" link set dev eth1 up
ip -n "${P}web" link set lo up
ip -n "${P}web" link set dev eth0 address 92:77:70:e2:4f:33 mtu 1500
ip -n "${P}web" link set dev eth0 up
ip -n "${P}pc" link set lo up
ip -n "${P}pc" link set dev eth0 address b6:78:43:63:63:f6 mtu 1500
ip -n "${P}pc" link set dev eth0 up
ip -n "${P}client" link set lo up
ip -n "${P}client" link set dev eth0 address ba:4e:2d:d1:dd:8c mtu 1500
ip -n "${P}client" link set dev eth0 up
ip -n "${P}seg-office" link set lo up
ip -n "${P}seg-office" link set dev sw0 up
ip -n "${P}seg-office" link set dev r1-eth0 address 7a:84:37:4f:82:02 mtu 1500
ip -n "${P}seg-office" link set dev r1-eth0 master sw0
ip -n "${P}seg-office" link set dev r1-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-office" link set dev r1-eth0 up
ip -n "${P}seg-office" link set dev web-eth0 address 7a:f7:de:62:38:b3 mtu 1500
ip -n "${P}seg-office" link set dev web-eth0 master sw0
ip -n "${P}seg-office" link set dev web-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-office" link set dev web-eth0 up
ip -n "${P}seg-office" link set dev pc-eth0 address 36:50:8f:e3:c4:76 mtu 1500
ip -n "${P}seg-office" link set dev pc-eth0 master sw0
ip -n "${P}seg-office" link set dev pc-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-office" link set dev pc-eth0 up
ip -n "${P}seg-wan" link set lo up
ip -n "${P}seg-wan" link set dev sw0 up
ip -n "${P}seg-wan" link set dev r1-eth1 address 22:b5:af:60:88:11 mtu 1500
ip -n "${P}seg-wan" link set dev r1-eth1 master sw0
ip -n "${P}seg-wan" link set dev r1-eth1 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-wan" link set dev r1-eth1 up
ip -n "${P}seg-wan" link set dev client-eth0 address 22:87:fe:85:a4:20 mtu 1500
ip -n "${P}seg-wan" link set dev client-eth0 master sw0
ip -n "${P}seg-wan" link set dev client-eth0 type bridge_slave hairpin off learning on flood on
ip -n "${P}seg-wan" link set dev client-eth0 up

# addresses
ip -n "${P}r1" address add 10.1.0.1/24 dev eth0
ip -n "${P}r1" address add 198.51.100.1/24 dev eth1
ip -n "${P}web" address add 10.1.0.10/24 dev eth0
ip -n "${P}pc" address add 10.1.0.20/24 dev eth0
ip -n "${P}client" address add 198.51.100.50/24 dev eth0

# routes
ip -n "${P}web" route add default via 10.1.0.1 dev eth0
ip -n "${P}pc" route add default via 10.1.0.1 dev eth0
ip -n "${P}client" route add 10.1.0.0/24 via 198.51.100.1 dev eth0

# netfilter
ip netns exec "${P}r1" iptables-restore <<'EOF'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -i eth1 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.1.0.10:80
-A POSTROUTING -s 10.1.0.0/24 -o eth1 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -i eth1 -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset
-A INPUT -i eth1 -p tcp -m tcp --dport 23 -j REJECT --reject-with icmp-admin-prohibited
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i eth0 -o eth1 -j ACCEPT
-A FORWARD -d 10.1.0.10/32 -i eth1 -o eth0 -p tcp -m tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT
-A FORWARD -i eth1 -j LOG --log-prefix "wan drop: "
COMMIT
EOF
ip netns exec "${P}client" iptables-restore <<'EOF'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A OUTPUT -p udp -m udp --dport 9 -j DROP
COMMIT
EOF

# to remove everything:
# for n in "${P}r1" "${P}web" "${P}pc" "${P}client" "${P}seg-office" "${P}seg-wan"; do ip netns del "$n"; done
