import type { DnsServiceView, DnsView } from './dns-view.js';
import type { QueryName, QueryZones, ServiceBranch } from './parse-query-name.js';

/** One SRV record with the addresses of its target, which travel in the additional section. */
export interface SrvRecord {
  port: number;
  target: string;
  addresses: string[];
}

/** Everything that exists at one owner name; an empty set is an existing name with no data (NODATA). */
export interface NameRecords {
  addresses: string[];
  srv: SrvRecord[];
  txt: string[];
  soa: boolean;
}

/** DNSSPEC schema version answered at `dns-version.<zone>` (§2.2). */
export const DNS_SCHEMA_VERSION = '1.0.0';

type NamedQuery = Exclude<QueryName, { kind: 'outside' } | { kind: 'nonexistent' }>;
type ServiceQuery = Extract<QueryName, { kind: 'service' }>;
type Endpoint = DnsServiceView['endpoints'][number];

const EMPTY: NameRecords = { addresses: [], srv: [], txt: [], soa: false };

/** The records at a classified name, or undefined when the name does not exist (NXDOMAIN). */
export function lookupRecords(
  name: NamedQuery,
  view: DnsView,
  zones: QueryZones,
): NameRecords | undefined {
  switch (name.kind) {
    case 'apex':
      return { ...EMPTY, soa: true };
    case 'version':
      return { ...EMPTY, txt: [DNS_SCHEMA_VERSION] };
    case 'interior':
      return name.namespace === undefined || view.namespaceExists(name.namespace)
        ? EMPTY
        : undefined;
    case 'service': {
      const service = view.service(name.service, name.namespace);
      if (service === undefined) return undefined;
      return name.site === undefined
        ? clustersetRecords(name, service)
        : targetedRecords(name, name.site, service, zones);
    }
  }
}

/** Names under `<svc>.<ns>.svc.<zone>` (DNSSPEC §2.3 ClusterSetIP, §2.4 Headless). */
function clustersetRecords(name: ServiceQuery, service: DnsServiceView): NameRecords | undefined {
  const serviceName = `${name.service}.${name.namespace}.svc.${name.zone}`;
  if (service.type === 'ClusterSetIP') {
    if (name.branch.kind === 'endpoint') return undefined;
    return portRecords(name.branch, service, [{ target: serviceName, addresses: service.ips }]);
  }
  const ready = readyEndpoints(service.endpoints);
  // §2.4.1: a headless service without ready endpoints does not exist, nor does anything below it.
  if (ready.length === 0) return undefined;
  const branch = name.branch;
  if (branch.kind === 'endpoint') {
    const matching = ready.filter(
      (e) => sameName(e.site, branch.site) && sameName(e.hostname, branch.hostname),
    );
    return matching.length === 0
      ? undefined
      : { ...EMPTY, addresses: unique(matching.flatMap((e) => e.addresses)) };
  }
  return portRecords(branch, service, endpointTargets(ready, serviceName));
}

/** `<svc>.<ns>.svc.<site>.<suffix>`: only what the one site serves; it does not exist when that is nothing. */
function targetedRecords(
  name: ServiceQuery,
  site: string,
  service: DnsServiceView,
  zones: QueryZones,
): NameRecords | undefined {
  if (name.branch.kind === 'endpoint') return undefined;
  const ready = readyEndpoints(service.endpoints).filter((e) => sameName(e.site, site));
  if (service.type === 'Headless') {
    if (ready.length === 0) return undefined;
    // Targets are the clusterset per-endpoint names, so the targeted zone needs no endpoint names of its own.
    const clustersetName = `${name.service}.${name.namespace}.svc.${zones.zone}`;
    return portRecords(name.branch, service, endpointTargets(ready, clustersetName));
  }
  const siteIps = siteEntry(service.siteIps, site) ?? [];
  const addresses = siteIps.length > 0 ? siteIps : unique(ready.flatMap((e) => e.addresses));
  if (addresses.length === 0) return undefined;
  return portRecords(name.branch, service, [
    { target: `${name.service}.${name.namespace}.svc.${site}.${name.zone}`, addresses },
  ]);
}

/** Records at the service name or its `_port._proto` names, each target combined with the matching ports. */
function portRecords(
  branch: Exclude<ServiceBranch, { kind: 'endpoint' }>,
  service: DnsServiceView,
  targets: Target[],
): NameRecords | undefined {
  switch (branch.kind) {
    case 'service': {
      // Conformance queries SRV at the bare name and expects one record per distinct port number:
      // tcp/42 and udp/42 give one record, as CoreDNS de-duplicates identical target+port.
      const ports = unique(service.ports.map((p) => p.port));
      return {
        ...EMPTY,
        addresses: unique(targets.flatMap((t) => t.addresses)),
        srv: srvRecords(targets, ports),
      };
    }
    case 'port': {
      // §2.3.2/§2.4.2: only named ports have SRV names; unnamed ports get none.
      const ports = service.ports.filter(
        (p) =>
          p.protocol === branch.protocol &&
          p.name !== undefined &&
          p.name !== '' &&
          sameName(p.name, branch.port),
      );
      return ports.length === 0
        ? undefined
        : { ...EMPTY, srv: srvRecords(targets, unique(ports.map((p) => p.port))) };
    }
    case 'protocol':
      return service.ports.some(
        (p) => p.protocol === branch.protocol && p.name !== undefined && p.name !== '',
      )
        ? EMPTY
        : undefined;
  }
}

interface Target {
  target: string;
  addresses: string[];
}

function srvRecords(targets: Target[], ports: number[]): SrvRecord[] {
  return targets.flatMap((t) =>
    ports.map((port) => ({ port, target: t.target, addresses: t.addresses })),
  );
}

/** One target per (site, hostname): `<hostname>.<site>.<svc>.<ns>.svc.<zone>` (§2.4.2). */
function endpointTargets(ready: Endpoint[], serviceName: string): Target[] {
  const byName = new Map<string, Target>();
  for (const endpoint of ready) {
    const target = `${endpoint.hostname}.${endpoint.site}.${serviceName}`;
    const key = target.toLowerCase();
    const known = byName.get(key);
    byName.set(key, {
      target,
      addresses: unique([...(known?.addresses ?? []), ...endpoint.addresses]),
    });
  }
  return [...byName.values()];
}

/** Endpoints that can be answered: the view lists ready ones only, but one without addresses has nothing to give. */
function readyEndpoints(endpoints: Endpoint[]): Endpoint[] {
  return endpoints.filter((e) => e.addresses.length > 0);
}

function siteEntry(
  siteIps: Record<string, string[]> | undefined,
  site: string,
): string[] | undefined {
  if (siteIps === undefined) return undefined;
  const key = Object.keys(siteIps).find((k) => sameName(k, site));
  return key === undefined ? undefined : siteIps[key];
}

/** DNS names compare case-insensitively (RFC 4343), and the spec inherits that (DNSSPEC §1). */
function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}
