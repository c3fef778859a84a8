import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';

const siteName = z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/);
const drillId = z.string().regex(/^[0-9a-f]{32}$/);
const epochMs = z.number().int().min(0).max(8.64e15);

/** The failures a drill can stage. */
export const DRILL_KINDS = ['partition', 'site-loss', 'latency', 'loss'] as const;
export type DrillKind = (typeof DRILL_KINDS)[number];

/** The longest drill: one that outlives a day is an outage, not a drill. */
export const MAX_DRILL_MS = 86_400_000;
/** The largest one-way delay a latency drill may add: beyond it the link's liveness bound trips. */
export const MAX_ADDED_MS = 1_000;

/**
 * A drill as its starter signed it. `sites` is what the kind needs: the isolated sites of a
 * partition, the lost site of a site-loss, the two sites of a latency or loss drill. `endsAt` is
 * the deadline every router keeps on its own clock.
 */
const DrillStartSchema = z.strictObject({
  type: z.literal('drill'),
  id: drillId,
  kind: z.enum(DRILL_KINDS),
  sites: z.array(siteName).min(1).max(64),
  addMs: z.number().int().min(0).max(MAX_ADDED_MS).optional(),
  jitterMs: z.number().int().min(0).max(MAX_ADDED_MS).optional(),
  percent: z.number().min(0).max(100).optional(),
  issuedAt: epochMs,
  endsAt: epochMs,
  issuer: siteName,
  signature: z.string().min(1).max(1_024),
  /** The admin certificate (PEM) when an admin key signed rather than the CA key. */
  certificate: z.string().min(1).max(8_192).optional(),
});
export type DrillStart = z.infer<typeof DrillStartSchema>;

/** Ends drill `id` before its deadline; signed like a start. */
const DrillStopSchema = z.strictObject({
  type: z.literal('drill-stop'),
  id: drillId,
  issuedAt: epochMs,
  issuer: siteName,
  signature: z.string().min(1).max(1_024),
  certificate: z.string().min(1).max(8_192).optional(),
});
export type DrillStop = z.infer<typeof DrillStopSchema>;

export type DrillMessage = DrillStart | DrillStop;
const DrillMessageSchema = z.discriminatedUnion('type', [DrillStartSchema, DrillStopSchema]);

/** A message before it is signed. */
export type UnsignedDrillMessage =
  Omit<DrillStart, 'signature' | 'certificate'> | Omit<DrillStop, 'signature' | 'certificate'>;

const PREFIX = Buffer.from('{"type":"drill');

/**
 * Whether a CONTROL payload is a drill message, read from its first bytes (`encodeDrillMessage`
 * writes `type` first): these must cross links a drill cuts, so the check runs on every control
 * payload of a cut link and must not parse it.
 */
export function isDrillControl(payload: Buffer): boolean {
  return payload.length > PREFIX.length && payload.subarray(0, PREFIX.length).equals(PREFIX);
}

export function encodeDrillMessage(message: DrillMessage): Buffer {
  return Buffer.from(JSON.stringify(message));
}

/** Parses a drill message from the wire or the API; throws CW_DRILL_REFUSED naming the field. */
export function decodeDrillMessage(raw: unknown): DrillMessage {
  const parsed = DrillMessageSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new CausewayError(
    ErrorCode.DrillRefused,
    `drill message is malformed at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? ''}`,
  );
}

/** A drill message from a CONTROL payload. */
export function decodeDrillPayload(payload: Buffer): DrillMessage {
  let raw: unknown;
  try {
    raw = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new CausewayError(ErrorCode.DrillRefused, 'drill message is not JSON');
  }
  return decodeDrillMessage(raw);
}
