import { CausewayError, ErrorCode } from '../errors/index.js';
import { isValidName } from './dns-name.js';

/** How answers are built: which zones are ours and how long resolvers may cache them. */
export interface AnswerOptions {
  /** The clusterset zone; the MCS DNS spec requires `clusterset.local` today. */
  zone: string;
  /** Suffix of the site-targeted zone: `<svc>.<ns>.svc.<site-id>.<targetedSuffix>` reaches one site. */
  targetedSuffix?: string;
  /** TTL of every record, and the negative-caching TTL carried by the SOA (RFC 2308 §5). */
  ttl: number;
}

export const DEFAULT_ANSWER_OPTIONS: AnswerOptions = { zone: 'clusterset.local', ttl: 5 };

/** Fills defaults and canonicalises zone names (lowercase, no trailing dot); rejects what could never answer. */
export function normalizeAnswerOptions(options: Partial<AnswerOptions> = {}): AnswerOptions {
  const zone = canonicalZone(options.zone ?? DEFAULT_ANSWER_OPTIONS.zone, 'zone');
  const ttl = options.ttl ?? DEFAULT_ANSWER_OPTIONS.ttl;
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > 0x7fffffff) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `DNS ttl must be an integer between 0 and 2147483647, got ${ttl}`,
    );
  }
  if (options.targetedSuffix === undefined) return { zone, ttl };
  const targetedSuffix = canonicalZone(options.targetedSuffix, 'targetedSuffix');
  if (targetedSuffix === zone) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `DNS targetedSuffix must differ from the zone (${zone})`,
    );
  }
  return { zone, ttl, targetedSuffix };
}

function canonicalZone(raw: string, what: string): string {
  const zone = raw.replace(/\.$/, '').toLowerCase();
  if (zone === '' || !isValidName(zone)) {
    throw new CausewayError(
      ErrorCode.ConfigInvalid,
      `DNS ${what} "${raw}" is not a valid domain name`,
    );
  }
  return zone;
}
