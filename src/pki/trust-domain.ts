import { CausewayError, ErrorCode } from '../errors/index.js';

// SPIFFE trust domain charset (SPIFFE ID spec §2.1), capped at DNS length so it fits everywhere.
const trustDomainPattern = /^[a-z0-9._-]{1,253}$/;

/** True when `trustDomain` can be the host part of a `spiffe://` URI. */
export function isValidTrustDomain(trustDomain: string): boolean {
  return typeof trustDomain === 'string' && trustDomainPattern.test(trustDomain);
}

/** Throws CW_INPUT_INVALID unless `trustDomain` is a valid SPIFFE trust domain. */
export function assertTrustDomain(trustDomain: string): void {
  if (!isValidTrustDomain(trustDomain)) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `trust domain ${JSON.stringify(trustDomain)} is invalid: use 1–253 of [a-z0-9._-]`,
    );
  }
}

/** The SPIFFE ID of a site: `spiffe://<trustDomain>/site/<siteId>`. */
export function siteSpiffeId(trustDomain: string, siteId: string): string {
  return `spiffe://${trustDomain}/site/${siteId}`;
}
