import { z } from 'zod';
import { CausewayError, ErrorCode } from '../errors/index.js';
import { signAsAuthority, verifyAuthority, type AuthorityKey } from './authority-signature.js';

export const REVOCATION_PURPOSE = 'causeway-revocation/1';

const SiteRevocationSchema = z.strictObject({
  type: z.literal('revocation'),
  /** The revoked site id: every certificate naming it is refused from now on. */
  site: z.string().min(1).max(253),
  revokedAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  reason: z.string().max(256),
  authority: z.strictObject({
    signer: z.enum(['ca', 'admin']),
    certificate: z.string().max(16_384).optional(),
    signature: z.string().max(1_024),
  }),
});

/**
 * A site taken out of the clusterset for good, signed by the CA key or an admin key. It names the
 * site id, not one certificate: the site's every certificate, renewed or restored from a backup,
 * is refused, and the id is not admitted again.
 */
export type SiteRevocation = z.infer<typeof SiteRevocationSchema>;

/** What the authority signs: everything but the signature. */
function revocationBody(r: Pick<SiteRevocation, 'site' | 'revokedAt' | 'reason'>): unknown {
  return { site: r.site, revokedAt: r.revokedAt, reason: r.reason };
}

/** Makes a signed revocation of `site`. */
export function signRevocation(
  site: string,
  reason: string,
  trustDomain: string,
  key: AuthorityKey,
  now: number,
): SiteRevocation {
  const body = { site, revokedAt: now, reason };
  const authority = signAsAuthority(REVOCATION_PURPOSE, trustDomain, revocationBody(body), key);
  return { type: 'revocation', ...body, authority };
}

/** Throws CW_CONTROL_SIGNATURE unless the revocation is signed by the CA or a current admin; returns the signer. */
export function verifyRevocation(
  revocation: SiteRevocation,
  trust: { caPem: string; trustDomain: string },
  now?: Date,
): string {
  return verifyAuthority(
    REVOCATION_PURPOSE,
    revocationBody(revocation),
    revocation.authority,
    trust,
    now,
  );
}

export function encodeRevocation(revocation: SiteRevocation): Buffer {
  return Buffer.from(JSON.stringify(revocation));
}

const PREFIX = Buffer.from('{"type":"revocation"');

/** True when a CONTROL payload is a revocation as `encodeRevocation` writes it (checked before a full parse). */
export function isRevocationPayload(payload: Buffer): boolean {
  return payload.subarray(0, PREFIX.length).equals(PREFIX);
}

/** Parses a revocation from JSON text or a decoded value; throws CW_FRAME_MALFORMED naming the field. */
export function decodeRevocation(raw: unknown): SiteRevocation {
  let value = raw;
  if (Buffer.isBuffer(raw)) {
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new CausewayError(ErrorCode.FrameMalformed, 'revocation is not JSON');
    }
  }
  const parsed = SiteRevocationSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CausewayError(
      ErrorCode.FrameMalformed,
      `revocation is malformed at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? ''}`,
    );
  }
  return parsed.data;
}
