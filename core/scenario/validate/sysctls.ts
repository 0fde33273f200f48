/**
 * Sysctl keys a host may set: only under `net.` (twinnet builds network namespaces, and
 * only the `net` tree of /proc/sys belongs to one), written as sysctl(8) takes them, with
 * `.` or `/` between the parts. A key is refused when a part is empty or `..`, or holds
 * anything but letters, digits, `_` and `-`, so that no key can name a file outside
 * /proc/sys/net once its separators become `/` (`net.ipv4/../../kernel/x` was accepted).
 * Whether the kernel has the key is not checked here: the emulator finds out.
 */
import type { DiagnosticSink } from '../diagnostics.js';
import type { HostModel } from '../model.js';

/** One part of a key: what sysctl(8) and twinnet's interface names allow. */
const PART = /^[A-Za-z0-9_-]+$/;

/** What is wrong with a sysctl key, or undefined when it is fine. */
export function sysctlKeyProblem(key: string): string | undefined {
  const parts = key.split(/[./]/);
  if (parts[0] !== 'net' || parts.length < 2)
    return 'expected a key under net., such as net.ipv4.ip_forward (twinnet sets network sysctls only)';
  const bad = parts.find((p) => !PART.test(p));
  if (bad === undefined) return undefined;
  if (bad === '' || bad === '..') return 'expected parts separated by single "." or "/": no empty part and no ".."';
  return `expected parts of letters, digits, "_" and "-"; "${bad}" is not one`;
}

/** Reports every host sysctl key that sysctlKeyProblem refuses, at the key. */
export function checkSysctlKeys(sink: DiagnosticSink, hosts: readonly HostModel[]): void {
  for (const h of hosts) {
    for (const key of Object.keys(h.sysctls)) {
      const problem = sysctlKeyProblem(key);
      if (problem !== undefined) sink.error(['hosts', h.name, 'sysctls', key], problem);
    }
  }
}
