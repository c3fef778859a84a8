import { BlockList, isIP } from 'node:net';

/** One allow rule of a service's access policy: a site and, optionally, client address blocks there. */
export interface AccessRule {
  site: string;
  /** CIDRs; absent admits every client of the site. */
  sources?: readonly string[];
}

/** Who is asking: the importing site (authenticated) and the client's address there, when known. */
export interface AccessRequest {
  site: string;
  address?: string;
}

/** Why a flow or an import is refused; stable words, used as the metric's `reason` label. */
export type AccessDenial = 'site-not-allowed' | 'source-not-allowed' | 'source-unverified';

export type AccessDecision = { allowed: true } | { allowed: false; reason: AccessDenial };

/**
 * Allow-only, as Gateway API's authorization policy (GEP-3779) and Istio's ALLOW action: no
 * policy admits everyone (the MCS default), a policy admits what one of its rules matches and
 * nothing else, so a policy without rules admits nobody.
 */
export function decideAccess(
  rules: readonly AccessRule[] | undefined,
  request: AccessRequest,
): AccessDecision {
  if (rules === undefined) return { allowed: true };
  const forSite = rules.filter((r) => r.site === request.site);
  if (forSite.length === 0) return { allowed: false, reason: 'site-not-allowed' };
  if (forSite.some((r) => r.sources === undefined)) return { allowed: true };
  const address = request.address;
  if (address === undefined || isIP(address) === 0)
    return { allowed: false, reason: 'source-unverified' };
  const inBlock = forSite.some((r) => (r.sources ?? []).some((c) => cidrContains(c, address)));
  return inBlock ? { allowed: true } : { allowed: false, reason: 'source-not-allowed' };
}

/** Sites a policy admits at all (the importers it is advertised to); undefined: every site. */
export function admittedSites(rules: readonly AccessRule[] | undefined): string[] | undefined {
  return rules === undefined ? undefined : [...new Set(rules.map((r) => r.site))].sort();
}

/** True when `address` lies in `cidr`; an IPv4-mapped IPv6 client is matched as IPv4. */
export function cidrContains(cidr: string, address: string): boolean {
  const [network = '', prefixText = ''] = cidr.split('/');
  const family = isIP(network) === 6 ? 'ipv6' : 'ipv4';
  const plain =
    address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
  const list = new BlockList();
  try {
    list.addSubnet(network, Number(prefixText), family);
    return list.check(plain, isIP(plain) === 6 ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
}
