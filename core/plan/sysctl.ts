/**
 * Sysctl keys as Linux reads them: the spelling sysctl(8) prints, and the one alias of
 * the plan's keys that writes more than itself, IPv4 forwarding.
 *
 * Spelling: sysctl(8) (procps) takes `.` or `/` as the separator; when the first is `/`,
 * the two swap roles, so `net/ipv4/conf/eth0.1/forwarding` and
 * `net.ipv4.conf.eth0/1.forwarding` are the same file. The plan holds the dotted form.
 *
 * Forwarding: `net.ipv4.ip_forward` and `net.ipv4.conf.all.forwarding` are one value in
 * the kernel (devinet.c: ctl_forward_entry's data is the `all` devconf's FORWARDING),
 * and writing a new value to either runs devinet_sysctl_forward -> inet_forward_change,
 * which also sets `net.ipv4.conf.default.forwarding` and the forwarding of every device
 * that exists. Not modelled: inet_forward_change also sets `conf.all.accept_redirects`
 * to the opposite, and turns LRO off on every device.
 */
import type { SysctlPlan } from './types.js';

/** The key of IPv4 forwarding, as twinnet's compile step writes it. */
export const IP_FORWARD = 'net.ipv4.ip_forward';
/** The same value by another name (devinet.c). */
export const ALL_FORWARDING = 'net.ipv4.conf.all.forwarding';
const DEFAULT_FORWARDING = 'net.ipv4.conf.default.forwarding';
const DEVICE_FORWARDING = /^net\.ipv4\.conf\.[^.]+\.forwarding$/;

/** A sysctl key in sysctl(8)'s dotted spelling (see the header). */
export function canonicalSysctlKey(key: string): string {
  const slash = key.indexOf('/');
  const dot = key.indexOf('.');
  if (slash < 0 || (dot >= 0 && dot < slash)) return key;
  return key.replace(/[./]/g, (c) => (c === '/' ? '.' : '/'));
}

/** Whether writing `key` is writing IPv4 forwarding for the whole namespace. */
export function isForwardingKey(key: string): boolean {
  return key === IP_FORWARD || key === ALL_FORWARDING;
}

/**
 * The value every key of `writes` reads back after they are written in order, as the
 * kernel does it: a write to either forwarding key sets both, `default`, and every
 * device's forwarding key written before it.
 */
export function effectiveSysctls(writes: readonly Pick<SysctlPlan, 'key' | 'value'>[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of writes) {
    if (!isForwardingKey(w.key)) {
      out.set(w.key, w.value);
      continue;
    }
    for (const k of out.keys()) if (DEVICE_FORWARDING.test(k)) out.set(k, w.value);
    for (const k of [IP_FORWARD, ALL_FORWARDING, DEFAULT_FORWARDING]) out.set(k, w.value);
  }
  return out;
}

/** Whether a namespace with these sysctls forwards IPv4 (the last write to either alias wins). */
export function forwardsIpv4(sysctls: readonly Pick<SysctlPlan, 'key' | 'value'>[]): boolean {
  return effectiveSysctls(sysctls).get(IP_FORWARD) === '1';
}
