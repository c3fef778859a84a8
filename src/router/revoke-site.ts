import { publishSite } from './publish-site.js';
import { refreshCatalog } from './refresh-catalog.js';
import type { SiteParts } from './site-parts.js';

/**
 * Takes a revoked site out of this site's view at once: its links close and its certificate is
 * refused from now on, its advert (and with it its exports) is forgotten, and it leaves the
 * remembered members, so the quorum no longer counts it. On the revoked site itself nothing closes
 * here: every other site refuses it, and its own desk certifies nobody.
 */
export function enforceRevocation(p: SiteParts, site: string): void {
  if (site === p.state.config.site.id) return;
  p.mesh.revoke(site);
  p.lsdb.forget(site, p.runtime.now());
  p.partition
    .forget(site)
    .catch((err: unknown) => p.logger.warn({ err, site }, 'cannot save clusterset membership'));
  // At start-up (before the link port opens) nothing was learned yet: forgetting is all there is.
  if (!p.state.connected) return;
  refreshCatalog(p);
  p.servicesFeed.refresh();
  publishSite(p);
}
