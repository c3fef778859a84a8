import { z } from 'zod';

const fencingToken = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** A lease as stored: the name is the key it is stored under, so it is not repeated. */
export const StoredLease = z.object({
  holder: z.string().min(1),
  fencingToken,
  expiresAt: z.number().int(),
});
export type StoredLease = z.infer<typeof StoredLease>;

/**
 * The embedded backend's file. `tokens` keeps the last token of every name ever leased, so a
 * release or an expiry never lets a token be issued twice.
 */
export const LeaseFile = z.object({
  version: z.literal(1),
  leases: z.record(z.string(), StoredLease),
  tokens: z.record(z.string(), fencingToken),
});
export type LeaseFile = z.infer<typeof LeaseFile>;
