import type { SiteConfig } from '../config/index.js';
import type { TlsMaterial } from '../link/index.js';
import type { SitePlace } from '../observability/index.js';
import type { LinkStateDb } from '../routing/index.js';
import type { DnsServer } from '../dns/index.js';

/** What a running site swaps on reload or learns while starting; every area reads it through closures. */
export interface SiteState {
  config: SiteConfig;
  material: TlsMaterial;
  linkAddress: { host: string; port: number };
  dns: DnsServer | undefined;
  dnsAddress: { host: string; port: number } | undefined;
  /** Set once the link port is open: links are dialed and accepted only from then on. */
  connected: boolean;
}

/** Namespaces present here: declared ones plus those of exports and imports. */
export function siteNamespaces(config: SiteConfig): string[] {
  const all = new Set([
    ...config.namespaces,
    ...config.exports.map((e) => e.namespace),
    ...config.imports.map((i) => i.namespace),
  ]);
  return [...all].sort();
}

/** Where a site is, from this site's config or the site's latest advert. */
export function placeOf(
  config: SiteConfig,
  lsdb: Pick<LinkStateDb, 'get'>,
  site: string,
): SitePlace | undefined {
  if (site === config.site.id) return { site, zone: config.site.zone, region: config.site.region };
  const advert = lsdb.get(site);
  return advert === undefined ? undefined : { site, zone: advert.zone, region: advert.region };
}
