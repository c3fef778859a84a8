/**
 * The Kubernetes objects the controller reads and writes, as they are on the wire (JSON), with
 * only the fields it uses. Timestamps stay strings: they are compared and copied, never computed.
 */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  deletionTimestamp?: string;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface KubeList<T extends KubeObject> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface ServicePortSpec {
  name?: string;
  port: number;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  appProtocol?: string;
  targetPort?: number | string;
}

export interface Service extends KubeObject {
  spec?: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePortSpec[];
    selector?: Record<string, string>;
    sessionAffinity?: 'None' | 'ClientIP';
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    ipFamilies?: Array<'IPv4' | 'IPv6'>;
    internalTrafficPolicy?: string;
    trafficDistribution?: string;
    externalName?: string;
  };
  status?: { loadBalancer?: LoadBalancerStatus };
}

/** Where a load balancer (of a Service or an Ingress) is reached from outside. */
export interface LoadBalancerStatus {
  ingress?: Array<{ ip?: string; hostname?: string }>;
}

export interface IngressBackend {
  service?: { name: string; port?: { name?: string; number?: number } };
}

export interface IngressSpec {
  defaultBackend?: IngressBackend;
  /** k8gb's embedded Ingress spec still says `backend` (networking.k8s.io/v1beta1). */
  backend?: IngressBackend;
  rules?: Array<{
    host?: string;
    http?: { paths?: Array<{ path?: string; pathType?: string; backend?: IngressBackend }> };
  }>;
}

export interface Ingress extends KubeObject {
  spec?: IngressSpec;
  status?: { loadBalancer?: LoadBalancerStatus };
}

/** Gateway API Gateway: only the addresses its controller publishes are read. */
export interface Gateway extends KubeObject {
  status?: { addresses?: Array<{ type?: string; value: string }> };
}

/** Where a site's cluster publishes a GlobalRecord target's address. */
export interface TargetSource {
  kind: 'Service' | 'Ingress' | 'Gateway';
  name: string;
}

export interface GlobalRecordTarget {
  site: string;
  address?: string;
  from?: TargetSource;
  weight?: number;
  region?: string;
}

/** causeway.io/v1alpha1 GlobalRecord (deploy/crds/globalrecords.causeway.io.yaml). */
export interface GlobalRecord extends KubeObject {
  spec?: {
    name?: string;
    zone?: string;
    service?: string;
    strategy?: { type?: string; holdDownSeconds?: number; maxAnswers?: number };
    ttlSeconds?: number;
    noHealthy?: string;
    writerLease?: string;
    targets?: GlobalRecordTarget[];
  };
  status?: { conditions?: Condition[] };
}

/** k8gb.io/v1beta1 Gslb: the fields Causeway maps (k8gb's chart/k8gb/crd/k8gb.io_gslbs.yaml). */
export interface K8gbGslb extends KubeObject {
  spec?: {
    ingress?: IngressSpec;
    resourceRef?: { apiVersion?: string; kind?: string; name?: string; namespace?: string };
    strategy?: {
      type?: string;
      dnsTtlSeconds?: number;
      primaryGeoTag?: string;
      weight?: Record<string, number>;
    };
  };
  status?: Record<string, unknown>;
}

export interface EndpointSliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  zone?: string;
  /** Topology Aware Routing: the zones whose clients should use this endpoint. */
  hints?: { forZones?: Array<{ name: string }> };
  deprecatedTopology?: Record<string, string>;
}

export interface EndpointSlice extends KubeObject {
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: EndpointSliceEndpoint[] | null;
  ports?: Array<{
    name?: string;
    port?: number;
    protocol?: 'TCP' | 'UDP' | 'SCTP';
    appProtocol?: string;
  }> | null;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface ServiceExport extends KubeObject {
  spec?: { exportedLabels?: Record<string, string>; exportedAnnotations?: Record<string, string> };
  status?: { conditions?: Condition[] };
}

export interface ServiceImportSpec {
  type: 'ClusterSetIP' | 'Headless';
  ports: Array<{ name?: string; protocol?: string; appProtocol?: string; port: number }>;
  ips?: string[];
  ipFamilies?: Array<'IPv4' | 'IPv6'>;
  sessionAffinity?: 'None' | 'ClientIP';
  sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
  internalTrafficPolicy?: string;
  trafficDistribution?: string;
}

export interface ServiceImport extends KubeObject {
  spec?: ServiceImportSpec;
  status?: { clusters?: Array<{ cluster: string }>; conditions?: Condition[] };
}

export interface Namespace extends KubeObject {
  status?: { phase?: string };
}

export interface Secret extends KubeObject {
  type?: string;
  data?: Record<string, string>;
}

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

export interface ClusterProperty extends KubeObject {
  spec: { value: string };
}

export interface CustomResourceDefinition extends KubeObject {
  spec: {
    group: string;
    names: { plural: string; kind: string };
    versions: Array<{ name: string; served: boolean; storage: boolean }>;
  };
  status?: { conditions?: Array<{ type: string; status: string }> };
}
