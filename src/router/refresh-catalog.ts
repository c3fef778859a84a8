import { writePolicyOf, type ServiceDirectory } from '../services/index.js';
import type { SiteParts } from './site-parts.js';
import { siteNamespaces } from './site-state.js';

/** The clusterset services this site imports (their namespace is present here). */
export function importedServices(p: SiteParts): ReturnType<ServiceDirectory['imported']> {
  return p.directory.imported(new Set(siteNamespaces(p.state.config)));
}

/** Rebuilds the clusterset's services from every reachable site's advert. */
export function refreshCatalog(p: SiteParts): void {
  p.membership.check();
  const before = p.directory.model.version;
  p.directory.sync(p.lsdb.all(), (site) => p.lsdb.isReachable(site));
  if (p.directory.model.version !== before) {
    void p.imports.sync();
    trackLeases(p);
  }
}

/** Watches the lease of every single-writer service this site imports (its writes follow it). */
function trackLeases(p: SiteParts): void {
  const names = importedServices(p)
    .map((s) => writePolicyOf(s))
    .flatMap((policy) => (policy.type === 'single-writer' ? [policy.lease] : []));
  p.leases.track(names);
}

/** Forgets sites unreachable past the stale-state bound; runs on the router's 1 s timer. */
export function expireStale(p: SiteParts): void {
  // The hold of a restart ends on a timer too (peers that never come back), so watchers are told.
  if (!p.membership.isConverged && p.membership.converged()) p.servicesFeed.refresh();
  p.membership.check();
  const expired = p.lsdb.expire(p.runtime.now(), p.state.config.routing.staleAfterMs);
  if (expired.length === 0) return;
  p.logger.info({ sites: expired }, 'forgot unreachable sites after the stale-state bound');
  refreshCatalog(p);
  // Their services left the merge already; watchers learn that they are now gone for good.
  p.servicesFeed.refresh();
}
