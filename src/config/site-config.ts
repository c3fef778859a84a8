import { isIP } from 'node:net';
import { z } from 'zod';
import { parseCidrBlock } from '../network/index.js';
import { DEFAULT_SESSION_TIMING } from '../transport/index.js';
import { HttpRouteConfig } from './http-route-config.js';

/** DNS-1123 subdomain: how sites, services and namespaces are named everywhere. */
const dnsName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/, {
    message:
      'must be lowercase letters, digits, "-" and ".", each label 1-63 chars, starting and ending alphanumeric',
  });
/** DNS-1123 label: namespaces and service names are single labels in Kubernetes. */
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  message:
    'must be a DNS label: lowercase letters, digits and "-", 1-63 chars, starting and ending alphanumeric',
});
const port = z.number().int().min(1).max(65535);
/** An IPv4 or IPv6 address literal (no brackets, no port): what a listener binds. */
export const ipLiteral = z.string().refine((v) => isIP(v) !== 0, {
  message: 'must be an IP address such as 10.0.3.7 or fd00::7 (no port)',
});
/** `first-last`, both within 1024-65535: ports a site allocates for its own listeners. */
const portRange = z
  .string()
  .regex(/^\d{4,5}-\d{4,5}$/, { message: 'must be a port range first-last, e.g. 20000-29999' })
  .refine(
    (v) => {
      const [first = 0, last = 0] = v.split('-').map(Number);
      return first >= 1024 && last <= 65535 && first <= last;
    },
    { message: 'must be a port range first-last with 1024 <= first <= last <= 65535' },
  );
/** `host:port` with IPv4, [IPv6] or a DNS name; port 0 means "pick one" where listening. */
export const hostPort = z
  .string()
  .regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/, {
    message: 'must be host:port, e.g. 127.0.0.1:7443 or [::1]:7443',
  })
  .refine((v) => Number(v.slice(v.lastIndexOf(':') + 1)) <= 65535, {
    message: 'port must be 0-65535 (0 picks a free port where listening)',
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

/** Lease names become etcd keys and JSON keys, so they keep to a safe alphabet; the lease area checks the same pattern. */
export const LEASE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const leaseName = z.string().regex(LEASE_NAME_PATTERN, {
  message:
    'must be a lease name: letters, digits, ".", "_" and "-", at most 128 characters, e.g. payments-writer',
});
/** An HTTP method is a token (RFC 9110 §9.1); methods are case-sensitive, so none is upper-cased. */
const httpMethod = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,32}$/, { message: 'must be an HTTP method such as GET' });
/** Methods that never change state (RFC 9110 §9.2.1) and so may go to any endpoint. */
export const DEFAULT_READ_METHODS = ['GET', 'HEAD', 'OPTIONS'] as const;

/** A Kubernetes Service port name: a DNS label (Service validation, not the IANA 15-character rule of container ports). */
const servicePortName = dnsLabel;
/** A port's `appProtocol`; at most what an advert carries. */
const appProtocol = z.string().min(1).max(253);
/**
 * The one `http` marker: an export's `protocol: http`, and the `appProtocol` that makes importing
 * routers parse HTTP/1.1 (only `protocol: http` exports advertise it).
 */
export const HTTP_PROTOCOL = 'http';

/** A port the service lists (in every ServiceImport) but Causeway does not carry: SCTP (UDP is still accepted here, listed only). */
export const UncarriedPort = z.strictObject({
  name: servicePortName.optional(),
  port,
  protocol: z.enum(['UDP', 'SCTP']),
  appProtocol: appProtocol.optional(),
});
export type UncarriedPort = z.infer<typeof UncarriedPort>;

export const ExportConfig = z
  .strictObject({
    name: dnsLabel,
    namespace: dnsLabel,
    port,
    /** Backend address for that port. */
    to: hostPort,
    /** Name the port is advertised with (a Kubernetes Service port's); '' advertises it unnamed; absent: `tcp-<port>`, or `http-<port>`. */
    portName: z.union([servicePortName, z.literal('')]).optional(),
    /**
     * `http`: importing routers parse HTTP/1.1 and choose a destination per request, not per
     * connection. `UDP`: datagrams, each client address and port a session of its own.
     */
    protocol: z.enum(['TCP', 'UDP', HTTP_PROTOCOL]).default('TCP'),
    /** Application protocol the port is listed with (a Kubernetes Service port's); `protocol: http` ports are listed as `http`. */
    appProtocol: appProtocol.optional(),
    /** `single-writer`: writes go only to the site holding `lease`, reads to the nearest endpoint. */
    writes: z.enum(['any', 'single-writer']).optional(),
    /** With single-writer: the lease whose holder is the one site that takes writes. */
    lease: leaseName.optional(),
    /** With single-writer: the methods that are reads (default GET, HEAD, OPTIONS); every other method is a write. */
    readMethods: z.array(httpMethod).min(1).max(32).optional(),
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
    internalTrafficPolicy: z.string().min(1).max(32).optional(),
    trafficDistribution: z.string().min(1).max(64).optional(),
    /** SCTP ports of the service: listed with its ports, so every cluster sees the same ports, but not carried (UDP ports are exports of their own). */
    uncarriedPorts: z.array(UncarriedPort).max(255).optional(),
    exportedLabels: z.record(z.string().max(317), z.string().max(63)).optional(),
    exportedAnnotations: z.record(z.string().max(317), z.string().max(65_536)).optional(),
  })
  .superRefine((e, ctx) => {
    const single = e.writes === 'single-writer';
    if (single && e.protocol !== HTTP_PROTOCOL)
      ctx.addIssue({
        code: 'custom',
        path: ['protocol'],
        message:
          'writes: single-writer needs protocol: http (reads and writes are told apart by HTTP method)',
      });
    if (single && e.lease === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['lease'],
        message:
          'writes: single-writer needs the lease whose holder takes the writes, e.g. lease: payments-writer',
      });
    if (!single && e.lease !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['lease'],
        message: 'lease only applies with writes: single-writer',
      });
    if (!single && e.readMethods !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['readMethods'],
        message: 'readMethods only applies with writes: single-writer',
      });
    if (e.appProtocol !== undefined && e.protocol === HTTP_PROTOCOL)
      ctx.addIssue({
        code: 'custom',
        path: ['appProtocol'],
        message: 'protocol: http exports are listed with appProtocol http; leave appProtocol out',
      });
    else if (e.appProtocol === HTTP_PROTOCOL)
      ctx.addIssue({
        code: 'custom',
        path: ['appProtocol'],
        message:
          'appProtocol http makes importers parse HTTP/1.1: export with protocol: http instead',
      });
    checkPortNames(e, ctx);
  });
export type ExportConfig = z.infer<typeof ExportConfig>;

/** Ports of one service need distinct names and distinct protocol+number pairs (as in a Kubernetes Service). */
function checkPortNames(
  e: Pick<ExportConfig, 'portName' | 'uncarriedPorts'>,
  ctx: z.RefinementCtx,
): void {
  const names = new Set(e.portName === undefined || e.portName === '' ? [] : [e.portName]);
  const keys = new Set<string>();
  for (const [i, p] of (e.uncarriedPorts ?? []).entries()) {
    if (p.name !== undefined && names.has(p.name))
      ctx.addIssue({
        code: 'custom',
        path: ['uncarriedPorts', i, 'name'],
        message: `port name ${p.name} is taken by another port of the service`,
      });
    if (keys.has(`${p.port}/${p.protocol}`))
      ctx.addIssue({
        code: 'custom',
        path: ['uncarriedPorts', i],
        message: `${p.port}/${p.protocol} is listed twice`,
      });
    if (p.name !== undefined) names.add(p.name);
    keys.add(`${p.port}/${p.protocol}`);
  }
}

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
  /** `UDP` listens for datagrams on `listen` and reaches the service's UDP port; default TCP. */
  protocol: z.enum(['TCP', 'UDP']).optional(),
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
  sessionAffinity: z
    .strictObject({
      type: z.literal('ClientIP'),
      timeoutSeconds: z.number().int().min(1).max(86_400).default(10_800),
    })
    .optional(),
});
export type PolicyConfig = z.infer<typeof PolicyConfig>;

/** `address/prefix`, IPv4 or IPv6: a block of client addresses an access rule admits. */
const sourceCidr = z.string().refine(
  (v) => {
    const [address = '', prefix, extra] = v.split('/');
    const family = isIP(address);
    return (
      family !== 0 &&
      extra === undefined &&
      prefix !== undefined &&
      /^\d{1,3}$/.test(prefix) &&
      Number(prefix) <= (family === 4 ? 32 : 128)
    );
  },
  { message: 'must be a CIDR such as 10.0.0.0/8 or fd00::/64' },
);

/**
 * Who may import a service this site exports and open flows to it (allow-only, decided here at
 * the exporting site). A rule admits one site, and within it, when `sources` is given, only
 * clients whose address is in one of the blocks. A policy without rules admits nobody.
 */
export const AccessPolicyConfig = z.strictObject({
  service: dnsLabel,
  namespace: dnsLabel,
  allow: z
    .array(
      z.strictObject({
        site: dnsName,
        sources: z.array(sourceCidr).max(64).optional(),
      }),
    )
    .max(1_000),
});
export type AccessPolicyConfig = z.infer<typeof AccessPolicyConfig>;
/** A CIDR block with its host bits clear, e.g. 10.244.0.0/16 or fd00:10::/64. */
const cidrBlock = z
  .string()
  .max(64)
  .superRefine((v, ctx) => {
    try {
      parseCidrBlock(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
    }
  });

/** This site's address space, advertised to the clusterset so every site plans and routes the same way. */
export const NetworkConfig = z.strictObject({
  /** Pod CIDRs of the cluster (nodes' podCIDRs, or the cluster CIDR). */
  pods: z.array(cidrBlock).max(64).default([]),
  /** Service (ClusterIP) CIDRs. */
  services: z.array(cidrBlock).max(16).default([]),
  /** Node address blocks. */
  nodes: z.array(cidrBlock).max(256).default([]),
  /**
   * Pods of other sites in `domain` reach this site's pods by their own addresses (VPC peering, a
   * Transit Gateway, routes): imports from such sites may go pod to pod once a probe confirms it.
   */
  routable: z.boolean().default(false),
  /** The routed domain: sites route pod to pod only within one. */
  domain: dnsName.default('default'),
  /** For the plan's advice: cloud provider (aws, gcp, azure, on-prem), CNI, compliance. */
  cloud: z.string().min(1).max(63).optional(),
  cni: z.string().min(1).max(63).optional(),
  compliance: z.enum(['low', 'high']).optional(),
});
export type NetworkConfig = z.infer<typeof NetworkConfig>;
/** A rate for bytes that cross a boundary, in US dollars per GiB: the sender's side and the receiver's side. */
const TransferRate = z.strictObject({
  outPerGb: z.number().min(0).max(100),
  /** AWS bills cross-AZ bytes on both sides: $0.01/GB out of one zone and $0.01/GB into the other. */
  inPerGb: z.number().min(0).max(100).default(0),
});

export const CostConfig = z.strictObject({
  /** Whose list prices are the base table (`causeway cost --help` lists them with their sources). */
  prices: z.enum(['aws', 'gcp', 'none']).default('aws'),
  /** Overrides the base table's rate between zones of one region. */
  crossZone: TransferRate.optional(),
  /** Overrides the base table's rate between regions. */
  crossRegion: TransferRate.optional(),
  /** Rates for particular region pairs (first match wins; `from`/`to` are region names, `*` any). */
  regionPairs: z
    .array(TransferRate.extend({ from: z.string().min(1).max(63), to: z.string().min(1).max(63) }))
    .max(256)
    .default([]),
});
export type CostConfig = z.infer<typeof CostConfig>;

export const AccessLogConfig = z.strictObject({
  /** `stdout`, a file path (appended to), or absent for no access log. */
  to: z.string().min(1).max(4096).optional(),
  /** Share of flows and requests logged, 0-1; 1 logs every one (refusals are always logged). */
  sample: z.number().min(0).max(1).default(1),
});
export type AccessLogConfig = z.infer<typeof AccessLogConfig>;

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
      /** Address the link listener binds; port 0 picks a free port at first start, kept in link-port.json (reported by `status`). */
      listen: hostPort.default('0.0.0.0:7443'),
      /** Addresses other sites dial, written into tokens; defaults to the listen address. */
      advertise: z.array(hostPort).default([]),
      // The session's own defaults, so a link built without a config times out like a configured one.
      pingIntervalMs: z
        .number()
        .int()
        .min(20)
        .max(60_000)
        .default(DEFAULT_SESSION_TIMING.pingIntervalMs),
      deadAfterMs: z
        .number()
        .int()
        .min(100)
        .max(600_000)
        .default(DEFAULT_SESSION_TIMING.deadAfterMs),
      /**
       * New connections per second one source address may open on the link port (token bucket,
       * checked before the TLS handshake); beyond it they are closed unread.
       */
      handshakesPerSecond: z.number().min(0.1).max(100_000).default(20),
      /** Connections a source may open at once before the rate applies (a router reconnecting its links). */
      handshakeBurst: z.number().int().min(1).max(100_000).default(40),
    })
    .prefault({}),
  dataPlane: z
    .strictObject({
      connectTimeoutMs: z.number().int().min(100).max(120_000).default(5_000),
      idleTimeoutMs: z.number().int().min(0).max(86_400_000).default(3_600_000),
      /** Limits of HTTP/1.1 import listeners (services exported with protocol: http). */
      http: z
        .strictObject({
          /** Request line plus headers; larger requests get 431. */
          maxHeaderBytes: z.number().int().min(1_024).max(1_048_576).default(16_384),
          /** A client must finish sending headers within this (slow-header attacks get 408). */
          headersTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
          /** A client must finish sending the whole request within this. */
          requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
          /** An idle client connection is closed after this. */
          keepAliveTimeoutMs: z.number().int().min(100).max(600_000).default(5_000),
          /** The backend must start answering within this, else 504. */
          responseTimeoutMs: z.number().int().min(100).max(3_600_000).default(30_000),
        })
        .prefault({}),
      /** UDP imports and exports: each client address and port is a session of its own. */
      udp: z
        .strictObject({
          /** A session that has only seen datagrams one way ends after this much silence (conntrack's udp_timeout). */
          idleTimeoutMs: z.number().int().min(100).max(86_400_000).default(30_000),
          /** Once replies came back, a session lasts this long idle (conntrack's udp_timeout_stream). */
          streamTimeoutMs: z.number().int().min(100).max(86_400_000).default(120_000),
          /** Sessions per import listener; datagrams from a client beyond this are dropped and counted. */
          maxSessions: z.number().int().min(1).max(1_000_000).default(16_384),
          /** Bytes waiting for a link connection above which datagrams are dropped instead of queued. */
          linkQueueBytes: z.number().int().min(65_536).max(67_108_864).default(1_048_576),
        })
        .prefault({}),
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
      addressPool: z
        .string()
        .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, {
          message: 'must be an IPv4 CIDR such as 127.240.0.0/16',
        })
        .default('127.240.0.0/16'),
      /** Listen on a virtual IP for every clusterset service whose namespace is present here. */
      autoImport: z.boolean().default(true),
      /**
       * An address of this host that other machines reach (in Kubernetes, the router pod's IP).
       * Set, every port of every imported ClusterSetIP service also listens here, on a port of its
       * own from `importPorts`: the one address a pod network routes to a router pod carries them all.
       */
      importAddress: ipLiteral.optional(),
      /** Ports handed out on `importAddress`, `first-last`; an allocation lasts as long as the import. */
      importPorts: portRange.default('20000-29999'),
      /**
       * Addresses DNS answers for a ClusterSetIP service instead of its virtual IP, keyed
       * `namespace/name`: in Kubernetes the controller puts the ClusterIP of the derived Service
       * here (through managed.json), the address pods reach through kube-proxy.
       */
      clustersetIps: z
        .record(
          z.string().regex(/^[a-z0-9-]{1,63}\/[a-z0-9-]{1,63}$/, {
            message: 'keys must be namespace/name',
          }),
          z.array(ipLiteral).max(2),
        )
        .default({}),
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
  /** The web console served by the router itself; off unless `listen` is set. */
  console: z
    .strictObject({
      /** host:port of the console, e.g. 0.0.0.0:7480 behind the router Service; empty: off. */
      listen: z.union([hostPort, z.literal('')]).default(''),
      /** File holding the token every console request must carry (a mounted Secret). */
      tokenFile: z.string().min(1).max(4096).optional(),
    })
    .prefault({})
    .superRefine((c, ctx) => {
      if (c.listen !== '' && c.tokenFile === undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['tokenFile'],
          message: 'a console with listen set needs tokenFile: it is never served without a token',
        });
    }),
  /** Where leases live: the store single-writer routing watches and `--hold-lease` acquires in. */
  leases: z
    .strictObject({
      backend: z.enum(['embedded', 'etcd']).default('embedded'),
      /** etcd client URLs, e.g. http://10.0.0.5:2379 (backend: etcd). */
      endpoints: z
        .array(z.url({ protocol: /^https?$/ }))
        .max(16)
        .default([]),
      /** Embedded backend: the JSON file the sites of one host share (default: <site dir>/leases.json). */
      file: z.string().min(1).max(4096).optional(),
      /** Leases this site keeps acquiring and renewing while it is on the majority side. */
      hold: z.array(leaseName).max(64).default([]),
      /** How long a held lease lasts without renewal; renewed every third of it. */
      ttlMs: z.number().int().min(500).max(600_000).default(5_000),
    })
    .prefault({})
    .superRefine((l, ctx) => {
      if (l.backend === 'etcd' && l.endpoints.length === 0)
        ctx.addIssue({
          code: 'custom',
          path: ['endpoints'],
          message: 'backend: etcd needs at least one client URL, e.g. [http://127.0.0.1:2379]',
        });
    }),
  network: NetworkConfig.prefault({}),
  /** What cross-zone and cross-region bytes cost: a cloud's list prices, with this site's own rates over them. */
  cost: CostConfig.prefault({}),
  /** One structured line per flow and per HTTP request, to a file or stdout; off unless set. */
  accessLog: AccessLogConfig.prefault({}),
  /** Namespaces present at this site besides those of its exports and imports (MCS namespace sameness). */
  namespaces: z.array(dnsLabel).default([]),
  links: z.array(LinkConfig).default([]),
  exports: z.array(ExportConfig).default([]),
  policies: z.array(PolicyConfig).default([]),
  /** Access policies of this site's exports; a service without one may be imported by every member (MCS). */
  access: z.array(AccessPolicyConfig).default([]),
  imports: z.array(ImportConfig).default([]),
  /** Routing rules of HTTP services imported here (matches, weights, timeouts, retries, header edits, mirrors). */
  routes: z
    .array(HttpRouteConfig)
    .max(1024)
    .default([])
    .superRefine((routes, ctx) => {
      const seen = new Set<string>();
      for (const [i, r] of routes.entries()) {
        const key = `${r.namespace}/${r.name}`;
        if (seen.has(key))
          ctx.addIssue({
            code: 'custom',
            path: [i, 'name'],
            message: `route ${key} is defined twice`,
          });
        seen.add(key);
      }
    }),
});
export type SiteConfig = z.infer<typeof SiteConfig>;
export type SiteConfigInput = z.input<typeof SiteConfig>;
