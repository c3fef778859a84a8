import { CausewayError, ErrorCode } from '../errors/index.js';
import { addressBits, formatIp, parseIp, type IpAddress } from './ip-address.js';
import type { IpFamily } from './site-export.js';

/** Prefix lengths a VIP pool may have: enough room to be useful, and IPv4 network + broadcast still leave addresses. */
const prefixLimits = { IPv4: { min: 8, max: 30 }, IPv6: { min: 8, max: 126 } } as const;

/** A CIDR block used as a pool of virtual IPs, addressed by offset from its network address. */
export interface CidrRange {
  cidr: string;
  family: IpFamily;
  base: bigint;
  prefix: number;
  size: bigint;
  /** How many addresses `isUsable` accepts. */
  usable: bigint;
}

/** Parses `a.b.c.d/n` or `x::/n`; host bits must be zero so the written pool is the real pool. */
export function parseCidr(cidr: string): CidrRange {
  const [text, prefixText, extra] = cidr.split('/');
  const invalid = (why: string): CausewayError =>
    new CausewayError(ErrorCode.InputInvalid, `invalid VIP CIDR ${JSON.stringify(cidr)}: ${why}`);
  if (
    text === undefined ||
    prefixText === undefined ||
    extra !== undefined ||
    !/^\d{1,3}$/.test(prefixText)
  )
    throw invalid('expected address/prefix');
  const address = parseIp(text);
  const prefix = Number(prefixText);
  const limits = prefixLimits[address.family];
  if (prefix < limits.min || prefix > limits.max)
    throw invalid(`prefix must be /${limits.min}–/${limits.max}`);
  const size = 1n << BigInt(addressBits[address.family] - prefix);
  if (address.value % size !== 0n) throw invalid('host bits are set');
  return {
    cidr: `${formatIp(address)}/${prefix}`,
    family: address.family,
    base: address.value,
    prefix,
    size,
    usable: usableCount(address, prefix, size),
  };
}

/**
 * IPv4 skips the network and broadcast addresses and any `x.y.z.0` (some stacks and firewalls mistreat it);
 * IPv6 skips only the subnet-router anycast address (offset 0).
 */
export function isUsable(range: CidrRange, offset: bigint): boolean {
  if (offset <= 0n || offset >= range.size) return false;
  if (range.family === 'IPv6') return true;
  return offset !== range.size - 1n && ((range.base + offset) & 0xffn) !== 0n;
}

export function addressAt(range: CidrRange, offset: bigint): string {
  return formatIp({ family: range.family, value: range.base + offset });
}

/** The offset of `text` in `range`, or undefined when it lies outside. */
export function offsetOf(range: CidrRange, text: string): bigint | undefined {
  const address = parseIp(text);
  const offset = address.value - range.base;
  return address.family === range.family && offset >= 0n && offset < range.size
    ? offset
    : undefined;
}

function usableCount(address: IpAddress, prefix: number, size: bigint): bigint {
  if (address.family === 'IPv6') return size - 1n;
  // Up to /24 every 256th address ends in .0 (the network address among them); past /24 only the network is lost.
  return size - 1n - (prefix <= 24 ? size / 256n : 1n);
}
