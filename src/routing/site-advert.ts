import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';

const name = z.string().min(1).max(253);

/** A service port as advertised; names and protocols follow the Kubernetes Service port. */
const AdvertPort = z.strictObject({
  name: z.string().max(63).optional(),
  port: z.number().int().min(1).max(65535),
  protocol: z.enum(['TCP', 'UDP', 'SCTP']),
  appProtocol: z.string().max(253).optional(),
});

const AdvertEndpoint = z.strictObject({
  addresses: z.array(z.string().max(45)).max(16),
  hostname: z.string().max(63).optional(),
  zone: z.string().max(63).optional(),
  ready: z.boolean(),
  weight: z.number().int().min(0).max(1_000_000).optional(),
});

/**
 * A backend Pod reached by its own address, listed only by a site whose pod network is routable:
 * importers in the same routed domain may connect to it without a router on the path.
 */
const DirectEndpoint = z.strictObject({
  address: z.string().max(45),
  hostname: z.string().max(63).optional(),
  zone: z.string().max(63).optional(),
  ready: z.boolean(),
  serving: z.boolean(),
  /** Service port → the Pod's own port (an EndpointSlice lists the latter). */
  ports: z
    .array(
      z.strictObject({
        port: z.number().int().min(1).max(65535),
        targetPort: z.number().int().min(1).max(65535),
      }),
    )
    .max(256),
});
export type DirectEndpoint = z.infer<typeof DirectEndpoint>;

/** What a site tells of its address space: the plan and the direct paths read it. */
const AdvertNetwork = z.strictObject({
  pods: z.array(z.string().max(64)).max(64),
  services: z.array(z.string().max(64)).max(16),
  nodes: z.array(z.string().max(64)).max(256),
  routable: z.boolean(),
  domain: z.string().min(1).max(253),
});
export type AdvertNetwork = z.infer<typeof AdvertNetwork>;

/** One exported service as the origin site describes it (never the backend's private address). */
const AdvertService = z.strictObject({
  name: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  type: z.enum(['ClusterSetIP', 'Headless']),
  ports: z.array(AdvertPort).max(256),
  exportedAt: z.number().int().min(0),
  sessionAffinity: z.enum(['None', 'ClientIP']),
  sessionAffinityTimeoutSeconds: z.number().int().min(1).max(86_400).optional(),
  internalTrafficPolicy: z.string().max(32).optional(),
  trafficDistribution: z.string().max(64).optional(),
  ipFamilies: z
    .array(z.enum(['IPv4', 'IPv6']))
    .max(2)
    .optional(),
  exportedLabels: z.record(z.string().max(317), z.string().max(63)).optional(),
  exportedAnnotations: z.record(z.string().max(317), z.string().max(65_536)).optional(),
  endpoints: z.array(AdvertEndpoint).max(10_000),
  /** Pods reachable by their own addresses; only from a site whose network is routable. */
  direct: z.array(DirectEndpoint).max(10_000).optional(),
});
export type AdvertService = z.infer<typeof AdvertService>;

/**
 * Everything one site tells the clusterset about itself: where it is, its live links and its
 * exports. Flooded over links; (epoch, seq) orders adverts from one origin, so receivers apply
 * them idempotently and an advert from before a restart never wins.
 */
const SiteAdvertSchema = z.strictObject({
  type: z.literal('site'),
  origin: name,
  epoch: z.number().int().min(0),
  seq: z.number().int().min(0),
  zone: z.string().max(63),
  region: z.string().max(63),
  /** Namespaces present at the origin (MCS namespace sameness: services are imported only there). */
  namespaces: z.array(z.string().min(1).max(63)).max(10_000),
  links: z
    .array(z.strictObject({ peer: name, cost: z.number().int().min(1).max(1_000_000) }))
    .max(10_000),
  services: z.array(AdvertService).max(100_000),
  /** The origin's pod, Service and node CIDRs and whether its pods route; absent from older routers. */
  network: AdvertNetwork.optional(),
  /** Where to dial the origin now, signed by it (see signed-endpoints.ts); absent from older routers. */
  endpoints: z
    .strictObject({
      addresses: z
        .array(z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253}):\d{1,5}$/))
        .max(16),
      certificate: z.string().max(16_384),
      signature: z.string().max(1_024),
    })
    .optional(),
});
export type SiteAdvert = z.infer<typeof SiteAdvertSchema>;

export function encodeSiteAdvert(advert: SiteAdvert): Buffer {
  return Buffer.from(JSON.stringify(advert));
}

/** A CONTROL payload: a site advert, or a message type this version does not know (ignored). */
export function decodeControl(payload: Buffer): SiteAdvert | { type: 'unknown'; name: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new CausewayError(ErrorCode.FrameMalformed, 'CONTROL payload is not JSON');
  }
  const type =
    typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (type !== 'site') return { type: 'unknown', name: String(type).slice(0, 64) };
  const parsed = SiteAdvertSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CausewayError(
      ErrorCode.FrameMalformed,
      `site advert is malformed at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}

/** True when `next` is newer than `current` from the same origin. */
export function isNewerAdvert(
  current: { epoch: number; seq: number } | undefined,
  next: { epoch: number; seq: number },
): boolean {
  if (current === undefined) return true;
  return next.epoch > current.epoch || (next.epoch === current.epoch && next.seq > current.seq);
}

const HEADER = /^\{"type":"site","origin":"([^"\\]{1,253})","epoch":(\d{1,16}),"seq":(\d{1,16}),/;

/**
 * Reads (origin, epoch, seq) from the front of an encoded advert without parsing the rest, so a
 * router in a dense mesh drops the many duplicate copies of a flood cheaply. Undefined when the
 * payload does not start the way `encodeSiteAdvert` writes it; the caller then decodes it fully.
 */
export function peekAdvertVersion(
  payload: Buffer,
): { origin: string; epoch: number; seq: number } | undefined {
  const match = HEADER.exec(payload.subarray(0, 400).toString('utf8'));
  if (match === null) return undefined;
  return { origin: match[1] ?? '', epoch: Number(match[2]), seq: Number(match[3]) };
}
