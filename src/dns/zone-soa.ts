import type { SoaAnswer } from 'dns-packet';

// Refresh/retry/expire only matter to secondaries, which we do not have; these are the CoreDNS values.
const REFRESH = 7200;
const RETRY = 1800;
const EXPIRE = 86400;

/**
 * The SOA of one of our zones. Its TTL and MINIMUM are both `ttl`, so negative answers are cached
 * for exactly `ttl` seconds (RFC 2308 §5: the lesser of the two).
 */
export function zoneSoa(zone: string, ttl: number, serial: number): SoaAnswer {
  return {
    type: 'SOA',
    name: zone,
    ttl,
    class: 'IN',
    data: {
      mname: `ns.dns.${zone}`,
      rname: `hostmaster.${zone}`,
      serial,
      refresh: REFRESH,
      retry: RETRY,
      expire: EXPIRE,
      minimum: ttl,
    },
  };
}
