import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';

/** A service as other sites see it: name, namespace and ports, never the backend address. */
const AdvertisedService = z.strictObject({
  name: z.string().min(1).max(63),
  namespace: z.string().min(1).max(63),
  ports: z.array(z.strictObject({ port: z.number().int().min(1).max(65535), protocol: z.enum(['TCP']) })).max(64),
});
export type AdvertisedService = z.infer<typeof AdvertisedService>;

/**
 * A site's full list of exports. Carries (origin, epoch, seq) so a receiver applies adverts
 * idempotently and never lets an older one (or one from before the origin restarted) win.
 */
const ExportsAdvert = z.strictObject({
  type: z.literal('exports'),
  origin: z.string().min(1).max(253),
  epoch: z.number().int().min(0),
  seq: z.number().int().min(0),
  services: z.array(AdvertisedService).max(100_000),
});
export type ExportsAdvert = z.infer<typeof ExportsAdvert>;

export function encodeExportsAdvert(advert: ExportsAdvert): Buffer {
  return Buffer.from(JSON.stringify(advert));
}

/** Parses a CONTROL payload; unknown message types are reported so newer peers can add some. */
export function decodeControlMessage(payload: Buffer): ExportsAdvert | { type: 'unknown'; name: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new CausewayError(ErrorCode.FrameMalformed, 'CONTROL payload is not JSON');
  }
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (type !== 'exports') return { type: 'unknown', name: String(type).slice(0, 64) };
  const parsed = ExportsAdvert.safeParse(raw);
  if (!parsed.success) throw new CausewayError(ErrorCode.FrameMalformed, `exports advert is malformed: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** True when `next` is newer than `current` from the same origin. */
export function isNewerAdvert(current: { epoch: number; seq: number } | undefined, next: { epoch: number; seq: number }): boolean {
  if (current === undefined) return true;
  return next.epoch > current.epoch || (next.epoch === current.epoch && next.seq > current.seq);
}
