import { CausewayError, ErrorCode } from '../errors/index.js';
import { formatIp, parseIp, type IpAddress } from '../mcs/index.js';

/** A CIDR block as an inclusive range of addresses, so overlap and allocation are arithmetic. */
export interface CidrBlock {
  /** Canonical text: `10.244.0.0/16`, `fd00:10::/64`. */
  cidr: string;
  family: IpAddress['family'];
  prefix: number;
  first: bigint;
  last: bigint;
}

const bits = { IPv4: 32, IPv6: 128 } as const;

/**
 * Parses `address/prefix`. Host bits must be zero: `10.244.1.0/16` is refused rather than read as
 * `10.244.0.0/16`, since a plan built on a mistyped block would promise room that is not there.
 * `field` names where the text came from, so the error tells the user what to fix.
 */
export function parseCidrBlock(text: string, field = 'CIDR'): CidrBlock {
  const invalid = (why: string, hint: string): CausewayError =>
    new CausewayError(ErrorCode.InputInvalid, `${field}: ${JSON.stringify(text)} ${why}`, {
      hint,
    });
  const slash = text.indexOf('/');
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  if (slash < 0 || !/^\d{1,3}$/.test(prefixText))
    throw invalid('is not address/prefix', 'write a block such as 10.244.0.0/16 or fd00:10::/64');
  let address: IpAddress;
  try {
    address = parseIp(text.slice(0, slash));
  } catch {
    throw invalid('does not start with an IP address', 'write a block such as 10.244.0.0/16');
  }
  const width = bits[address.family];
  const prefix = Number(prefixText);
  if (prefix > width)
    throw invalid(`has a prefix over /${width}`, `an ${address.family} prefix is /0 to /${width}`);
  const size = 1n << BigInt(width - prefix);
  if (address.value % size !== 0n) {
    const network = formatIp({
      family: address.family,
      value: address.value - (address.value % size),
    });
    throw invalid('has host bits set', `the block that address lies in is ${network}/${prefix}`);
  }
  return blockOf(address.family, address.value, prefix);
}

/** The block of `prefix` bits starting at `first` (which must be aligned). */
export function blockOf(family: CidrBlock['family'], first: bigint, prefix: number): CidrBlock {
  const size = 1n << BigInt(bits[family] - prefix);
  return {
    cidr: `${formatIp({ family, value: first })}/${prefix}`,
    family,
    prefix,
    first,
    last: first + size - 1n,
  };
}

/** True when the two blocks share at least one address (blocks of different families never do). */
export function blocksOverlap(a: CidrBlock, b: CidrBlock): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** True when `inner` lies wholly inside `outer`. */
export function blockContains(outer: CidrBlock, inner: CidrBlock): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

/** True when `address` (text) lies in `block`; false for text that is not an address. */
export function blockHasAddress(block: CidrBlock, address: string): boolean {
  try {
    const ip = parseIp(address);
    return ip.family === block.family && block.first <= ip.value && ip.value <= block.last;
  } catch {
    return false;
  }
}

/** Width in bits of a family's addresses. */
export function familyBits(family: CidrBlock['family']): number {
  return bits[family];
}
