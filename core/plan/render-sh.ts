/**
 * The plan as a shell script a person can read and run as root: the build program of
 * steps.ts, one command per line, in the very order the emulator follows (the emulator
 * batches a namespace's consecutive commands into one process), with every namespace
 * name prefixed by `$P` so that a hand-run copy cannot collide with a twinnet run. A
 * namespace's sysctls of one phase go on one `sysctl` line. Namespace removal is printed
 * as a comment at the end. Left out: the listeners and userland helpers, which only the
 * emulator's namespace agent runs (a script has no agent), and the emulator's ownership
 * alias on each device.
 */
import type { Arg } from './commands.js';
import { planCommands, type CommandGroup } from './steps.js';
import type { Plan } from './types.js';

/** Renders the whole plan as a POSIX sh script. */
export function renderPlanSh(plan: Plan): string {
  const out = [
    '#!/bin/sh',
    `# twinnet plan for scenario "${plan.scenario.name}", as the commands that build it.`,
    '# Run as root. Every namespace name starts with $P; remove them with the loop at the end.',
    ...plan.notes.map((n) => `# note: ${n}`),
    'set -eu',
    'P="${P:-tn-}"',
  ];
  let phase = '';
  for (const g of planCommands(plan)) {
    if (g.phase !== phase) out.push('', `# ${g.phase}`);
    phase = g.phase;
    out.push(...groupLines(g));
  }
  out.push(
    '',
    '# to remove everything:',
    `# for n in ${plan.namespaces.map((n) => shNs(n.id)).join(' ')}; do ip netns del "$n"; done`,
    '',
  );
  return out.join('\n');
}

function groupLines(g: CommandGroup): string[] {
  const ns = g.ns === undefined ? '' : shNs(g.ns);
  const args = (line: readonly Arg[]) => line.map(shArg).join(' ');
  switch (g.tool) {
    case 'netns':
      return g.lines.map((l) => `ip netns ${args(l)}`);
    case 'ip':
    case 'bridge':
    case 'tc':
      return g.lines.map((l) => `${g.tool} -n ${ns} ${args(l)}`);
    case 'sysctl':
      return g.lines.length === 0 ? [] : [`ip netns exec ${ns} sysctl -q ${g.lines.map(args).join(' ')}`];
    case 'iptables-restore':
      return [`ip netns exec ${ns} iptables-restore <<'EOF'`, ...(g.stdin ?? '').trimEnd().split('\n'), 'EOF'];
  }
}

function shNs(id: string): string {
  return `"\${P}${id}"`;
}

function shArg(a: Arg): string {
  if (typeof a !== 'string') return shNs(a.ns);
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`;
}
