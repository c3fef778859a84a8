/** One service as the DNS server sees it at this site; built from the clusterset model by the caller. */
export interface DnsServiceView {
  type: 'ClusterSetIP' | 'Headless';
  /** ClusterSetIP: this site's virtual IPs for the service (v4 and/or v6). Empty for Headless. */
  ips: string[];
  ports: Array<{ name?: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }>;
  /** Ready endpoints by exporting site (Headless answers; site-targeted names use them for ClusterSetIP too). */
  endpoints: Array<{ site: string; hostname: string; addresses: string[] }>;
  /** For site-targeted names on ClusterSetIP services: per-site virtual IPs at this site, if any. */
  siteIps?: Record<string, string[]>;
}

/** The read-only clusterset data the DNS server answers from; every call must be cheap and synchronous. */
export interface DnsView {
  /** undefined when the service is unknown or not imported here (namespace not present locally). */
  service(name: string, namespace: string): DnsServiceView | undefined;
  namespaceExists(namespace: string): boolean;
  sites(): ReadonlySet<string>;
  /**
   * Optional change counter, used as the SOA serial so secondaries and caches can tell the data moved.
   * Must fit in 32 bits; without it the serial is fixed at 1.
   */
  version?(): number;
}
