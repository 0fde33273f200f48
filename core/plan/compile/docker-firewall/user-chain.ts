/**
 * DOCKER-USER: the filter chain Docker leaves to its users, jumped to from the top of
 * FORWARD, so that their rules run before Docker's and survive its changes.
 *
 * The two generations differ in two ways that matter to a user's rules:
 * - 20.10 (vendor/github.com/docker/libnetwork/firewall_linux.go, arrangeUserFilterRule)
 *   creates the chain with a `-j RETURN` rule (AddReturnRule), so a rule the user
 *   appends lands after the RETURN and never matches; and it re-runs after every
 *   network the controller creates (controller.go NewNetwork ends with
 *   arrangeUserFilterRule), re-pinning the jump to the top of FORWARD each time. The
 *   first run is at daemon start, when the daemon creates its `none` and `host`
 *   networks, before the default bridge.
 * - 28 and 29 (libnetwork/firewall_linux.go setupUserChain, called once by the
 *   controller after the drivers are registered: controller.go New at v28.5.2,
 *   setupPlatformFirewall at 29.7) create the chain empty, with no RETURN rule, and
 *   pin the jump to the top of FORWARD once per daemon start. As the bridge driver set
 *   up its own chains just before (iptabler.go setupIPChains: `-I FORWARD -j
 *   DOCKER-FORWARD`), FORWARD reads `-j DOCKER-USER`, `-j DOCKER-FORWARD`.
 *
 * Neither generation writes DOCKER-USER when `iptables` is false.
 */
import type { IptablesCalls } from './iptables-calls.js';

export const DOCKER_USER_CHAIN = 'DOCKER-USER';

/** 20.10: create the chain with its RETURN rule, and (re-)pin the jump at the top of FORWARD. */
export function arrangeUserFilterRule(ipt: IptablesCalls): void {
  ipt.newChain('filter', DOCKER_USER_CHAIN);
  ipt.addReturn(DOCKER_USER_CHAIN);
  ipt.ensureJump('filter', 'FORWARD', DOCKER_USER_CHAIN);
}

/** 28 and 29: create the chain (empty) and pin the jump at the top of FORWARD. */
export function setupUserChain(ipt: IptablesCalls): void {
  ipt.newChain('filter', DOCKER_USER_CHAIN);
  ipt.ensureJump('filter', 'FORWARD', DOCKER_USER_CHAIN);
}
