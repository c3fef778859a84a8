import type { DirectView } from '../api/index.js';
import type { DnsServiceView, DnsView } from '../dns/index.js';
import type { VipImports } from '../flow/index.js';
import type { ServiceDirectory } from '../services/index.js';
import { headlessHostname } from '../mcs/index.js';

/** Answers DNS from the clusterset model as this site sees it, with this site's virtual IPs. */
export class ClustersetDnsView implements DnsView {
  constructor(
    private readonly directory: ServiceDirectory,
    private readonly vips: VipImports,
    private readonly localNamespaces: () => ReadonlySet<string>,
    private readonly knownSites: () => ReadonlySet<string>,
    /** Addresses that stand in for the VIP, keyed `namespace/name` (a cluster's ClusterIP for the import). */
    private readonly clustersetIps: () => Readonly<Record<string, readonly string[]>> = () => ({}),
    /** Pods of other sites this site reaches by their own addresses (direct paths). */
    private readonly direct: (name: string, namespace: string) => DirectView[] = () => [],
  ) {}

  service(name: string, namespace: string): DnsServiceView | undefined {
    const service = this.directory.service(name, namespace);
    // Namespace sameness: a service is visible only where its namespace exists (exporters count).
    if (
      service === undefined ||
      !(this.localNamespaces().has(namespace) || service.sites.includes(this.directory.self))
    )
      return undefined;
    // Headless answers carry this site's address for each endpoint (remote pod addresses may
    // overlap with local ones, or be unroutable from here); endpoints that have none yet are left out.
    // A site reached directly answers with its Pods' own addresses: the route to them is
    // declared and probed, so the overlap concern above does not hold for it.
    const direct = service.type === 'Headless' ? this.direct(name, namespace) : [];
    const endpoints =
      service.type === 'Headless'
        ? this.directory.model.readyEndpoints(name, namespace).flatMap(({ site, endpoint }) => {
            const hostname =
              endpoint.hostname ??
              (endpoint.addresses.length > 0 ? headlessHostname(endpoint) : undefined);
            if (hostname === undefined) return [];
            const pods = direct.filter(
              (d) => d.site === site && d.hostname === hostname && d.ready,
            );
            if (pods.length > 0) return [{ site, hostname, addresses: pods.map((d) => d.address) }];
            // In a cluster, the ClusterIP of the endpoint's derived Service (pods reach it), else its virtual IP.
            const assigned = this.clustersetIps()[`${namespace}/${name}@${site}/${hostname}`];
            if (assigned !== undefined && assigned.length > 0)
              return [{ site, hostname, addresses: [...assigned] }];
            const vip = this.vips.vip(name, namespace, site, hostname);
            return vip === undefined ? [] : [{ site, hostname, addresses: [vip] }];
          })
        : [];
    const vip = this.vips.vip(name, namespace);
    const siteIps: Record<string, string[]> = {};
    for (const site of service.sites) {
      // In a cluster, the ClusterIP of the site's derived Service (pods reach it), else the virtual IP.
      const assignedSite =
        service.type === 'Headless'
          ? undefined
          : this.clustersetIps()[`${namespace}/${name}@${site}`];
      const ip = this.vips.vip(name, namespace, site);
      if (assignedSite !== undefined && assignedSite.length > 0) siteIps[site] = [...assignedSite];
      else if (ip !== undefined) siteIps[site] = [ip];
    }
    const assigned =
      service.type === 'Headless' ? undefined : this.clustersetIps()[`${namespace}/${name}`];
    const ips =
      assigned !== undefined && assigned.length > 0
        ? [...assigned]
        : vip === undefined
          ? []
          : [vip];
    return { type: service.type, ips, ports: service.ports, endpoints, siteIps };
  }

  namespaceExists(namespace: string): boolean {
    return this.localNamespaces().has(namespace);
  }

  sites(): ReadonlySet<string> {
    return this.knownSites();
  }

  version(): number {
    return this.directory.model.version;
  }
}
