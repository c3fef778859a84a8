import { z } from 'zod';

// The routing rules of HTTP services, as site.yaml (and the CLI) write them. The shape follows the
// Gateway API's HTTPRoute (match types PathPrefix / Exact / RegularExpression, weighted backends,
// filters for header edits and mirroring, timeouts, retries), so a translator from HTTPRoute or
// GRPCRoute objects fills the same plain data.

const dnsName = z
  .string()
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/, {
    message: 'must be a DNS name: lowercase letters, digits, "-" and ".", e.g. eu-west',
  });
const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  message: 'must be a DNS label: lowercase letters, digits and "-", e.g. web',
});
/** A header field name is a token (RFC 9110 §5.1); HTTP/2 sends it lower-cased. */
export const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
const headerName = z.string().regex(HEADER_NAME_PATTERN, {
  message: "must be a header name (letters, digits and !#$%&'*+.^_`|~-), e.g. x-canary",
});
/** Field values may not carry CR, LF or NUL (RFC 9110 §5.5): a value with them would split a message. */
const headerValue = z
  .string()
  .max(4096)
  .regex(/^[^\r\n\0]*$/, { message: 'must not contain CR, LF or NUL' });

/**
 * Patterns run against request input, and JavaScript's regular expressions backtrack: a nested
 * quantifier such as `(a+)+` takes exponential time on a crafted path. Such patterns are refused.
 */
const NESTED_QUANTIFIER = /\([^)]*[+*}][^)]*\)\s*[+*{]/;
const pattern = z
  .string()
  .min(1)
  .max(1024)
  .refine((p) => !NESTED_QUANTIFIER.test(p), {
    message:
      'must not nest quantifiers such as (a+)+ (they backtrack exponentially on a crafted input)',
  })
  .refine(
    (p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be a valid regular expression' },
  );

export const PathMatchConfig = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('Exact'), value: z.string().startsWith('/').max(4096) }),
  z.strictObject({ type: z.literal('PathPrefix'), value: z.string().startsWith('/').max(4096) }),
  z.strictObject({ type: z.literal('RegularExpression'), value: pattern }),
]);

const valueMatch = (name: z.ZodType<string>) =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('Exact'), name, value: headerValue }),
    z.strictObject({ type: z.literal('RegularExpression'), name, value: pattern }),
  ]);
export const HeaderMatchConfig = valueMatch(headerName);
export const QueryMatchConfig = valueMatch(z.string().min(1).max(256));

export const RouteMatchConfig = z.strictObject({
  path: PathMatchConfig.optional(),
  method: z
    .string()
    .regex(/^[A-Z]{1,32}$/, { message: 'must be an upper-case HTTP method such as GET' })
    .optional(),
  headers: z.array(HeaderMatchConfig).max(16).default([]),
  queryParams: z.array(QueryMatchConfig).max(16).default([]),
});

/** Where a share of the matched requests goes: one site, a named subset of sites, or any endpoint. */
export const RouteBackendConfig = z
  .strictObject({
    site: dnsName.optional(),
    subset: dnsLabel.optional(),
    weight: z.number().int().min(0).max(1_000_000).default(1),
  })
  .refine((b) => b.site === undefined || b.subset === undefined, {
    message: 'a backend names a site or a subset, not both',
  });

export const HeaderEditsConfig = z.strictObject({
  /** Replaces the header (or adds it when absent). */
  set: z.record(headerName, headerValue).default({}),
  /** Appends a value, keeping those the message carries. */
  add: z.record(headerName, headerValue).default({}),
  remove: z.array(headerName).max(32).default([]),
});

export const RetryConfig = z.strictObject({
  /** Attempts after the first. */
  attempts: z.number().int().min(1).max(5),
  /**
   * What may be retried: `5xx` (a 5xx status), `gateway-error` (502, 503, 504), `reset` (the
   * backend reset the stream), `unavailable` (gRPC status 14). A request the backend provably
   * never processed (no connection, REFUSED_STREAM) is always tried elsewhere.
   */
  on: z
    .array(z.enum(['5xx', 'gateway-error', 'reset', 'unavailable']))
    .min(1)
    .default(['gateway-error', 'unavailable']),
  /** Retries may add at most this share of the route's requests (Linkerd's retry budget). */
  budgetPercent: z.number().min(0).max(100).default(20),
});

export const MirrorConfig = z
  .strictObject({
    /** Another service (same namespace unless given) whose endpoints get the copies. */
    service: dnsLabel.optional(),
    namespace: dnsLabel.optional(),
    /** Only this site's endpoints get the copies. */
    site: dnsName.optional(),
    /** Share of matched requests copied. */
    percent: z.number().min(0).max(100).default(100),
  })
  .refine((m) => m.service !== undefined || m.site !== undefined, {
    message: 'a mirror names a service, a site or both',
  });

export const RouteRuleConfig = z.strictObject({
  /** A request matches the rule when any match holds (all its conditions); none: every request. */
  matches: z.array(RouteMatchConfig).max(16).default([]),
  backends: z.array(RouteBackendConfig).max(16).default([]),
  /** The whole exchange must finish within this (504, or gRPC DEADLINE_EXCEEDED). */
  timeoutMs: z.number().int().min(1).max(3_600_000).optional(),
  retries: RetryConfig.optional(),
  requestHeaders: HeaderEditsConfig.optional(),
  responseHeaders: HeaderEditsConfig.optional(),
  mirror: MirrorConfig.optional(),
});

export const SubsetConfig = z.strictObject({
  name: dnsLabel,
  /** Sites in the subset; an endpoint belongs to it when its site, zone or region is listed. */
  sites: z.array(dnsName).max(64).default([]),
  zones: z.array(z.string().min(1).max(63)).max(64).default([]),
  regions: z.array(z.string().min(1).max(63)).max(64).default([]),
});

export const HttpRouteConfig = z
  .strictObject({
    name: dnsLabel,
    service: dnsLabel,
    namespace: dnsLabel,
    /** Service port the route applies to; absent: every HTTP port of the service. */
    port: z.number().int().min(1).max(65535).optional(),
    subsets: z.array(SubsetConfig).max(16).default([]),
    rules: z.array(RouteRuleConfig).min(1).max(64),
  })
  .superRefine((r, ctx) => {
    const names = new Set(r.subsets.map((s) => s.name));
    for (const [i, rule] of r.rules.entries())
      for (const [j, backend] of rule.backends.entries())
        if (backend.subset !== undefined && !names.has(backend.subset))
          ctx.addIssue({
            code: 'custom',
            path: ['rules', i, 'backends', j, 'subset'],
            message: `subset ${backend.subset} is not defined; add it under subsets (name, sites/zones/regions)`,
          });
  });
export type HttpRouteConfig = z.infer<typeof HttpRouteConfig>;
export type RouteRuleConfig = z.infer<typeof RouteRuleConfig>;
export type RouteMatchConfig = z.infer<typeof RouteMatchConfig>;
export type HeaderEditsConfig = z.infer<typeof HeaderEditsConfig>;
