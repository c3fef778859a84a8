import type { ExportConditions, IpFamily, ServicePort } from '../mcs/index.js';
import type { FlowCounts } from '../observability/index.js';
import { serviceKey } from '../services/index.js';
import type { Router } from './router.js';
import type { LeaseReport } from './site-leases.js';
import type { PortListener } from './vip-imports.js';

/** One clusterset service as this site sees it: what a ServiceImport here is made from. */
export interface ServiceView {
  name: string;
  namespace: string;
  type: string;
  ports: ServicePort[];
  sites: string[];
  /** Exporting sites with at least one ready endpoint (what global DNS answers from); absent from older routers. */
  readySites?: string[];
  winnerSite: string;
  importedHere: boolean;
  vip: string | null;
  /** Each TCP port's listener on the import address (`services.importAddress`); empty without one. */
  importListeners: PortListener[];
  /** Per exporting site, each TCP port's listener on the import address for site-targeted names; empty without one. */
  siteListeners?: Array<PortListener & { site: string }>;
  dnsName: string;
  sessionAffinity: 'None' | 'ClientIP';
  sessionAffinityTimeoutSeconds: number | null;
  internalTrafficPolicy: string | null;
  trafficDistribution: string | null;
  ipFamilies: IpFamily[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Headless services: each endpoint with the address it has at this site. */
  endpoints: Array<{ site: string; hostname: string; vip: string | null; listeners?: PortListener[] }>;
  conditions: Record<string, ExportConditions>;
  /** Whether any site has a ready endpoint for it: without one, new flows fail. */
  ready?: boolean;
  /** This site's exports of the service that are advertised not ready, and why. */
  notReadyHere?: Array<{ port: number; to: string; reason: string }>;
}

/** `causeway status` as data: the same object is printed as text or JSON. */
export interface StatusReport {
  site: { id: string; zone: string; region: string; trustDomain: string };
  pid: number;
  startedAt: string;
  linkAddress: string;
  dnsAddress: string | null;
  links: Array<{ peer: string; state: string; direction: 'outbound' | 'inbound'; cost: number; rttMs: number | null; connections: number; flows: number; zone: string; region: string; since: string; lastError: string | null; dialFailures: number; endpoints: string[] }>;
  /** `ready` is what this site advertises; `reason` says why not (failed health check, draining). */
  exports: Array<{ name: string; namespace: string; port: number; to: string; ready: boolean; reason: string | null; flows: FlowCounts }>;
  imports: Array<{ name: string; namespace: string; listen: string; port: number | null; site: string | null; kind: 'configured' | 'virtual-ip'; exporters: string[]; flows: FlowCounts }>;
  /** The clusterset's services as merged here (MCS ServiceImport view), with this site's virtual IP. */
  services: ServiceView[];
  /** Which members this site reaches and whether that is a majority (split-brain safety). */
  partition: { majority: boolean; quorum: number; members: string[]; reachable: string[]; unreachable: string[] } | null;
  /** Leases this router watches (its single-writer imports' and those it holds). */
  leases: LeaseReport[];
  /** Sites known from adverts, with whether a route reaches them and through which peer. */
  routes: Array<{ site: string; reachable: boolean; nextHop: string | null; cost: number | null; hops: number | null }>;
}

export function buildStatus(router: Router): StatusReport {
  const config = router.siteConfig;
  const exporters = router.directory.exporters();
  return {
    site: { ...config.site },
    pid: process.pid,
    startedAt: new Date(router.epoch).toISOString(),
    linkAddress: `${router.linkAddress.host}:${router.linkAddress.port}`,
    dnsAddress: router.dnsAddress === undefined ? null : `${router.dnsAddress.host}:${router.dnsAddress.port}`,
    links: [...router.mesh.peers.values()]
      .sort((a, b) => a.peer.localeCompare(b.peer))
      .map((l) => ({
        peer: l.peer,
        state: l.state,
        direction: l.dialed ? 'outbound' : 'inbound',
        cost: l.cost,
        rttMs: l.rttMs === undefined ? null : Math.round(l.rttMs * 1000) / 1000,
        connections: l.sessionCount,
        flows: l.flowCount,
        zone: l.zone,
        region: l.region,
        since: new Date(l.since).toISOString(),
        lastError: l.lastError ?? null,
        dialFailures: l.dialFailures,
        endpoints: l.endpoints,
      })),
    exports: config.exports.map((e) => {
      const reason = router.exportFailure(e) ?? null;
      return { name: e.name, namespace: e.namespace, port: e.port, to: e.to, ready: reason === null, reason, flows: router.stats.get('egress', serviceKey(e.name, e.namespace)) };
    }),
    imports: router.ingress.addresses().map(({ config: i, address }) => ({
      name: i.name,
      namespace: i.namespace,
      listen: `${address.host}:${address.port}`,
      port: i.port ?? router.directory.ports(i.name, i.namespace)[0] ?? null,
      site: i.site ?? null,
      kind: config.imports.some((c) => c.listen === i.listen && c.name === i.name && c.namespace === i.namespace) ? ('configured' as const) : ('virtual-ip' as const),
      exporters: exporters.get(serviceKey(i.name, i.namespace)) ?? [],
      flows: router.stats.get('ingress', serviceKey(i.name, i.namespace)),
    })),
    services: servicesView(router),
    partition: router.partitionReport === undefined ? null : { ...router.partitionReport },
    leases: router.leases.report(),
    routes: router.lsdb
      .all()
      .filter((a) => a.origin !== config.site.id)
      .map((a) => {
        const route = router.lsdb.route(a.origin);
        return { site: a.origin, reachable: route !== undefined, nextHop: route?.nextHop ?? null, cost: route?.cost ?? null, hops: route?.hops ?? null };
      })
      .sort((a, b) => a.site.localeCompare(b.site)),
  };
}

/** Every clusterset service with this site's addresses for it; also what `/v1/services` streams. */
export function servicesView(router: Router): ServiceView[] {
  const config = router.siteConfig;
  const imported = new Set(router.importedServices().map((s) => `${s.namespace}/${s.name}`));
  return router.directory.model.services().map((s) => ({
    name: s.name,
    namespace: s.namespace,
    type: s.type,
    ports: s.ports,
    sites: s.sites,
    readySites: [...new Set(router.directory.model.readyEndpoints(s.name, s.namespace).map((e) => e.site))].sort(),
    winnerSite: s.winnerSite,
    importedHere: imported.has(`${s.namespace}/${s.name}`),
    vip: router.vips.vip(s.name, s.namespace) ?? null,
    importListeners: s.type === 'Headless' ? [] : router.vips.portListeners(s.name, s.namespace, s.ports.filter((p) => p.protocol === 'TCP').map((p) => p.port)),
    siteListeners: s.type === 'Headless' ? [] : router.vips.siteListeners(s.name, s.namespace, s.sites, s.ports.filter((p) => p.protocol === 'TCP').map((p) => p.port)),
    dnsName: `${s.name}.${s.namespace}.svc.${config.dns.zone}`,
    sessionAffinity: s.sessionAffinity,
    sessionAffinityTimeoutSeconds: s.sessionAffinityTimeoutSeconds ?? null,
    internalTrafficPolicy: s.internalTrafficPolicy ?? null,
    trafficDistribution: s.trafficDistribution ?? null,
    ipFamilies: s.ipFamilies,
    labels: s.labels,
    annotations: s.annotations,
    endpoints:
      s.type === 'Headless'
        ? router.directory.model.readyEndpoints(s.name, s.namespace).flatMap(({ site, endpoint }) =>
            endpoint.hostname === undefined
              ? []
              : [
                  {
                    site,
                    hostname: endpoint.hostname,
                    vip: router.vips.vip(s.name, s.namespace, site, endpoint.hostname) ?? null,
                    listeners: router.vips.endpointListeners(s.name, s.namespace, site, endpoint.hostname, s.ports.filter((p) => p.protocol === 'TCP').map((p) => p.port)),
                  },
                ],
          )
        : [],
    conditions: s.conditions,
    ready: router.directory.model.readyEndpoints(s.name, s.namespace).length > 0,
    notReadyHere: config.exports
      .filter((e) => e.name === s.name && e.namespace === s.namespace)
      .flatMap((e) => {
        const reason = router.exportFailure(e);
        return reason === undefined ? [] : [{ port: e.port, to: e.to, reason }];
      }),
  }));
}
