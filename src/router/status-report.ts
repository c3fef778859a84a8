import type { FlowStats } from '../observability/index.js';
import type { SiteLeases } from '../membership/index.js';
import type { LinkMesh } from '../link/index.js';
import type { DirectPaths, TcpIngress, VipImports } from '../flow/index.js';
import { carriedProtocol, serviceKey, type ServiceDirectory } from '../services/index.js';
import type { PartitionReport, ServiceView, StatusReport } from '../api/index.js';
import type { LinkStateDb } from '../routing/index.js';
import type { SiteConfig } from '../config/index.js';

/** What the status and the services view are read from; the router hands itself, read-only. */
export interface StatusSources {
  readonly siteConfig: SiteConfig;
  readonly epoch: number;
  readonly linkAddress: { host: string; port: number };
  readonly dnsAddress: { host: string; port: number } | undefined;
  readonly directory: ServiceDirectory;
  readonly mesh: Pick<LinkMesh, 'peers'>;
  readonly stats: Pick<FlowStats, 'get'>;
  readonly ingress: Pick<TcpIngress, 'addresses'>;
  readonly partitionReport: PartitionReport | undefined;
  readonly leases: Pick<SiteLeases, 'report'>;
  readonly lsdb: Pick<LinkStateDb, 'all' | 'route'>;
  readonly vips: Pick<VipImports, 'vip' | 'portListeners' | 'siteListeners' | 'endpointListeners'>;
  readonly direct: Pick<DirectPaths, 'directFor' | 'pathTo' | 'conflicts'>;
  importedServices(): ReturnType<ServiceDirectory['imported']>;
  /** Sites revoked in the clusterset. */
  revokedSites(): string[];
  /** Why this export is advertised not ready (failed health check, draining), or undefined. */
  exportFailure(e: SiteConfig['exports'][number]): string | undefined;
}

/** `causeway status` as data, built from the router's parts. */
export function buildStatus(router: StatusSources): StatusReport {
  const config = router.siteConfig;
  const exporters = router.directory.exporters();
  return {
    site: { ...config.site },
    pid: process.pid,
    startedAt: new Date(router.epoch).toISOString(),
    linkAddress: `${router.linkAddress.host}:${router.linkAddress.port}`,
    dnsAddress:
      router.dnsAddress === undefined
        ? null
        : `${router.dnsAddress.host}:${router.dnsAddress.port}`,
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
      return {
        name: e.name,
        namespace: e.namespace,
        port: e.port,
        protocol: carriedProtocol(e),
        to: e.to,
        ready: reason === null,
        reason,
        flows: router.stats.get('egress', serviceKey(e.name, e.namespace)),
      };
    }),
    imports: router.ingress.addresses().map(({ config: i, address }) => ({
      name: i.name,
      namespace: i.namespace,
      listen: `${address.host}:${address.port}`,
      protocol: i.protocol ?? 'TCP',
      port: i.port ?? router.directory.ports(i.name, i.namespace, i.protocol)[0] ?? null,
      site: i.site ?? null,
      kind: config.imports.some(
        (c) => c.listen === i.listen && c.name === i.name && c.namespace === i.namespace,
      )
        ? ('configured' as const)
        : ('virtual-ip' as const),
      exporters: exporters.get(serviceKey(i.name, i.namespace)) ?? [],
      flows: router.stats.get('ingress', serviceKey(i.name, i.namespace)),
    })),
    services: servicesView(router),
    partition: router.partitionReport === undefined ? null : { ...router.partitionReport },
    leases: router.leases.report(),
    policies: config.policies.map((p) => ({ ...p })),
    revoked: router.revokedSites(),
    routes: router.lsdb
      .all()
      .filter((a) => a.origin !== config.site.id)
      .map((a) => {
        const route = router.lsdb.route(a.origin);
        const path = router.direct.pathTo(a.origin);
        return {
          site: a.origin,
          zone: a.zone,
          region: a.region,
          reachable: route !== undefined,
          nextHop: route?.nextHop ?? null,
          cost: route?.cost ?? null,
          hops: route?.hops ?? null,
          path: path.mode,
          pathReason: path.reason,
        };
      })
      .sort((a, b) => a.site.localeCompare(b.site)),
    networkConflicts: router.direct
      .conflicts()
      .map((c) => ({ site: c.site, reason: 'NetworkChanged' as const, message: c.message })),
  };
}

/** Every clusterset service with this site's addresses for it; also what `/v1/services` streams. */
export function servicesView(router: StatusSources): ServiceView[] {
  const config = router.siteConfig;
  const imported = new Set(router.importedServices().map((s) => `${s.namespace}/${s.name}`));
  return router.directory.model.services().map((s) => ({
    name: s.name,
    namespace: s.namespace,
    type: s.type,
    ports: s.ports,
    sites: s.sites,
    readySites: [
      ...new Set(router.directory.model.readyEndpoints(s.name, s.namespace).map((e) => e.site)),
    ].sort(),
    winnerSite: s.winnerSite,
    importedHere: imported.has(`${s.namespace}/${s.name}`),
    vip: router.vips.vip(s.name, s.namespace) ?? null,
    importListeners:
      s.type === 'Headless'
        ? []
        : router.vips.portListeners(
            s.name,
            s.namespace,
            portsOf(s.ports, 'TCP'),
            portsOf(s.ports, 'UDP'),
          ),
    siteListeners:
      s.type === 'Headless'
        ? []
        : router.vips.siteListeners(
            s.name,
            s.namespace,
            s.sites,
            portsOf(s.ports, 'TCP'),
            portsOf(s.ports, 'UDP'),
          ),
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
        ? router.directory.model
            .readyEndpoints(s.name, s.namespace)
            .flatMap(({ site, endpoint }) =>
              endpoint.hostname === undefined
                ? []
                : [
                    {
                      site,
                      hostname: endpoint.hostname,
                      vip: router.vips.vip(s.name, s.namespace, site, endpoint.hostname) ?? null,
                      listeners: router.vips.endpointListeners(
                        s.name,
                        s.namespace,
                        site,
                        endpoint.hostname,
                        portsOf(s.ports, 'TCP'),
                        portsOf(s.ports, 'UDP'),
                      ),
                    },
                  ],
            )
        : [],
    conditions: s.conditions,
    ...directOf(router, s.name, s.namespace),
    ready: router.directory.model.readyEndpoints(s.name, s.namespace).length > 0,
    notReadyHere: config.exports
      .filter((e) => e.name === s.name && e.namespace === s.namespace)
      .flatMap((e) => {
        const reason = router.exportFailure(e);
        return reason === undefined ? [] : [{ port: e.port, to: e.to, reason }];
      }),
  }));
}

/** The remote Pods reached directly, as a field only when there are some (older readers never see it). */
function directOf(
  router: StatusSources,
  name: string,
  namespace: string,
): { direct?: ServiceView['direct'] } {
  const direct = router.direct.directFor(name, namespace);
  return direct.length === 0 ? {} : { direct };
}

/** The port numbers of one protocol. */
function portsOf(
  ports: ReadonlyArray<{ port: number; protocol: string }>,
  protocol: string,
): number[] {
  return ports.filter((p) => p.protocol === protocol).map((p) => p.port);
}
