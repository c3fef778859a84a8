/** How a clusterset service is reached: through a virtual IP, or straight at its endpoints (KEP-1645 `spec.type`). */
export type ServiceType = 'ClusterSetIP' | 'Headless';

export type PortProtocol = 'TCP' | 'UDP' | 'SCTP';

export type IpFamily = 'IPv4' | 'IPv6';

/** A port as ServiceImport carries it: no targetPort/nodePort, those stay local to the exporting site. */
export interface ServicePort {
  name?: string;
  port: number;
  protocol: PortProtocol;
  appProtocol?: string;
}

/** One backend of an exported service; only `ready` ones receive traffic or appear in DNS. */
export interface ServiceEndpoint {
  addresses: string[];
  hostname?: string;
  zone?: string;
  ready: boolean;
  weight?: number;
}

/** One site's export of one service (what a site advertises). */
export interface SiteExport {
  site: string;
  name: string;
  namespace: string;
  /** Headless when the exported Service has `clusterIP: None`. */
  type: ServiceType;
  ports: ServicePort[];
  /** Creation time of the export (ms since epoch); the oldest export wins conflicts. */
  exportedAt: number;
  sessionAffinity: 'None' | 'ClientIP';
  sessionAffinityTimeoutSeconds?: number;
  internalTrafficPolicy?: string;
  trafficDistribution?: string;
  ipFamilies?: IpFamily[];
  /** The only source of ServiceImport labels: Service/ServiceExport metadata is never copied (KEP §Exporting Services). */
  exportedLabels?: Record<string, string>;
  exportedAnnotations?: Record<string, string>;
  endpoints: ServiceEndpoint[];
}
