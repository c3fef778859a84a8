import { createHash } from 'node:crypto';
import type { ServicePort } from '../../mcs/index.js';
import type { DirectView, ServiceView } from '../../api/index.js';
import type {
  EndpointSlice,
  KubeObject,
  OwnerReference,
  Service,
  ServiceImport,
} from '../client/kube-objects.js';
import {
  APPLIED_HASH_ANNOTATION,
  DERIVED_SERVICE_ANNOTATION,
  ImportLabel,
  MANAGED_BY_CONTROLLER,
  SITE_TARGET_OF_LABEL,
  TARGET_ENDPOINT_LABEL,
  TARGET_SITE_LABEL,
} from './import-labels.js';
import { derivedSiteServiceName, importSliceName } from './derived-names.js';
import { isLoopback, routerTarget } from './router-target.js';

/** The objects one clusterset service becomes in a cluster, before the API server fills in uids and IPs. */
export interface ImportNames {
  namespace: string;
  name: string;
  derivedName: string;
  clusterId: string;
}

/** Every port of the clusterset service as it is named: what the ServiceImport lists. */
function listedPorts(view: ServiceView): ServicePort[] {
  return view.ports.map((p) => kubePort(p.name, p));
}

/**
 * TCP and UDP ports, for what kube-proxy programs: the router carries both (SCTP is only listed).
 * A Service with several ports needs a name on each, so only then does an unnamed port get one,
 * `tcp-<port>` or `udp-<port>`.
 */
function carriedPorts(view: ServiceView): ServicePort[] {
  const ports = view.ports.filter((p) => p.protocol === 'TCP' || p.protocol === 'UDP');
  return ports.map((p) =>
    kubePort(
      p.name === undefined || p.name === ''
        ? ports.length > 1
          ? `${p.protocol.toLowerCase()}-${p.port}`
          : undefined
        : p.name,
      p,
    ),
  );
}

/** The port under `name` (left out when empty), as ServiceImports, Services and EndpointSlices spell it. */
function kubePort(name: string | undefined, p: ServicePort): ServicePort {
  return {
    ...(name === undefined || name === '' ? {} : { name }),
    protocol: p.protocol,
    port: p.port,
    ...(p.appProtocol === undefined ? {} : { appProtocol: p.appProtocol }),
  };
}

/** The ServiceImport: type, ports and the service's properties; `ips` is the derived Service's ClusterIP. */
export function desiredServiceImport(
  view: ServiceView,
  names: ImportNames,
  apiVersion: string,
  ips: readonly string[],
): ServiceImport {
  const headless = view.type === 'Headless';
  const spec: NonNullable<ServiceImport['spec']> = {
    type: headless ? 'Headless' : 'ClusterSetIP',
    // KEP-1645: the union of the exported ports, SCTP included, though only TCP and UDP ones are carried.
    ports: listedPorts(view),
    // KEP-1645: empty for Headless (a `None` here broke consumers elsewhere).
    ips: headless ? [] : [...ips],
    ipFamilies: view.ipFamilies,
    sessionAffinity: view.sessionAffinity,
  };
  if (view.sessionAffinity === 'ClientIP' && view.sessionAffinityTimeoutSeconds !== null)
    spec.sessionAffinityConfig = {
      clientIP: { timeoutSeconds: view.sessionAffinityTimeoutSeconds },
    };
  if (view.internalTrafficPolicy !== null) spec.internalTrafficPolicy = view.internalTrafficPolicy;
  if (view.trafficDistribution !== null) spec.trafficDistribution = view.trafficDistribution;
  return hashed({
    apiVersion,
    kind: 'ServiceImport',
    metadata: {
      name: names.name,
      namespace: names.namespace,
      labels: { ...view.labels },
      annotations: { ...view.annotations, [DERIVED_SERVICE_ANNOTATION]: names.derivedName },
    },
    spec,
  });
}

/** Status of the ServiceImport: the exporting clusters and Ready. */
export function importStatus(view: ServiceView): NonNullable<ServiceImport['status']> {
  return { clusters: view.sites.map((cluster) => ({ cluster })) };
}

/** The selector-less Service kube-proxy programs for the import: ClusterIP (or None), same ports. */
export function desiredDerivedService(
  view: ServiceView,
  names: ImportNames,
  owner: OwnerReference,
): Service {
  const headless = view.type === 'Headless';
  return hashed({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: names.derivedName,
      namespace: names.namespace,
      labels: {
        [ImportLabel.serviceName]: names.name,
        [ImportLabel.managedBy]: MANAGED_BY_CONTROLLER,
      },
      ownerReferences: [owner],
    },
    spec: {
      type: 'ClusterIP',
      ...(headless ? { clusterIP: 'None' } : {}),
      ports: carriedPorts(view).map((p) => ({ ...p, targetPort: p.port })),
    },
  });
}

/**
 * EndpointSlices of the import, all pointing at this cluster's router. A ClusterSetIP service has one
 * endpoint, the router's virtual IP for it (the router then picks an exporting cluster by policy), in
 * a slice whose source is this cluster. A headless service has one endpoint per remote endpoint, with
 * its own virtual IP and hostname, in one slice per source cluster (so `hostname.cluster` names work).
 */
export function desiredImportSlices(
  view: ServiceView,
  names: ImportNames,
  owner: OwnerReference,
  endpointIp: (site: string, hostname: string) => string | undefined = () => undefined,
): EndpointSlice[] {
  const ports = carriedPorts(view);
  const direct = directSlices(view, names, owner, ports);
  const directSites = new Set((view.direct ?? []).map((d) => d.site));
  if (view.type !== 'Headless') {
    const target = routerTarget(view);
    // Every exporting site reached directly: no router on any path, so no router slice.
    if (target === undefined || view.sites.every((s) => directSites.has(s))) return direct;
    const routed = ports.flatMap((p) => {
      const port = target.port(p.port, p.protocol === 'UDP' ? 'UDP' : 'TCP');
      return port === undefined ? [] : [{ ...p, port }];
    });
    return [
      slice(
        names,
        names.clusterId,
        owner,
        routed,
        [{ addresses: [target.address], conditions: { ready: true } }],
        target.addressType,
      ),
      ...direct,
    ];
  }
  const bySite = new Map<
    string,
    Array<{ addresses: string[]; hostname: string; conditions: { ready: boolean } }>
  >();
  for (const endpoint of view.endpoints) {
    if (directSites.has(endpoint.site)) continue; // listed by its Pod's own address below
    // In a cluster the endpoint's own derived Service's ClusterIP; else its virtual IP when routable.
    const address =
      endpointIp(endpoint.site, endpoint.hostname) ??
      (endpoint.vip === null || isLoopback(endpoint.vip) ? undefined : endpoint.vip);
    if (address === undefined) continue;
    const list = bySite.get(endpoint.site) ?? [];
    list.push({ addresses: [address], hostname: endpoint.hostname, conditions: { ready: true } });
    bySite.set(endpoint.site, list);
  }
  return [
    ...[...bySite.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([site, endpoints]) => slice(names, site, owner, ports, endpoints)),
    ...direct,
  ];
}

/**
 * One slice per source site of the Pods reached directly, so kube-proxy (or any CNI's Service
 * implementation) connects straight to the remote Pod. An EndpointSlice lists the Pods' own
 * ports under the Service ports' names; Pods of one site with another port mapping get a slice
 * of their own. Zone hints and ready/serving carry locality and readiness as for local Pods.
 */
function directSlices(
  view: ServiceView,
  names: ImportNames,
  owner: OwnerReference,
  ports: ServicePort[],
): EndpointSlice[] {
  const groups = new Map<string, { site: string; family: 'IPv4' | 'IPv6'; pods: DirectView[] }>();
  for (const pod of view.direct ?? []) {
    const family = pod.address.includes(':') ? 'IPv6' : 'IPv4';
    const mapping = pod.ports
      .map((p) => `${p.port}:${p.targetPort}`)
      .sort()
      .join(',');
    const key = `${pod.site}|${family}|${mapping}`;
    const group = groups.get(key) ?? { site: pod.site, family, pods: [] };
    group.pods.push(pod);
    groups.set(key, group);
  }
  const counts = new Map<string, number>();
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, g]) => {
      const n = counts.get(g.site) ?? 0;
      counts.set(g.site, n + 1);
      const first = g.pods[0];
      const sliced = ports.flatMap((p) => {
        const target = first?.ports.find((m) => m.port === p.port)?.targetPort;
        return target === undefined ? [] : [{ ...p, port: target }];
      });
      const endpoints = g.pods.map((pod) => ({
        addresses: [pod.address],
        conditions: { ready: pod.ready, serving: pod.serving, terminating: false },
        ...(pod.hostname === undefined ? {} : { hostname: pod.hostname }),
        ...(pod.zone === undefined
          ? {}
          : { zone: pod.zone, hints: { forZones: [{ name: pod.zone }] } }),
      }));
      const source = n === 0 ? `direct-${g.site}` : `direct-${g.site}-${n}`;
      return slice(names, g.site, owner, sliced, endpoints, g.family, source);
    });
}

/** A site-targeted name's Service and its one slice, pointing at the router's listener pinned to that site. */
export interface SiteTarget {
  site: string;
  /** Set for one endpoint of a headless import. */
  hostname?: string;
  service: Service;
  slice: EndpointSlice;
}

/**
 * Per exporting site of a ClusterSetIP import, a selector-less Service whose slice points at the
 * router's import-address ports pinned to that site: its ClusterIP is what the router's DNS
 * answers for `name.namespace.svc.<site>.<zone>`, so any pod reaches that site's share, as the
 * clusterset name reaches the whole. None without an import address (nothing a pod could reach).
 */
export function desiredSiteTargets(
  view: ServiceView,
  names: ImportNames,
  owner: OwnerReference,
): SiteTarget[] {
  if (view.type === 'Headless') return desiredEndpointTargets(view, names, owner);
  return view.sites.flatMap((site) => {
    const target = pinnedTarget(
      view,
      names,
      owner,
      { site },
      (view.siteListeners ?? []).filter((l) => l.site === site),
    );
    return target === undefined ? [] : [target];
  });
}

/**
 * Per endpoint of a headless import, the same: a Service whose ClusterIP reaches the router's
 * listener pinned to that endpoint, so `hostname.site.name.namespace.svc.<zone>` gives a pod an
 * address it reaches (a database peer dials each member by name). The import's own slices carry
 * these ClusterIPs as the endpoints' addresses.
 */
export function desiredEndpointTargets(
  view: ServiceView,
  names: ImportNames,
  owner: OwnerReference,
): SiteTarget[] {
  return view.endpoints.flatMap((endpoint) => {
    const target = pinnedTarget(
      view,
      names,
      owner,
      { site: endpoint.site, hostname: endpoint.hostname },
      endpoint.listeners ?? [],
    );
    return target === undefined ? [] : [target];
  });
}

/** The Service and slice for router listeners pinned to one site (or one endpoint of it). */
function pinnedTarget(
  view: ServiceView,
  names: ImportNames,
  owner: OwnerReference,
  pin: { site: string; hostname?: string },
  listeners: ReadonlyArray<{ port: number; listen: string; protocol?: 'UDP' }>,
): SiteTarget | undefined {
  const ports = carriedPorts(view);
  const site = pin.site;
  const [first] = listeners;
  if (first === undefined) return undefined;
  const address = first.listen.slice(0, first.listen.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  const byPort = new Map(
    listeners.map((l) => [
      `${l.port}/${l.protocol ?? 'TCP'}`,
      Number(l.listen.slice(l.listen.lastIndexOf(':') + 1)),
    ]),
  );
  const routed = ports.flatMap((p) => {
    const port = byPort.get(`${p.port}/${p.protocol}`);
    return port === undefined ? [] : [{ ...p, port }];
  });
  const name = derivedSiteServiceName(
    names.namespace,
    names.name,
    pin.hostname === undefined ? site : `${site}/${pin.hostname}`,
  );
  const labels = {
    [SITE_TARGET_OF_LABEL]: names.name,
    [TARGET_SITE_LABEL]: site,
    ...(pin.hostname === undefined ? {} : { [TARGET_ENDPOINT_LABEL]: pin.hostname }),
    [ImportLabel.managedBy]: MANAGED_BY_CONTROLLER,
  };
  const service = hashed<Service>({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: names.namespace, labels, ownerReferences: [owner] },
    spec: { type: 'ClusterIP', ports: ports.map((p) => ({ ...p, targetPort: p.port })) },
  });
  const addressType = address.includes(':') ? 'IPv6' : 'IPv4';
  const targetSlice = hashed<EndpointSlice>({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: importSliceName(name, names.clusterId),
      namespace: names.namespace,
      labels: { ...labels, [ImportLabel.kubeServiceName]: name },
      ownerReferences: [{ ...owner, controller: false }],
    },
    addressType,
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: routed,
  });
  return {
    site,
    ...(pin.hostname === undefined ? {} : { hostname: pin.hostname }),
    service,
    slice: targetSlice,
  };
}

function slice(
  names: ImportNames,
  source: string,
  owner: OwnerReference,
  ports: EndpointSlice['ports'],
  endpoints: NonNullable<EndpointSlice['endpoints']>,
  addressType: 'IPv4' | 'IPv6' = 'IPv4',
  nameKey = source,
): EndpointSlice {
  return hashed<EndpointSlice>({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: importSliceName(names.derivedName, nameKey),
      namespace: names.namespace,
      labels: {
        [ImportLabel.serviceName]: names.name,
        [ImportLabel.sourceCluster]: source,
        [ImportLabel.managedBy]: MANAGED_BY_CONTROLLER,
        [ImportLabel.kubeServiceName]: names.derivedName,
      },
      ownerReferences: [{ ...owner, controller: false }],
    },
    addressType,
    endpoints,
    ports,
  });
}

/** Adds the hash of the object as an annotation; an object already carrying the same hash need not be written. */
export function hashed<T extends KubeObject>(object: T): T {
  const hash = createHash('sha256').update(JSON.stringify(object)).digest('hex').slice(0, 16);
  return {
    ...object,
    metadata: {
      ...object.metadata,
      annotations: { ...object.metadata.annotations, [APPLIED_HASH_ANNOTATION]: hash },
    },
  };
}

/** True when the live object was written from exactly this desired object. */
export function upToDate(live: KubeObject | undefined, desired: KubeObject): boolean {
  const hash = desired.metadata.annotations?.[APPLIED_HASH_ANNOTATION];
  return (
    live !== undefined &&
    hash !== undefined &&
    live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] === hash
  );
}
