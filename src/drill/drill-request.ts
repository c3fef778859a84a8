import { CausewayError, ErrorCode } from '../errors/index.js';
import { MAX_ADDED_MS } from './drill-message.js';

const SITE = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

function invalid(flag: string, message: string, hint: string): CausewayError {
  return new CausewayError(ErrorCode.InputInvalid, `${flag}: ${message}`, { hint });
}

/** `--isolate eu-west,us-east`: site ids, comma separated, each once. */
export function parseSiteList(flag: string, text: string): string[] {
  const sites = text.split(',').map((s) => s.trim());
  const bad = sites.find((s) => !SITE.test(s));
  if (bad !== undefined)
    throw invalid(
      flag,
      `${JSON.stringify(bad)} is not a site id`,
      `give site ids separated by commas, e.g. ${flag} eu-west,ap-south`,
    );
  if (new Set(sites).size !== sites.length)
    throw invalid(flag, `${JSON.stringify(text)} names a site twice`, 'name each site once');
  return sites;
}

/** `--between X,Y`: two different sites. */
export function parseBetween(text: string): [string, string] {
  const sites = parseSiteList('--between', text);
  const [x, y] = sites;
  if (sites.length !== 2 || x === undefined || y === undefined)
    throw invalid(
      '--between',
      `${JSON.stringify(text)} must name exactly two sites`,
      'e.g. --between us-east,eu-west',
    );
  return [x, y];
}

const MS = /^(\d{1,7})(ms|s)$/;

/** `--add 150ms`, `--jitter 20ms` (or whole seconds, `1s`): milliseconds up to `max`. */
export function parseMilliseconds(flag: string, text: string, max = MAX_ADDED_MS): number {
  const match = MS.exec(text.trim());
  const value = match === null ? NaN : Number(match[1]) * (match[2] === 's' ? 1_000 : 1);
  if (!Number.isFinite(value) || value > max)
    throw invalid(
      flag,
      `${JSON.stringify(text)} must be a delay of at most ${max} ms, e.g. 150ms`,
      `write it in ms (150ms) or whole seconds (1s)`,
    );
  return value;
}

/** `--percent 5`: a share of segments, above 0 and at most 100. */
export function parsePercent(text: string): number {
  const value = /^\d{1,3}(\.\d{1,3})?$/.test(text.trim()) ? Number(text) : NaN;
  if (!(value > 0 && value <= 100))
    throw invalid(
      '--percent',
      `${JSON.stringify(text)} must be a number above 0 and at most 100`,
      'e.g. --percent 5',
    );
  return value;
}

/** The named sites must be members of the clusterset, or the drill would cut nothing. */
export function checkMembers(
  flag: string,
  sites: readonly string[],
  members: readonly string[],
): void {
  const unknown = sites.filter((s) => !members.includes(s));
  if (unknown.length > 0)
    throw invalid(
      flag,
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a member of this clusterset`,
      `members: ${members.join(', ')}`,
    );
}
