import type { DirectView } from '../api/index.js';
import type { SiteConfig } from '../config/index.js';
import { parseHostPort } from '../config/index.js';
import { DnsServer } from '../dns/index.js';
import { listenerFailure } from '../errors/index.js';
import type { VipImports } from '../flow/index.js';
import type { Logger } from '../observability/index.js';
import type { ServiceDirectory } from '../services/index.js';
import { ClustersetDnsView } from './clusterset-dns-view.js';
import type { SiteParts } from './site-parts.js';
import { siteNamespaces } from './site-state.js';

export interface ClustersetDnsDeps {
  config(): SiteConfig;
  configFile: string;
  directory: ServiceDirectory;
  vips: VipImports;
  namespaces(): string[];
  knownSites(): string[];
  /** Pods of other sites reached by their own addresses (direct paths); none without it. */
  direct?: (name: string, namespace: string) => DirectView[];
  logger: Logger;
}

/** Starts the `clusterset.local` DNS server of `dns.listen`, or nothing when it is "" (DNS off). */
export async function startClustersetDns(
  deps: ClustersetDnsDeps,
): Promise<{ server: DnsServer; address: { host: string; port: number } } | undefined> {
  const { listen, zone, targetedSuffix, ttl } = deps.config().dns;
  if (listen === '') return undefined;
  const view = new ClustersetDnsView(
    deps.directory,
    deps.vips,
    () => new Set(deps.namespaces()),
    () => new Set(deps.knownSites()),
    () => deps.config().services.clustersetIps,
    deps.direct,
  );
  const server = new DnsServer(view, { zone, targetedSuffix, ttl, logger: deps.logger });
  const { host, port } = parseHostPort(listen, 'dns.listen', true);
  let address: { host: string; port: number };
  try {
    address = await server.listen(host, port);
  } catch (err) {
    throw listenerFailure('dns.listen', listen, err, `in ${deps.configFile} ("" turns DNS off)`);
  }
  deps.logger.info({ dns: `${address.host}:${address.port}`, zone }, 'DNS listening');
  return { server, address };
}

/** Starts this site's DNS server (if any) and keeps it and its address in the site's state. */
export async function startSiteDns(p: SiteParts): Promise<void> {
  const { state } = p;
  const dns = await startClustersetDns({
    config: () => state.config,
    configFile: p.paths.config,
    directory: p.directory,
    vips: p.vips,
    namespaces: () => siteNamespaces(state.config),
    knownSites: () => p.lsdb.all().map((a) => a.origin),
    direct: (name, namespace) => p.direct.directFor(name, namespace),
    logger: p.logger,
  });
  state.dns = dns?.server;
  state.dnsAddress = dns?.address;
}
