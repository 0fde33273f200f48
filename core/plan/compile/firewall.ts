/**
 * A host's whole ruleset: on a Docker host, the rules its engine writes
 * (`docker-firewall/`), then the user's own `iptables:` lines applied on the same
 * builder, as a person would type them once dockerd is up (so `-I DOCKER-USER` lands
 * where the kernel would put it); on any other host, the user's lines alone. The ruleset
 * must pass the kernel's load-time checks (core/netfilter/check.ts).
 *
 * One build serves validation (which reports its problems with the path of the
 * offending line) and compilation (which takes the ruleset, the docker-proxy processes
 * and the sysctls that go with it): core/plan/load-plan.ts hands it to both.
 */
import { RulesetBuilder, RulesetError } from '../../netfilter/builder.js';
import { checkRuleset, RulesetCheckError } from '../../netfilter/check.js';
import { renderRuleset, ruleText } from '../../netfilter/render.js';
import type { Ruleset } from '../../netfilter/types.js';
import type { Path, Severity } from '../../scenario/diagnostics.js';
import type { ContainerModel, HostModel, NetworkModel, ScenarioModel, UserRuleModel } from '../../scenario/model.js';
import type { HelperPlan, SysctlPlan } from '../types.js';
import { compileDockerFirewall, type DockerHostFirewall } from './docker-firewall/index.js';
import { DOCKER_USER_CHAIN } from './docker-firewall/user-chain.js';

/** Something wrong with a user's line, or worth a warning. */
export interface FirewallProblem {
  readonly severity: Severity;
  readonly path: Path;
  readonly message: string;
  readonly value?: string;
}

export interface HostFirewall {
  readonly ruleset: Ruleset;
  /** iptables-save text; empty when the host has no rules. */
  readonly netfilter: string;
  readonly helpers: readonly HelperPlan[];
  readonly sysctls: readonly SysctlPlan[];
  /** Docker hosts: whether dockerd turns IPv4 forwarding on. */
  readonly forwarding?: DockerHostFirewall['forwarding'];
  readonly problems: readonly FirewallProblem[];
}

/**
 * Every host's ruleset, by host name. Built once per command: core/plan/load-plan.ts
 * hands the problems to validation and the rulesets to compilePlan.
 */
export function hostFirewalls(m: Pick<ScenarioModel, 'hosts' | 'networks' | 'containers'>): Map<string, HostFirewall> {
  return new Map(m.hosts.map((h) => [h.name, hostFirewall(h, m.networks, m.containers)]));
}

/** The ruleset of host `h`, with the problems of its lines. */
export function hostFirewall(
  h: HostModel,
  networks: readonly NetworkModel[],
  containers: readonly ContainerModel[],
): HostFirewall {
  const rules = new RulesetBuilder();
  const problems: FirewallProblem[] = [];
  const docker =
    h.kind === 'docker' && h.docker !== undefined ? compileDockerFirewall(rules, h, networks, containers) : undefined;
  try {
    checkRuleset(rules.finish());
  } catch (e) {
    if (!(e instanceof RulesetCheckError)) throw e;
    problems.push({
      severity: 'error',
      path: h.path,
      message: `internal: Docker's own rules fail the kernel's checks: ${e.message}`,
    });
  }
  for (const r of h.iptables) problems.push(...applyUserRule(rules, h, r));
  const ruleset = rules.finish();
  return {
    ruleset,
    netfilter: renderRuleset(ruleset),
    helpers: docker?.helpers ?? [],
    sysctls: [...(docker?.sysctls ?? []), ...bridgeFilterSysctls(h)],
    ...(docker !== undefined && { forwarding: docker.forwarding }),
    problems,
  };
}

/** Applies one line, as iptables would; what it refuses, or the kernel would, is an error at the line. */
function applyUserRule(rules: RulesetBuilder, h: HostModel, r: UserRuleModel): FirewallProblem[] {
  const warnings = userRuleWarnings(rules, h, r);
  const error = (message: string): FirewallProblem[] => [
    ...warnings,
    { severity: 'error', path: r.path, message, value: r.line },
  ];
  try {
    rules.apply(r.command);
  } catch (e) {
    if (!(e instanceof RulesetError)) throw e;
    const hint =
      h.docker?.iptables === false && /DOCKER/.test(e.message)
        ? '; with iptables: false the engine creates none of its chains'
        : '';
    return error(e.message + hint);
  }
  try {
    checkRuleset(rules.finish());
  } catch (e) {
    if (!(e instanceof RulesetCheckError)) throw e;
    // Take the rule out again, so that later lines are checked on their own.
    if (r.command.op === 'append' || r.command.op === 'insert')
      rules.delete(r.command.table, r.command.chain, r.command.rule);
    return error(`the kernel would refuse this: ${checkReason(e, r)}`);
  }
  return warnings;
}

/**
 * The kernel's reason, naming the rule at fault when it is not the line itself (a jump can make
 * another chain's rule invalid).
 */
function checkReason(e: RulesetCheckError, r: UserRuleModel): string {
  const own =
    e.rule === undefined ||
    ((r.command.op === 'append' || r.command.op === 'insert') &&
      e.chain === r.command.chain &&
      e.rule === ruleText(r.command.rule));
  const where = `${e.table} ${e.chain}${e.rule === undefined ? '' : ` "-A ${e.chain} ${e.rule}"`}: `;
  const reason = e.message.startsWith(where) ? e.message.slice(where.length) : e.message;
  return own ? reason : `${reason} (at "-A ${e.chain} ${e.rule}" in table ${e.table})`;
}

/** Lines that load but do not do what they seem to, on a Docker host. */
function userRuleWarnings(rules: RulesetBuilder, h: HostModel, r: UserRuleModel): FirewallProblem[] {
  const d = h.docker;
  const c = r.command;
  if (h.kind !== 'docker' || d === undefined || !d.iptables || c.table !== 'filter') return [];
  const warn = (message: string): FirewallProblem[] => [{ severity: 'warning', path: r.path, message, value: r.line }];
  if (c.chain === 'FORWARD' && c.op !== 'policy') {
    const when = d.version === '20.10' ? 'whenever it creates a network' : 'whenever the daemon starts';
    return warn(
      `Docker re-inserts its FORWARD jumps above rules added here ${when}; put forwarding rules in DOCKER-USER`,
    );
  }
  if (
    d.version === '20.10' &&
    c.op === 'append' &&
    c.chain === DOCKER_USER_CHAIN &&
    rules.exists('filter', DOCKER_USER_CHAIN, { matches: [], target: { kind: 'RETURN' } })
  ) {
    return warn(
      'engine 20.10 ends DOCKER-USER with "-j RETURN", so a rule appended after it never matches; insert it instead (-I DOCKER-USER)',
    );
  }
  return [];
}

/**
 * A plain host or router with bridges and firewall rules: without br_netfilter the
 * kernel never passes bridged frames through iptables, but once the module is loaded
 * (a Docker host loads it) every namespace starts with bridge-nf-call-iptables=1
 * (br_netfilter_hooks.c brnf_call_iptables), and bridged frames would meet this host's
 * FORWARD rules. The plan pins the plain-Linux behaviour; a scenario's own sysctls win.
 */
function bridgeFilterSysctls(h: HostModel): SysctlPlan[] {
  if (h.kind === 'docker' || h.bridges.length === 0 || h.iptables.length === 0) return [];
  return [
    {
      key: 'net.bridge.bridge-nf-call-iptables',
      value: '0',
      why: 'bridged frames bypass iptables on a host without br_netfilter; pinned because the module, once loaded, defaults to 1',
    },
  ];
}
