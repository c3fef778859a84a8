import { CausewayError, ErrorCode } from '../../errors/index.js';

/** One subnet and its availability zone, as a range of IPv4 addresses (numbers). */
export interface SubnetZone {
  cidr: string;
  first: number;
  last: number;
  zone: string;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const ZONE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

/** An IPv4 address as a number, or undefined when it is not a dotted quad. */
export function ipv4Number(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

/**
 * Reads a subnet→zone map: one `cidr,zone` per line (`10.0.1.0/24,use1-az1`), `#` comments and
 * blank lines allowed, a `cidr,zone` header line too. IPv4 only (VPC flow-log addresses of
 * IPv6 subnets are left unmapped). Errors name the line.
 */
export function parseSubnetMap(text: string, file: string): SubnetZone[] {
  const out: SubnetZone[] = [];
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || (i === 0 && /^cidr\s*,/i.test(line))) continue;
    const [cidr = '', zone = '', ...rest] = line.split(',').map((s) => s.trim());
    const m = CIDR.exec(cidr);
    const base = m === null ? undefined : ipv4Number(cidr.slice(0, cidr.indexOf('/')));
    const bits = Number(m?.[5]);
    if (base === undefined || bits > 32 || !ZONE.test(zone) || rest.length > 0)
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `${file}:${i + 1}: ${JSON.stringify(line.slice(0, 80))} is not "cidr,zone"`,
        {
          hint: 'write one subnet a line, e.g. 10.0.1.0/24,use1-az1 (IPv4 CIDR, then the zone or az-id)',
        },
      );
    const size = 2 ** (32 - bits);
    const first = Math.floor(base / size) * size;
    out.push({ cidr, first, last: first + size - 1, zone });
  }
  return out;
}
