import { isIPv4 } from 'node:net';
import { isInZone } from '../dns/index.js';
import type { GslbConfig } from './gslb-config.js';

/** One record the parent zone must hold for the delegation to work. */
export interface DelegationRecord {
  name: string;
  type: 'NS' | 'A' | 'AAAA';
  ttl: number;
  data: string;
}

/** The parent's NS set for the zone, an hour as is usual for delegations. */
export const DELEGATION_TTL = 3600;

/**
 * What the parent zone must publish: NS for the zone, and glue (RFC 1034 §4.2.1) for name servers
 * named inside it, without which resolvers could never reach them.
 */
export function delegationRecords(config: GslbConfig): DelegationRecord[] {
  const ns = config.nameServers.map((n): DelegationRecord => ({
    name: config.zone,
    type: 'NS',
    ttl: DELEGATION_TTL,
    data: n.name,
  }));
  const glue = config.nameServers
    .filter((n) => isInZone(n.name, config.zone))
    .map((n): DelegationRecord => ({
      name: n.name,
      type: isIPv4(n.address) ? 'A' : 'AAAA',
      ttl: DELEGATION_TTL,
      data: n.address,
    }));
  return [...ns, ...glue];
}

/** Zone-file lines (RFC 1035 §5) for a provider where the delegation is entered by hand. */
export function formatZoneLines(records: readonly DelegationRecord[]): string {
  return records
    .map((r) => `${r.name}.\t${r.ttl}\tIN\t${r.type}\t${r.type === 'NS' ? `${r.data}.` : r.data}`)
    .join('\n');
}
