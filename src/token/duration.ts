import { CausewayError, ErrorCode } from '../errors/index.js';

const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;
// Units largest first, each at most once: "1h30m" reads unambiguously, "30m1h" is likely a typo.
const durationPattern = /^(?:(\d{1,9})d)?(?:(\d{1,9})h)?(?:(\d{1,9})m)?(?:(\d{1,9})s)?$/;
const acceptedForms =
  'a positive number with unit s, m, h or d, largest unit first, e.g. 90s, 15m, 2h, 1d, 1h30m';

/** Milliseconds in a duration such as `15m` or `1h30m`; throws CW_INPUT_INVALID otherwise. */
export function parseDuration(text: string): number {
  const trimmed = typeof text === 'string' ? text.trim() : '';
  const match = durationPattern.exec(trimmed);
  if (trimmed.length === 0 || match === null) throw invalidDuration(text);
  const [, days, hours, minutes, seconds] = match;
  const total =
    Number(days ?? 0) * unitMs.d +
    Number(hours ?? 0) * unitMs.h +
    Number(minutes ?? 0) * unitMs.m +
    Number(seconds ?? 0) * unitMs.s;
  if (total <= 0) throw invalidDuration(text);
  return total;
}

function invalidDuration(text: string): CausewayError {
  return new CausewayError(
    ErrorCode.InputInvalid,
    `invalid duration ${JSON.stringify(text)}: expected ${acceptedForms}`,
  );
}
