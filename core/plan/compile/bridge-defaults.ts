/**
 * Linux bridge defaults as Docker leaves them (docker-semantics.md 4.1: stp_state 0,
 * ageing_time 30000, mcast_snooping 1), used for every bridge twinnet creates.
 */
import { LINUX_BRIDGE_MCAST_SNOOPING } from '../../scenario/defaults.js';
import type { BridgeParams, PortFlags } from '../types.js';

/** 300 s in centiseconds: the kernel's BR_DEFAULT_AGEING_TIME (net/bridge/br_private.h). */
export const BRIDGE_AGEING_TIME_CS = 30000;

export const LINUX_BRIDGE_DEFAULTS: BridgeParams = {
  stp: false,
  ageingTimeCs: BRIDGE_AGEING_TIME_CS,
  mcastSnooping: LINUX_BRIDGE_MCAST_SNOOPING,
};

/** A new bridge port: learning and flooding on, hairpin off (bridge-link(8) defaults). */
export const DEFAULT_PORT_FLAGS: PortFlags = { hairpin: false, learning: true, flood: true };

/** A bridge with no ports has Ethernet's MTU (net/bridge/br_device.c: ETH_DATA_LEN). */
export const BRIDGE_EMPTY_MTU = 1500;

/**
 * The MTU Linux gives a bridge nobody set an MTU on: the smallest MTU of its ports
 * (net/bridge/br_if.c, br_mtu_min via br_mtu_auto_adjust), Ethernet's without ports.
 * Docker relies on this: a network's bridge drops to 1400 when its first 1400-byte veth
 * joins (docker-semantics.md 6g).
 */
export function bridgeAutoMtu(portMtus: readonly number[]): number {
  return portMtus.length === 0 ? BRIDGE_EMPTY_MTU : Math.min(...portMtus);
}
