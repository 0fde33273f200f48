import { describe, expect, it } from 'vitest';
import { namespace, plan } from '../test/helpers/plans.js';
import { bridgeNetfilterProblem, dockerKernelFindings, type MachineView } from './kernel-netfilter.js';

const CONFIGS = [
  'CONFIG_BRIDGE_NETFILTER',
  'CONFIG_NF_CONNTRACK',
  'CONFIG_NETFILTER_XT_MATCH_CONNTRACK',
  'CONFIG_NFT_COMPAT',
  'CONFIG_NF_NAT',
  'CONFIG_NFT_NAT',
  'CONFIG_NETFILTER_XT_NAT',
  'CONFIG_NETFILTER_XT_TARGET_MASQUERADE',
  'CONFIG_NETFILTER_XT_MATCH_ADDRTYPE',
];

/** A machine made of the given files (and folders, as paths that exist). */
function machine(files: Record<string, string>, folders: readonly string[] = []): MachineView {
  return { exists: (p) => p in files || folders.includes(p), read: (p) => files[p], release: '6.1.0-test' };
}

const config = (value: string, except: Record<string, string> = {}) =>
  CONFIGS.map((c) => `${c}=${except[c] ?? value}`).join('\n');

describe('what Docker hosts need of the kernel', () => {
  it('finds features built in, and br_netfilter loaded by its /proc entry', () => {
    const f = dockerKernelFindings(
      machine({ '/proc/config.gz': config('y'), '/proc/sys/net/bridge/bridge-nf-call-iptables': '1' }),
    );
    expect(f).toEqual([
      { what: 'br_netfilter (Docker hosts)', ok: true, detail: 'loaded' },
      { what: 'conntrack (Docker hosts)', ok: true, detail: 'built into the kernel' },
      { what: 'NAT (Docker hosts)', ok: true, detail: 'built into the kernel' },
    ]);
  });

  it('says to load br_netfilter, which nothing loads by itself, while the kernel loads the rest on first use', () => {
    const [brnf, ct, nat] = dockerKernelFindings(
      machine({ '/boot/config-6.1.0-test': config('m') }, ['/sys/module/nf_conntrack']),
    );
    expect(brnf?.ok).toBe(false);
    expect(brnf?.detail).toContain('load it with modprobe br_netfilter');
    expect(brnf?.detail).toContain('/etc/modules-load.d/');
    expect(ct).toMatchObject({
      ok: true,
      detail: expect.stringContaining('modules xt_conntrack, nft_compat, which the kernel loads'),
    });
    expect(nat).toMatchObject({
      ok: true,
      detail: expect.stringContaining('modprobe nf_nat nft_chain_nat xt_nat xt_MASQUERADE xt_addrtype'),
    });
  });

  it('names the options a kernel lacks', () => {
    const text = `${config('y', { CONFIG_NF_NAT: 'n' }).replace('CONFIG_NF_NAT=n', '# CONFIG_NF_NAT is not set')}`;
    const nat = dockerKernelFindings(machine({ '/proc/config.gz': text }))[2];
    expect(nat).toMatchObject({ ok: false, detail: expect.stringContaining('this kernel lacks CONFIG_NF_NAT') });
    expect(nat?.detail).toContain('publish ports with DNAT');
  });

  it('reads the module lists when there is no config', () => {
    const dep =
      'kernel/net/bridge/br_netfilter.ko.xz: kernel/net/bridge/bridge.ko.xz\nkernel/net/netfilter/nf_nat.ko.xz: kernel/net/netfilter/nf_conntrack.ko.xz\n';
    const builtin =
      'kernel/net/netfilter/nf_conntrack.ko\nkernel/net/netfilter/xt_conntrack.ko\nkernel/net/netfilter/nft_compat.ko\nkernel/net/netfilter/nft_chain_nat.ko\nkernel/net/netfilter/xt_nat.ko\n';
    const [brnf, ct, nat] = dockerKernelFindings(
      machine({ '/lib/modules/6.1.0-test/modules.dep': dep, '/lib/modules/6.1.0-test/modules.builtin': builtin }),
    );
    expect(brnf?.detail).toContain('modprobe br_netfilter');
    expect(ct).toMatchObject({ ok: true, detail: 'built into the kernel' });
    expect(nat).toMatchObject({
      ok: false,
      detail: expect.stringContaining(
        'lacks CONFIG_NETFILTER_XT_TARGET_MASQUERADE, CONFIG_NETFILTER_XT_MATCH_ADDRTYPE',
      ),
    });
  });

  it('says when it cannot tell', () => {
    expect(dockerKernelFindings(machine({}))[1]).toMatchObject({
      ok: false,
      detail: expect.stringContaining('cannot tell whether this kernel has nf_conntrack'),
    });
  });

  it('stops a plan with Docker hosts before it builds anything when br_netfilter is missing', () => {
    const docker = plan('p', [
      namespace('dockerhost', 'docker-host', [], {
        sysctls: [{ key: 'net.bridge.bridge-nf-call-iptables', value: '1', why: 'dockerd' }],
      }),
    ]);
    const without = machine({ '/proc/config.gz': config('m') });
    expect(bridgeNetfilterProblem(docker, without)).toMatch(
      /^namespace dockerhost sets net\.bridge\.\* sysctls, which need br_netfilter: .*modprobe br_netfilter/,
    );
    expect(
      bridgeNetfilterProblem(docker, machine({ '/proc/sys/net/bridge/bridge-nf-call-iptables': '1' })),
    ).toBeUndefined();
    expect(bridgeNetfilterProblem(plan('q', [namespace('h', 'host', [])]), without)).toBeUndefined();
  });

  it('reads this machine without failing', () => {
    expect(dockerKernelFindings().map((f) => f.what)).toEqual([
      'br_netfilter (Docker hosts)',
      'conntrack (Docker hosts)',
      'NAT (Docker hosts)',
    ]);
  });
});
