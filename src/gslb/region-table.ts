import { CausewayError, ErrorCode } from '../errors/index.js';
import { parseIp } from '../mcs/index.js';
import type { GslbConfig } from './gslb-config.js';

interface RegionCidr {
  family: 'IPv4' | 'IPv6';
  base: bigint;
  prefix: number;
  region: string;
  cidr: string;
}

/** Maps a client address to a region by the user's CIDR table: longest prefix wins, else the default. */
export class RegionTable {
  private readonly entries: RegionCidr[];

  constructor(geo: GslbConfig['geo']) {
    // Longest prefix first, so the first match is the most specific one.
    this.entries = geo.cidrs
      .map((c) => parseRegionCidr(c.cidr, c.region))
      .sort((a, b) => b.prefix - a.prefix);
    this.defaultRegion = geo.defaultRegion;
  }

  readonly defaultRegion: string | undefined;

  /** The region of `address` and the CIDR that decided it (`default` when none matched). */
  regionOf(address: string): { region: string | undefined; matched: string } {
    let parsed: ReturnType<typeof parseIp>;
    try {
      parsed = parseIp(address);
    } catch {
      return { region: this.defaultRegion, matched: 'default' };
    }
    for (const entry of this.entries) {
      if (entry.family !== parsed.family) continue;
      const bits = entry.family === 'IPv4' ? 32 : 128;
      if (parsed.value >> BigInt(bits - entry.prefix) === entry.base >> BigInt(bits - entry.prefix))
        return { region: entry.region, matched: entry.cidr };
    }
    return { region: this.defaultRegion, matched: 'default' };
  }
}

function parseRegionCidr(cidr: string, region: string): RegionCidr {
  const [text = '', prefixText = ''] = cidr.split('/');
  const invalid = (why: string): CausewayError =>
    new CausewayError(ErrorCode.ConfigInvalid, `geo CIDR ${JSON.stringify(cidr)}: ${why}`, {
      hint: 'write the network address and prefix, such as 10.1.0.0/16',
    });
  let address: ReturnType<typeof parseIp>;
  try {
    address = parseIp(text);
  } catch {
    throw invalid('not an IP address');
  }
  const bits = address.family === 'IPv4' ? 32 : 128;
  const prefix = Number(prefixText);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > bits)
    throw invalid(`prefix must be /0–/${bits}`);
  const hostBits = BigInt(bits - prefix);
  if ((address.value & ((1n << hostBits) - 1n)) !== 0n) throw invalid('host bits are set');
  return { family: address.family, base: address.value, prefix, region, cidr };
}
