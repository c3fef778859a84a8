import { z } from 'zod';
import { isValidSiteId, isValidTrustDomain } from '../pki/index.js';
import { endpointProblem } from './link-endpoint.js';

// 32 bytes in unpadded base64url: 42 free characters, then one whose low two bits are zero, so
// each secret has exactly one spelling.
const secretPattern = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;
// Latest instant a JavaScript Date and an ISO string agree on comfortably: 9999-12-31T23:59:59Z.
const maxExpirySeconds = 253_402_300_799;

const endpointSchema = z
  .string()
  .max(300, 'endpoint is too long')
  .superRefine((text, ctx) => {
    const problem = endpointProblem(text);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The JSON inside a `cwt1.` token: short keys because users copy tokens around by hand. */
export const tokenPayloadSchema = z.strictObject({
  v: z.literal(1, 'unsupported version'),
  td: z.string().refine(isValidTrustDomain, 'must be 1–253 of [a-z0-9._-]'),
  ca: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex characters'),
  id: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lowercase hex characters'),
  s: z.string().regex(secretPattern, 'must be 43 base64url characters (32 bytes)'),
  site: z.string().refine(isValidSiteId, 'must be a DNS-1123 subdomain'),
  ep: z
    .array(endpointSchema)
    .min(1, 'needs at least one endpoint')
    .max(8, 'allows at most 8 endpoints'),
  exp: z
    .number()
    .int('must be whole unix seconds')
    .min(0, 'must not be negative')
    .max(maxExpirySeconds, 'is too far in the future'),
});

/** The validated wire form of a link token. */
export type TokenPayload = z.infer<typeof tokenPayloadSchema>;

const fieldNames: Record<string, string> = {
  v: 'version',
  td: 'trust domain',
  ca: 'CA fingerprint',
  id: 'token id',
  s: 'secret',
  site: 'issuing site',
  ep: 'endpoints',
  exp: 'expiry',
};

/** One human line per schema problem; never echoes field values, which may hold the secret. */
export function describePayloadIssues(issues: z.ZodError['issues']): string {
  return issues
    .slice(0, 3)
    .map((issue) => {
      const [field, index] = issue.path;
      if (field === undefined)
        return issue.code === 'unrecognized_keys'
          ? 'unexpected fields'
          : 'payload must be a JSON object';
      const name = fieldNames[String(field)] ?? 'unknown field';
      const where = typeof index === 'number' ? `${name} #${index + 1}` : name;
      return `${where} (${String(field)}) ${issue.message}`;
    })
    .join('; ');
}
