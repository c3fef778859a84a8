import type { AdvertService, SiteAdvert } from '../../src/routing/index.js';

/** How the simulated sites are linked. */
export type TopologyName = 'hub-and-spoke' | 'full-mesh';

/** A clusterset of `sites` sites with `servicesPerSite` exports each, as its routers would advertise it. */
export interface SyntheticClusterset {
  readonly topology: TopologyName;
  readonly sites: number;
  readonly servicesPerSite: number;
}

/** Services exported by every site under the same name (they merge into one clusterset service each). */
export const SHARED_SERVICES = 10;

export function siteId(index: number): string {
  return `site-${String(index).padStart(4, '0')}`;
}

/** Indices of the sites `index` has a link to. Site 0 is the hub. */
export function peersOf(cs: SyntheticClusterset, index: number): number[] {
  if (cs.topology === 'hub-and-spoke') return index === 0 ? range(1, cs.sites) : [0];
  return range(0, cs.sites).filter((i) => i !== index);
}

/**
 * The advert site `index` floods at sequence `seq`, shaped like the router's own: one named TCP
 * port and one ready endpoint per service. SHARED_SERVICES names are exported by every site, the
 * rest are the site's own; `extra` adds services (a new export).
 */
export function syntheticAdvert(
  cs: SyntheticClusterset,
  index: number,
  seq: number,
  extra = 0,
): SiteAdvert {
  const origin = siteId(index);
  const zone = `${origin}-a`;
  const services: AdvertService[] = [];
  for (let s = 0; s < cs.servicesPerSite + extra; s++) {
    const shared = s < SHARED_SERVICES;
    services.push({
      name: shared ? `shared-${s}` : `app-${index}-${s}`,
      namespace: shared ? 'platform' : `team-${index % 100}`,
      type: 'ClusterSetIP',
      ports: [{ name: 'tcp-8080', port: 8080, protocol: 'TCP' }],
      exportedAt: 1_750_000_000_000 + index * 1_000 + s,
      sessionAffinity: 'None',
      endpoints: [{ addresses: [], zone, ready: true }],
    });
  }
  return {
    type: 'site',
    origin,
    epoch: 1_750_000_000_000,
    seq,
    zone,
    region: `region-${index % 10}`,
    namespaces: ['platform', `team-${index % 100}`],
    links: peersOf(cs, index).map((peer) => ({ peer: siteId(peer), cost: 1 })),
    services,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
