import type { ServicesSnapshot } from '../api/index.js';
import type { SiteParts } from './site-parts.js';
import { importedServices } from './refresh-catalog.js';
import { servicesView, type StatusSources } from './status-report.js';

/** The site's parts as the status and the services view read them. */
export function statusSources(p: SiteParts): StatusSources {
  return {
    get siteConfig() {
      return p.state.config;
    },
    epoch: p.epoch,
    get linkAddress() {
      return p.state.linkAddress;
    },
    get dnsAddress() {
      return p.state.dnsAddress;
    },
    get partitionReport() {
      return p.membership.report;
    },
    ...{ directory: p.directory, mesh: p.mesh, stats: p.stats },
    ingress: { addresses: () => [...p.ingress.addresses(), ...p.udp.addresses()] },
    ...{ leases: p.leases, lsdb: p.lsdb, vips: p.vips, direct: p.direct },
    importedServices: () => importedServices(p),
    revokedSites: () => p.revocations.sites(),
    exportFailure: (e) => p.readiness.failureOf(e),
  };
}

/** Clusterset changes as they land here (after virtual IPs are assigned), for `/v1/services?watch=1`. */
export function servicesSnapshot(p: SiteParts): ServicesSnapshot {
  const self = p.state.config.site.id;
  return {
    site: self,
    services: servicesView(statusSources(p)),
    unreachable: p.lsdb
      .all()
      .map((a) => a.origin)
      .filter((site) => site !== self && !p.lsdb.isReachable(site))
      .sort(),
    converged: p.membership.converged(),
  };
}
