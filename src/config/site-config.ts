import { z } from 'zod';

/** DNS-1123 subdomain: how sites, services and namespaces are named everywhere. */
const dnsName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/, {
    message: 'must be lowercase letters, digits, "-" and ".", each label 1-63 chars, starting and ending alphanumeric',
  });
/** DNS-1123 label: namespaces and service names are single labels in Kubernetes. */
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  message: 'must be a DNS label: lowercase letters, digits and "-", 1-63 chars, starting and ending alphanumeric',
});
const port = z.number().int().min(1).max(65535);
/** `host:port` with IPv4, [IPv6] or a DNS name; port 0 means "pick one" where listening. */
export const hostPort = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
  message: 'must be host:port, e.g. 127.0.0.1:7443 or [::1]:7443',
});

export const LinkConfig = z.strictObject({
  /** Site id of the peer this link goes to (verified against its certificate). */
  peer: dnsName,
  /** Where to dial; tried in order. */
  endpoints: z.array(hostPort).min(1),
  cost: z.number().int().min(1).max(1_000_000).default(1),
  /** Parallel TLS connections for this link. */
  connections: z.number().int().min(1).max(16).default(1),
});
export type LinkConfig = z.infer<typeof LinkConfig>;

export const ExportConfig = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel,
  port,
  /** Backend address for that port. */
  to: hostPort,
  protocol: z.enum(['TCP']).default('TCP'),
  /** Headless service: each export entry is one endpoint, reachable on its own by `hostname`. */
  headless: z.boolean().optional(),
  /** Endpoint name of a headless export: `<hostname>.<site>.<svc>.<ns>.svc.clusterset.local`. */
  hostname: dnsLabel.optional(),
  /** Active checks of the backend by this site; an unhealthy backend is advertised not ready. */
  health: z
    .strictObject({
      type: z.enum(['tcp', 'http', 'none']).default('tcp'),
      path: z.string().startsWith('/').max(2048).default('/'),
      expectStatus: z.number().int().min(100).max(599).default(200),
      intervalMs: z.number().int().min(50).max(600_000).default(500),
      timeoutMs: z.number().int().min(10).max(60_000).default(400),
      unhealthyThreshold: z.number().int().min(1).max(100).default(2),
      healthyThreshold: z.number().int().min(1).max(100).default(2),
    })
    .prefault({}),
  /** When the export was created (ms since epoch): the oldest export wins MCS conflicts. */
  exportedAt: z.number().int().min(0).optional(),
  /** False when the platform says this backend is not ready (a Kubernetes endpoint condition): advertised not ready whatever the checks say. */
  ready: z.boolean().optional(),
  /** Zone of this endpoint when it differs from the site's (Kubernetes endpoint `zone`). */
  zone: z.string().min(1).max(63).optional(),
  /**
   * Whole-service MCS properties, carried on every entry of the service (the first entry wins);
   * they take part in the clusterset's conflict resolution like any exported Service's.
   */
  sessionAffinity: z.enum(['None', 'ClientIP']).optional(),
  sessionAffinityTimeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  trafficDistribution: z.string().min(1).max(64).optional(),
  exportedLabels: z.record(z.string().max(317), z.string().max(63)).optional(),
  exportedAnnotations: z.record(z.string().max(317), z.string().max(65_536)).optional(),
});
export type ExportConfig = z.infer<typeof ExportConfig>;

export const ImportConfig = z.strictObject({
  name: dnsLabel,
  namespace: dnsLabel,
  /** Local address clients connect to. */
  listen: hostPort,
  /** Service port this listener reaches; defaults to the service's only port. */
  port: port.optional(),
  /** Reach only this site's endpoints (site-targeted import); default: every exporting site. */
  site: dnsName.optional(),
  /** With `site`: reach only this endpoint of a headless service. */
  endpoint: dnsLabel.optional(),
});
export type ImportConfig = z.infer<typeof ImportConfig>;

/** How this site picks among a service's endpoints for new flows (the importing side decides). */
export const PolicyConfig = z.strictObject({
  service: dnsLabel,
  namespace: dnsLabel,
  /** PreferClose: same zone, then same region, then anywhere (Kubernetes trafficDistribution). */
  locality: z.enum(['PreferClose', 'Any']).default('Any'),
  /** Cilium's service.cilium.io/affinity meaning, graded: local or remote endpoints first. */
  affinity: z.enum(['none', 'local', 'remote']).default('none'),
  /** Outstanding flows per endpoint above which a tier spills gradually to the next one. */
  overloadThreshold: z.number().int().min(1).max(1_000_000).optional(),
  /** Ordered label keys for failover tiers, like Istio failoverPriority (site, region, zone, custom). */
  failoverPriority: z.array(z.string().min(1).max(317)).max(8).optional(),
  siteWeights: z.record(dnsName, z.number().min(0).max(10_000)).optional(),
  sessionAffinity: z.strictObject({ type: z.literal('ClientIP'), timeoutSeconds: z.number().int().min(1).max(86_400).default(10_800) }).optional(),
});
export type PolicyConfig = z.infer<typeof PolicyConfig>;

export const SiteConfig = z.strictObject({
  apiVersion: z.literal('causeway.io/v1alpha1'),
  kind: z.literal('Site'),
  site: z.strictObject({
    id: dnsName,
    zone: z.string().min(1).max(63),
    region: z.string().min(1).max(63),
    trustDomain: dnsName,
  }),
  link: z
    .strictObject({
      /** Address the link listener binds; port 0 picks a free port (reported by `status`). */
      listen: hostPort.default('0.0.0.0:7443'),
      /** Addresses other sites dial, written into tokens; defaults to the listen address. */
      advertise: z.array(hostPort).default([]),
      pingIntervalMs: z.number().int().min(20).max(60_000).default(200),
      deadAfterMs: z.number().int().min(100).max(600_000).default(900),
    })
    .prefault({}),
  dataPlane: z
    .strictObject({
      connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
      idleTimeoutMs: z.number().int().min(0).max(86_400_000).default(3_600_000),
    })
    .prefault({}),
  routing: z
    .strictObject({
      /** An unreachable site's adverts (and so its services) are forgotten after this long. */
      staleAfterMs: z.number().int().min(1_000).max(86_400_000).default(30_000),
    })
    .prefault({}),
  services: z
    .strictObject({
      /** Clusterset virtual IPs for imported services are taken from here (127/8 needs no root on Linux). */
      addressPool: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { message: 'must be an IPv4 CIDR such as 127.240.0.0/16' }).default('127.240.0.0/16'),
      /** Listen on a virtual IP for every clusterset service whose namespace is present here. */
      autoImport: z.boolean().default(true),
    })
    .prefault({}),
  dns: z
    .strictObject({
      /** Authoritative DNS for the clusterset zone, UDP and TCP; empty string turns it off. */
      listen: z.union([hostPort, z.literal('')]).default('127.0.0.1:0'),
      zone: dnsName.default('clusterset.local'),
      /** `<svc>.<ns>.svc.<site-id>.<targetedSuffix>` reaches one site's endpoints only. */
      targetedSuffix: dnsName.default('causeway'),
      ttl: z.number().int().min(0).max(3600).default(5),
    })
    .prefault({}),
  partition: z
    .strictObject({
      /** Written (with the partition report) while this site is on the minority side; removed otherwise. */
      safeModeFile: z.string().min(1).max(4096).optional(),
    })
    .prefault({}),
  /** Namespaces present at this site besides those of its exports and imports (MCS namespace sameness). */
  namespaces: z.array(dnsLabel).default([]),
  links: z.array(LinkConfig).default([]),
  exports: z.array(ExportConfig).default([]),
  policies: z.array(PolicyConfig).default([]),
  imports: z.array(ImportConfig).default([]),
});
export type SiteConfig = z.infer<typeof SiteConfig>;
export type SiteConfigInput = z.input<typeof SiteConfig>;
