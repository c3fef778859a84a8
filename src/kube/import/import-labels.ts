/** Well-known labels and annotations of MCS objects (mcs-api `well_known_labels.go`) and Causeway's own. */
export const ImportLabel = {
  /** The ServiceImport an EndpointSlice or derived Service belongs to. */
  serviceName: 'multicluster.kubernetes.io/service-name',
  /** The cluster whose endpoints an EndpointSlice holds. */
  sourceCluster: 'multicluster.kubernetes.io/source-cluster',
  /** Tells the EndpointSlice controller (and MCS conformance) the slice is not its own. */
  managedBy: 'endpointslice.kubernetes.io/managed-by',
  /** The Service kube-proxy programs a slice for. */
  kubeServiceName: 'kubernetes.io/service-name',
} as const;

/** A label value (no '/' allowed there), in the style of `endpointslice-controller.k8s.io`. */
export const MANAGED_BY_CONTROLLER = 'controller.causeway.io';

/** On a ServiceImport: the Service whose ClusterIP became its `spec.ips` (as the mcs-api reference controller). */
export const DERIVED_SERVICE_ANNOTATION = 'multicluster.kubernetes.io/derived-service';

/** Hash of what the controller last applied, so an unchanged object is not written again. */
export const APPLIED_HASH_ANNOTATION = 'causeway.io/applied-hash';

/** Marks a global-service slice, added to an ordinary Service beside its own endpoints. */
export const GLOBAL_SLICE_LABEL = 'causeway.io/global-service';

/**
 * On a site-targeted derived Service and its slice: the clusterset service they serve. Not the
 * MCS `service-name` label, so MCS tools counting an import's slices see only the import's own.
 */
export const SITE_TARGET_OF_LABEL = 'causeway.io/site-target-of';

/** On a site-targeted derived Service and its slice: the exporting site its name targets. */
export const TARGET_SITE_LABEL = 'causeway.io/target-site';

/** On a per-endpoint derived Service of a headless import and its slice: the endpoint's hostname. */
export const TARGET_ENDPOINT_LABEL = 'causeway.io/target-endpoint';
