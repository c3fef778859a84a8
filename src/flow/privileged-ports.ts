import { readFileSync } from 'node:fs';

/** CAP_NET_BIND_SERVICE (linux/capability.h): binding ports below the unprivileged start. */
const CAP_NET_BIND_SERVICE = 10n;

/** The lowest port an unprivileged process may bind: Linux `net.ipv4.ip_unprivileged_port_start` (per network namespace), else 1024. */
export function unprivilegedPortStart(read: (file: string) => string = readText): number {
  const value = Number.parseInt(read('/proc/sys/net/ipv4/ip_unprivileged_port_start'), 10);
  return Number.isInteger(value) && value >= 0 && value <= 65536 ? value : 1024;
}

/**
 * Whether this process holds CAP_NET_BIND_SERVICE in its effective set (`CapEff` of
 * /proc/self/status). Not "is root": a container's root with all capabilities dropped may not
 * bind port 80, and a non-root process given the capability may.
 */
export function mayBindPrivileged(read: (file: string) => string = readText): boolean {
  const line = read('/proc/self/status')
    .split('\n')
    .find((l) => l.startsWith('CapEff:'));
  if (line === undefined) return process.getuid?.() === 0;
  const hex = line.slice('CapEff:'.length).trim();
  if (!/^[0-9a-f]{1,16}$/i.test(hex)) return false;
  return ((BigInt(`0x${hex}`) >> CAP_NET_BIND_SERVICE) & 1n) === 1n;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
