/**
 * Whether this machine can emulate, checked for real: root; the programs the emulator
 * runs; the kernel features it needs, tried in a namespace of its own (network
 * namespaces, veth, bridge, VXLAN, nf_tables through iptables-restore, netem, and TBF
 * for rate); and what Docker hosts' rules need (br_netfilter, conntrack, NAT), read from
 * /proc, /sys and the kernel's config without loading anything (kernel-netfilter.ts).
 * Each finding says how to fix what is missing; the doctor fixes nothing itself.
 */
import { spawnSync } from 'node:child_process';
import { VXLAN_PORT } from '../core/linux-defaults.js';
import { run } from './exec.js';
import { RunNames } from './names.js';
import { claimMarker, releaseMarker } from './owner.js';
import { markersInUse } from './clean.js';
import { dockerKernelFindings } from './kernel-netfilter.js';

export interface Finding {
  readonly what: string;
  readonly ok: boolean;
  /** Needed to emulate at all (else: a feature with a fallback). */
  readonly required: boolean;
  readonly detail: string;
}

/** The system programs the emulator runs, with the Debian package of each. */
export const EMULATOR_PROGRAMS: readonly { command: string; pkg: string }[] = [
  { command: 'ip', pkg: 'iproute2' },
  { command: 'bridge', pkg: 'iproute2' },
  { command: 'tc', pkg: 'iproute2' },
  { command: 'iptables-restore', pkg: 'iptables' },
  { command: 'iptables-save', pkg: 'iptables' },
  { command: 'ping', pkg: 'iputils-ping' },
  { command: 'tcpdump', pkg: 'tcpdump' },
  { command: 'python3', pkg: 'python3' },
];

function have(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

/** Every finding; tries kernel features only as root. */
export async function doctor(): Promise<Finding[]> {
  const out: Finding[] = [];
  const root = process.getuid?.() === 0;
  out.push({
    what: 'root',
    ok: root,
    required: true,
    detail: root ? 'running as root' : 'the emulator needs root: run twinnet with sudo',
  });
  for (const p of EMULATOR_PROGRAMS) {
    const ok = have(p.command);
    out.push({
      what: p.command,
      ok,
      required: true,
      detail: ok ? 'found' : `missing: install the Debian package ${p.pkg} (apt-get install ${p.pkg})`,
    });
  }
  if (!root || !have('ip')) return out;
  return [...out, ...(await kernelFeatures())];
}

async function kernelFeatures(): Promise<Finding[]> {
  // Claimed like a run's, so that a `twinnet clean` meanwhile leaves the probe namespace alone.
  const marker = claimMarker(markersInUse());
  const names = new RunNames(marker);
  const ns = names.ns('doctor');
  const out: Finding[] = [];
  const tryIt = async (what: string, required: boolean, argv: string[], fix: string, stdin?: string) => {
    const r = await run(argv, { okCodes: [0, 1, 2, 255], ...(stdin !== undefined && { stdin }) }).catch((e: Error) => ({
      code: -1,
      stderr: e.message,
    }));
    out.push({
      what,
      ok: r.code === 0,
      required,
      detail: r.code === 0 ? 'works' : `${fix} (${r.stderr.trim().split('\n')[0] ?? ''})`,
    });
    return r.code === 0;
  };
  if (!(await tryIt('network namespaces', true, ['ip', 'netns', 'add', ns], 'the kernel needs CONFIG_NET_NS')))
    return out;
  try {
    await tryIt(
      'veth',
      true,
      ['ip', '-n', ns, 'link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1'],
      'the kernel needs CONFIG_VETH (modprobe veth)',
    );
    await tryIt(
      'bridge',
      true,
      ['ip', '-n', ns, 'link', 'add', 'b0', 'type', 'bridge'],
      'the kernel needs CONFIG_BRIDGE (modprobe bridge)',
    );
    // Docker's own vxlan0 options (docker-semantics.md 6(h)), as the emulator creates it.
    await tryIt(
      'vxlan (overlay networks)',
      false,
      [
        'ip',
        '-n',
        ns,
        'link',
        'add',
        'x0',
        'type',
        'vxlan',
        'id',
        '42',
        'dstport',
        String(VXLAN_PORT),
        'proxy',
        'l2miss',
        'l3miss',
        'ageing',
        '300',
        'udpcsum',
        'ttl',
        'auto',
      ],
      'no VXLAN devices: scenarios with overlay networks cannot be emulated (everything else can). The kernel needs CONFIG_VXLAN: modprobe vxlan where it is a module, else a kernel built with it',
    );
    await tryIt(
      'iptables (nf_tables)',
      true,
      ['ip', 'netns', 'exec', ns, 'iptables-restore'],
      'iptables-restore failed: install iptables and check CONFIG_NF_TABLES',
      '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n',
    );
    out.push(...dockerKernelFindings().map((f) => ({ ...f, required: false })));
    await tryIt(
      'netem',
      false,
      ['tc', '-n', ns, 'qdisc', 'add', 'dev', 'v0', 'root', 'netem', 'delay', '1ms'],
      'no sch_netem: delay, jitter and loss go through the userspace link instead (slower, but the same model)',
    );
    await tryIt(
      'tbf (rate)',
      false,
      [
        'tc',
        '-n',
        ns,
        'qdisc',
        'replace',
        'dev',
        'v1',
        'root',
        'tbf',
        'rate',
        '1mbit',
        'burst',
        '32kbit',
        'latency',
        '400ms',
      ],
      'no sch_tbf: rates go through the userspace link instead',
    );
  } finally {
    await run(['ip', 'netns', 'del', ns], { okCodes: [0, 1] });
    releaseMarker(marker);
  }
  return out;
}
