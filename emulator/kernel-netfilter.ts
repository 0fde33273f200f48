/**
 * What a Docker host's rules need of the kernel, found by reading only (/proc, /sys, the
 * kernel's config and module lists): nothing is loaded and nothing is changed.
 *
 *   br_netfilter  bridged container traffic goes through iptables only with it; the plan
 *                 sets net.bridge.bridge-nf-call-iptables=1 (docker-semantics.md 4.1),
 *                 which does not exist without it. Nothing the emulator does loads it.
 *   conntrack     `-m conntrack --ctstate` in FORWARD (nf_conntrack, xt_conntrack, and
 *                 nft_compat, through which iptables-nft runs xtables matches).
 *   NAT           published ports (DNAT), outbound MASQUERADE, `-m addrtype` (nf_nat,
 *                 nft_chain_nat, xt_nat, xt_MASQUERADE, xt_addrtype). A kernel that has
 *                 them as modules loads them itself when iptables-restore first uses them.
 *
 * A feature is there when its /proc/sys entry or /sys/module folder exists (loaded), when
 * the kernel's config says `=y` or modules.builtin lists it (built in), or when the config
 * says `=m` or modules.dep lists it (a module). The config is /proc/config.gz
 * (CONFIG_IKCONFIG_PROC) or /boot/config-RELEASE; the module lists are in
 * /lib/modules/RELEASE.
 */
import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { Plan } from '../core/plan/types.js';

/** How the findings read the machine; the real one reads files, tests give their own. */
export interface MachineView {
  exists(path: string): boolean;
  /** A file's text, or undefined when it cannot be read. */
  read(path: string): string | undefined;
  readonly release: string;
}

export const REAL_MACHINE: MachineView = {
  exists: existsSync,
  read(path) {
    try {
      const data = readFileSync(path);
      return path.endsWith('.gz') ? gunzipSync(data).toString('utf8') : data.toString('utf8');
    } catch {
      return undefined;
    }
  },
  release: release(),
};

/** A kernel option and the module it builds. */
interface Option {
  readonly config: string;
  readonly module: string;
}

export interface KernelFeature {
  readonly what: string;
  readonly options: readonly Option[];
  /** Exists once the feature is loaded; undefined when none tells. */
  readonly procEntry?: string;
  /** Whether the kernel loads its modules on first use (iptables-restore); br_netfilter it does not. */
  readonly autoloaded: boolean;
  readonly why: string;
}

const BRIDGE_NF_ENTRY = '/proc/sys/net/bridge/bridge-nf-call-iptables';

/** br_netfilter first: bridgeNetfilterProblem relies on it. */
export const DOCKER_KERNEL_FEATURES: readonly KernelFeature[] = [
  {
    what: 'br_netfilter',
    options: [{ config: 'CONFIG_BRIDGE_NETFILTER', module: 'br_netfilter' }],
    procEntry: BRIDGE_NF_ENTRY,
    autoloaded: false,
    why: "Docker hosts pass their containers' bridged traffic through iptables (net.bridge.bridge-nf-call-iptables=1)",
  },
  {
    what: 'conntrack',
    options: [
      { config: 'CONFIG_NF_CONNTRACK', module: 'nf_conntrack' },
      { config: 'CONFIG_NETFILTER_XT_MATCH_CONNTRACK', module: 'xt_conntrack' },
      { config: 'CONFIG_NFT_COMPAT', module: 'nft_compat' },
    ],
    autoloaded: true,
    why: "Docker hosts' FORWARD rules match connection states (-m conntrack --ctstate)",
  },
  {
    what: 'NAT',
    options: [
      { config: 'CONFIG_NF_NAT', module: 'nf_nat' },
      { config: 'CONFIG_NFT_NAT', module: 'nft_chain_nat' },
      { config: 'CONFIG_NETFILTER_XT_NAT', module: 'xt_nat' },
      { config: 'CONFIG_NETFILTER_XT_TARGET_MASQUERADE', module: 'xt_MASQUERADE' },
      { config: 'CONFIG_NETFILTER_XT_MATCH_ADDRTYPE', module: 'xt_addrtype' },
    ],
    autoloaded: true,
    why: 'Docker hosts publish ports with DNAT and masquerade outbound traffic',
  },
];

type State = 'loaded' | 'built in' | 'module' | 'absent' | 'unknown';

interface Sources {
  readonly config?: Map<string, string>;
  readonly builtin?: Set<string>;
  readonly modules?: Set<string>;
}

function readSources(m: MachineView): Sources {
  const configText = m.read('/proc/config.gz') ?? m.read(`/boot/config-${m.release}`);
  const config =
    configText === undefined
      ? undefined
      : new Map([...configText.matchAll(/^(CONFIG_\w+)=(\S+)$/gm)].map((x) => [x[1] as string, x[2] as string]));
  const names = (text: string | undefined) =>
    text === undefined
      ? undefined
      : new Set([...text.matchAll(/([\w-]+)\.ko(?:\.\w+)?:?/g)].map((x) => (x[1] as string).replace(/-/g, '_')));
  const builtin = names(m.read(`/lib/modules/${m.release}/modules.builtin`));
  const modules = names(m.read(`/lib/modules/${m.release}/modules.dep`));
  return { ...(config && { config }), ...(builtin && { builtin }), ...(modules && { modules }) };
}

function optionState(o: Option, m: MachineView, s: Sources): State {
  if (m.exists(`/sys/module/${o.module}`)) return 'loaded';
  const c = s.config?.get(o.config);
  if (c === 'y' || s.builtin?.has(o.module)) return 'built in';
  if (c === 'm' || s.modules?.has(o.module)) return 'module';
  return s.config !== undefined || s.modules !== undefined ? 'absent' : 'unknown';
}

export interface KernelFinding {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

/** One finding per feature: whether it is there, and if not, what to do. */
export function dockerKernelFindings(m: MachineView = REAL_MACHINE): KernelFinding[] {
  const sources = readSources(m);
  return DOCKER_KERNEL_FEATURES.map((f) => ({ what: `${f.what} (Docker hosts)`, ...featureFinding(f, m, sources) }));
}

function featureFinding(f: KernelFeature, m: MachineView, sources: Sources): { ok: boolean; detail: string } {
  if (f.procEntry !== undefined && m.exists(f.procEntry)) return { ok: true, detail: 'loaded' };
  const states = f.options.map((o) => ({ o, state: optionState(o, m, sources) }));
  const pick = (st: State) => states.filter((x) => x.state === st).map((x) => x.o);
  const absent = pick('absent').map((o) => o.config);
  if (absent.length > 0)
    return {
      ok: false,
      detail: `${f.why}; this kernel lacks ${absent.join(', ')}: use a kernel built with ${absent.length === 1 ? 'it' : 'them'}`,
    };
  const unknown = pick('unknown').map((o) => o.module);
  if (unknown.length > 0) {
    return {
      ok: false,
      detail: `${f.why}; cannot tell whether this kernel has ${unknown.join(', ')} (no /proc/config.gz, /boot/config-${m.release} or /lib/modules/${m.release}): check with modinfo ${unknown.join(' ')}, load with modprobe`,
    };
  }
  const toLoad = pick('module').map((o) => o.module);
  if (toLoad.length === 0) return { ok: true, detail: 'built into the kernel' };
  if (f.autoloaded)
    return {
      ok: true,
      detail: `modules ${toLoad.join(', ')}, which the kernel loads when a ruleset first uses them (or now: modprobe ${toLoad.join(' ')})`,
    };
  return {
    ok: false,
    detail: `${f.why}: load it with modprobe ${toLoad.join(' ')} (at every boot: add ${toLoad.join(' ')} to /etc/modules-load.d/twinnet.conf)`,
  };
}

/**
 * Why a plan cannot run on this machine, if it cannot: it sets net.bridge.* sysctls
 * (every Docker host does) and the kernel has no br_netfilter, so they do not exist.
 */
export function bridgeNetfilterProblem(plan: Plan, m: MachineView = REAL_MACHINE): string | undefined {
  const ns = plan.namespaces.find((n) => n.sysctls.some((s) => s.key.startsWith('net.bridge.')));
  if (ns === undefined || m.exists(BRIDGE_NF_ENTRY)) return undefined;
  const f = featureFinding(DOCKER_KERNEL_FEATURES[0] as KernelFeature, m, readSources(m));
  return `namespace ${ns.id} sets net.bridge.* sysctls, which need br_netfilter: ${f.detail} (twinnet doctor checks the kernel)`;
}
