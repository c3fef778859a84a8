/** Where a kind of object lives in the API: enough to build its collection and object paths. */
export interface Resource {
  group: string;
  version: string;
  plural: string;
  namespaced: boolean;
  kind: string;
}

/** The API group of the Multi-Cluster Services CRDs (KEP-1645). */
export const MCS_GROUP = 'multicluster.x-k8s.io';

/** Causeway's own API group (GlobalRecord). */
export const CAUSEWAY_GROUP = 'causeway.io';

export const Resources = {
  namespaces: {
    group: '',
    version: 'v1',
    plural: 'namespaces',
    namespaced: false,
    kind: 'Namespace',
  },
  services: { group: '', version: 'v1', plural: 'services', namespaced: true, kind: 'Service' },
  secrets: { group: '', version: 'v1', plural: 'secrets', namespaced: true, kind: 'Secret' },
  events: { group: '', version: 'v1', plural: 'events', namespaced: true, kind: 'Event' },
  endpointSlices: {
    group: 'discovery.k8s.io',
    version: 'v1',
    plural: 'endpointslices',
    namespaced: true,
    kind: 'EndpointSlice',
  },
  leases: {
    group: 'coordination.k8s.io',
    version: 'v1',
    plural: 'leases',
    namespaced: true,
    kind: 'Lease',
  },
  crds: {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    plural: 'customresourcedefinitions',
    namespaced: false,
    kind: 'CustomResourceDefinition',
  },
  clusterProperties: {
    group: 'about.k8s.io',
    version: 'v1alpha1',
    plural: 'clusterproperties',
    namespaced: false,
    kind: 'ClusterProperty',
  },
  globalRecords: {
    group: CAUSEWAY_GROUP,
    version: 'v1alpha1',
    plural: 'globalrecords',
    namespaced: true,
    kind: 'GlobalRecord',
  },
  /** k8gb's resource, read so its users move over unchanged (never installed by Causeway). */
  k8gbGslbs: {
    group: 'k8gb.io',
    version: 'v1beta1',
    plural: 'gslbs',
    namespaced: true,
    kind: 'Gslb',
  },
  ingresses: {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    namespaced: true,
    kind: 'Ingress',
  },
  gateways: {
    group: 'gateway.networking.k8s.io',
    version: 'v1',
    plural: 'gateways',
    namespaced: true,
    kind: 'Gateway',
  },
} as const satisfies Record<string, Resource>;

/** ServiceExport in the MCS version this cluster serves (v1beta1 preferred). */
export function serviceExports(version: string): Resource {
  return {
    group: MCS_GROUP,
    version,
    plural: 'serviceexports',
    namespaced: true,
    kind: 'ServiceExport',
  };
}

export function serviceImports(version: string): Resource {
  return {
    group: MCS_GROUP,
    version,
    plural: 'serviceimports',
    namespaced: true,
    kind: 'ServiceImport',
  };
}

export function apiVersionOf(resource: Resource): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`;
}

/** `/api/v1/namespaces/shop/services`, or across namespaces without one. */
export function collectionPath(resource: Resource, namespace?: string): string {
  const base =
    resource.group === ''
      ? `/api/${resource.version}`
      : `/apis/${resource.group}/${resource.version}`;
  return resource.namespaced && namespace !== undefined
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`
    : `${base}/${resource.plural}`;
}

export function objectPath(resource: Resource, name: string, namespace?: string): string {
  return `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`;
}
