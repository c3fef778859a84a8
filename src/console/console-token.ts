import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a request carried of the console's token. */
export type TokenCheck = 'ok' | 'missing' | 'wrong';

/** A fresh token for a console run that was given none: 32 random bytes, URL-safe. */
export function newConsoleToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Compares digests, so neither the time taken nor a length mismatch tells how much of a guess
 * was right.
 */
export function sameToken(given: string, token: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(token));
}

/** The token a request offers: `Authorization: Bearer`, then the console's cookie. */
export function offeredToken(req: IncomingMessage, cookieName: string): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ') === true) return auth.slice('Bearer '.length).trim();
  return cookieValue(req.headers.cookie ?? '', cookieName);
}

export function checkToken(req: IncomingMessage, cookieName: string, token: string): TokenCheck {
  const given = offeredToken(req, cookieName);
  if (given === undefined || given.length === 0) return 'missing';
  return sameToken(given, token) ? 'ok' : 'wrong';
}

/** One cookie's value from a Cookie header; undefined when absent. */
export function cookieValue(header: string, name: string): string | undefined {
  for (const part of header.split(';')) {
    const cut = part.indexOf('=');
    if (cut < 0) continue;
    if (part.slice(0, cut).trim() === name) return part.slice(cut + 1).trim();
  }
  return undefined;
}
