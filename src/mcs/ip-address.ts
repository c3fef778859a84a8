import { CausewayError, ErrorCode } from '../errors/index.js';
import type { IpFamily } from './site-export.js';

/** An IP address as a number, so pools can do arithmetic on it. */
export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export const addressBits = { IPv4: 32, IPv6: 128 } as const;

/** Parses dotted-quad IPv4 (no leading zeros: they read as octal elsewhere) or RFC 4291 IPv6 text without an embedded IPv4 tail. */
export function parseIp(text: string): IpAddress {
  const value = text.includes(':') ? parseIpv6(text) : parseIpv4(text);
  if (value === undefined)
    throw new CausewayError(ErrorCode.InputInvalid, `not an IP address: ${JSON.stringify(text)}`);
  return { family: text.includes(':') ? 'IPv6' : 'IPv4', value };
}

/** Dotted quad, or RFC 5952 canonical IPv6 (lowercase, longest zero run as `::`). */
export function formatIp(address: IpAddress): string {
  return address.family === 'IPv4' ? formatIpv4(address.value) : formatIpv6(address.value);
}

function parseIpv4(text: string): bigint | undefined {
  const octets = text.split('.');
  if (octets.length !== 4 || !octets.every((o) => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) <= 255))
    return undefined;
  return octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string | undefined): string[] =>
    part === undefined || part === '' ? [] : part.split(':');
  const head = groupsOf(halves[0]);
  const tail = groupsOf(halves[1]);
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 1 ? 0 : missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

function formatIpv6(value: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) =>
    Number((value >> BigInt(112 - 16 * i)) & 0xffffn),
  );
  const run = longestZeroRun(groups);
  const hex = (list: number[]): string => list.map((g) => g.toString(16)).join(':');
  if (run.length < 2) return hex(groups);
  return `${hex(groups.slice(0, run.start))}::${hex(groups.slice(run.start + run.length))}`;
}

/** RFC 5952 §4.2.3: the longest run of zero groups, the first one on a tie. */
function longestZeroRun(groups: readonly number[]): { start: number; length: number } {
  let best = { start: 0, length: 0 };
  let start = -1;
  groups.forEach((g, i) => {
    if (g !== 0) start = -1;
    else {
      if (start < 0) start = i;
      if (i - start + 1 > best.length) best = { start, length: i - start + 1 };
    }
  });
  return best;
}
