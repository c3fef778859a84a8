import { isIP } from 'node:net';
import { z } from 'zod';

// Names are kept lowercase without a trailing dot, as the DNS answer code compares them.
const domainName = z
  .string()
  .transform((v) => v.replace(/\.$/, '').toLowerCase())
  .refine(
    (v) =>
      /^(?=.{1,253}$)([a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([-a-z0-9_]{0,61}[a-z0-9_])?)*$/.test(
        v,
      ),
    {
      message: 'must be a domain name such as api.gslb.example.com',
    },
  );
const address = z.string().refine((v) => isIP(v) !== 0, {
  message: 'must be an IP address such as 192.0.2.10 or 2001:db8::10',
});
const region = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { message: 'must be a region name such as eu-west' });
const cidr = z
  .string()
  .regex(/^[0-9a-fA-F:.]+\/\d{1,3}$/, { message: 'must be a CIDR block such as 10.1.0.0/16' });

export const STRATEGIES = ['failover', 'weighted', 'geo', 'latency', 'all-healthy'] as const;
export type Strategy = (typeof STRATEGIES)[number];

/** What one site offers to the outside for a record: the address clients are sent to. */
export const GslbTarget = z.strictObject({
  site: z.string().min(1).max(63),
  address,
  /** weighted: share of clients; 0 drains the site (it gets none while another is healthy). */
  weight: z.number().int().min(0).max(65535).default(1),
  /** geo and latency: where the site is; defaults to the site id. */
  region: region.optional(),
});
export type GslbTarget = z.infer<typeof GslbTarget>;

/**
 * An active check of every target of a record, run by every `gslb serve` listed as a checker; a
 * site is healthy when at least `healthyShare` of the checkers that report it say so (as Route 53
 * counts its checkers), besides its clusterset readiness.
 */
export const HealthCheck = z.strictObject({
  protocol: z.enum(['tcp', 'http', 'https']).default('tcp'),
  port: z.number().int().min(1).max(65535),
  /** http(s): the path asked for; any 2xx or 3xx status is healthy. */
  path: z
    .string()
    .regex(/^\/[\x21-\x7e]*$/, { message: 'must be a path such as /healthz' })
    .max(1024)
    .default('/'),
  intervalSeconds: z.number().int().min(1).max(300).default(1),
  timeoutMs: z.number().int().min(50).max(30_000).default(800),
  /** Consecutive results before a checker changes its mind, so one lost probe is not a failover. */
  failureThreshold: z.number().int().min(1).max(10).default(2),
  healthyShare: z.number().min(0).max(1).default(0.5),
});
export type HealthCheck = z.infer<typeof HealthCheck>;

/** One global name: which service's readiness decides health, and how a healthy site is chosen. */
export const GslbRecord = z.strictObject({
  name: domainName,
  /** The clusterset service whose ready endpoints make a site healthy (`namespace/name`). */
  service: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, {
    message: 'must be namespace/name of a clusterset service, such as shop/web',
  }),
  strategy: z.enum(STRATEGIES).default('failover'),
  /** Seconds resolvers may cache the answer; short so clients move within detection + TTL. */
  ttl: z.number().int().min(0).max(86400).default(5),
  /** No healthy site: answer every target (fail open) or SERVFAIL. */
  noHealthy: z.enum(['fail-open', 'servfail']).default('fail-open'),
  /** failover: how long a recovered earlier site must stay healthy before traffic goes back to it. */
  holdDownSeconds: z.number().int().min(0).max(86400).default(30),
  /** all-healthy: at most this many addresses per answer. */
  maxAnswers: z.number().int().min(1).max(64).default(8),
  targets: z.array(GslbTarget).min(1),
  healthCheck: HealthCheck.optional(),
  /**
   * Single-writer services: answer only the healthy site holding this lease (the writers' name
   * follows the lease holder); with no live holder known, the strategy decides.
   */
  writerLease: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: 'must be a lease name such as shop-db' })
    .max(253)
    .optional(),
  /**
   * Who owns the record when not `gslb set`: `kube:<Kind>/<namespace>/<name>` for one the
   * Kubernetes controller writes from a GlobalRecord or a k8gb Gslb (it replaces those, never others).
   */
  source: z.string().max(600).optional(),
});
export type GslbRecord = z.infer<typeof GslbRecord>;
export type GslbRecordInput = z.input<typeof GslbRecord>;

export const NameServer = z.strictObject({ name: domainName, address });
export type NameServer = z.infer<typeof NameServer>;

/** The file `causeway gslb` edits and `gslb serve` answers from. */
export const GslbConfig = z
  .strictObject({
    zone: domainName,
    /** The zone's name servers: NS records at the apex, glue (A/AAAA) for those inside the zone. */
    nameServers: z.array(NameServer).min(1),
    /** Site directories of the routers whose clusterset views feed health. */
    routers: z.array(z.string().min(1)).default([]),
    /** geo and latency: client address → region, longest prefix first; `defaultRegion` for the rest. */
    geo: z
      .strictObject({
        cidrs: z.array(z.strictObject({ cidr, region })).default([]),
        defaultRegion: region.optional(),
      })
      .default({ cidrs: [] }),
    /** latency: milliseconds from a client region to a site region; measured link RTTs fill the gaps. */
    latency: z.record(region, z.record(region, z.number().min(0).max(100_000))).default({}),
    records: z.array(GslbRecord).default([]),
    /**
     * Every `gslb serve --metrics host:port` that runs health checks: each polls the others'
     * `/v1/checks`, so every server counts the same votes.
     */
    checkers: z
      .array(z.string().regex(/^[^\s/]+:\d{1,5}$/, { message: 'must be host:port' }))
      .default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.records.forEach((record, i) => {
      if (record.name !== config.zone && !record.name.endsWith(`.${config.zone}`)) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', i, 'name'],
          message: `${record.name} is outside the zone ${config.zone}`,
        });
      }
      if (seen.has(record.name))
        ctx.addIssue({
          code: 'custom',
          path: ['records', i, 'name'],
          message: `${record.name} is defined twice`,
        });
      seen.add(record.name);
      if (config.nameServers.some((ns) => ns.name === record.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['records', i, 'name'],
          message: `${record.name} is also a name server's name`,
        });
      }
      const sites = new Set<string>();
      record.targets.forEach((t, j) => {
        if (sites.has(t.site))
          ctx.addIssue({
            code: 'custom',
            path: ['records', i, 'targets', j, 'site'],
            message: `site ${t.site} is listed twice`,
          });
        sites.add(t.site);
      });
    });
  });
export type GslbConfig = z.infer<typeof GslbConfig>;
export type GslbConfigInput = z.input<typeof GslbConfig>;
