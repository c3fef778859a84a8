import { CausewayError, ErrorCode } from '../errors/index.js';

const dayMs = 24 * 60 * 60 * 1000;
// Peers' clocks drift; backdating notBefore keeps a fresh certificate usable on a site whose
// clock runs a few minutes behind the issuer's.
const clockSkewAllowanceMs = 5 * 60 * 1000;

/** The validity window of a new certificate: explicit dates win, otherwise now-skew + days. */
export function validityWindow(opts: { validDays: number; notBefore?: Date; notAfter?: Date }): {
  notBefore: Date;
  notAfter: Date;
} {
  if (!Number.isFinite(opts.validDays) || opts.validDays <= 0) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `validDays must be a positive number, got ${opts.validDays}`,
    );
  }
  const notBefore = opts.notBefore ?? new Date(Date.now() - clockSkewAllowanceMs);
  const notAfter =
    opts.notAfter ?? new Date(notBefore.getTime() + clockSkewAllowanceMs + opts.validDays * dayMs);
  if (
    Number.isNaN(notBefore.getTime()) ||
    Number.isNaN(notAfter.getTime()) ||
    notAfter <= notBefore
  ) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      'certificate notAfter must be a valid date after notBefore',
    );
  }
  return { notBefore, notAfter };
}
