import { resolve } from 'node:path';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { LinkEndpoint } from './link-endpoint.js';
import type { LinkToken } from './link-token.js';
import { serializeByKey } from './serialize-by-key.js';
import { encodeToken } from './token-codec.js';
import { readTokenStoreFile, writeTokenStoreFile, type StoredToken } from './token-store-file.js';
import { hashSecret, newTokenId, newTokenSecret, secretMatches } from './token-secret.js';

/** What `issue` needs beyond what the store generates itself. */
export type IssueTokenOptions = {
  trustDomain: string;
  caFingerprint: string;
  issuerSite: string;
  endpoints: LinkEndpoint[];
  /** How many sites may redeem it; default 1. */
  uses?: number;
  /** Lifetime; default 15 minutes. */
  ttlMs?: number;
};

/** A token as `list` reports it: no secret, no hash. */
export type TokenSummary = { id: string; usesLeft: number; expiresAt: Date; createdAt: Date };

const defaultTtlMs = 15 * 60 * 1000;
const expiredTombstoneMs = 24 * 60 * 60 * 1000;

/**
 * The issuing site's record of outstanding link tokens, kept in one 0600 JSON file that the CLI
 * (issue, list, revoke) and the router (redeem) share. Every operation re-reads the file.
 */
export class TokenStore {
  readonly path: string;
  readonly #clock: () => number;

  constructor(path: string, clock: () => number = Date.now) {
    this.path = resolve(path);
    this.#clock = clock;
  }

  /** Creates a token, records its hash and returns it; the secret exists only in the result. */
  async issue(opts: IssueTokenOptions): Promise<LinkToken> {
    const uses = opts.uses ?? 1;
    const ttlMs = opts.ttlMs ?? defaultTtlMs;
    if (!Number.isSafeInteger(uses) || uses < 1)
      throw invalidInput(`uses must be a positive integer, got ${uses}`);
    if (!Number.isFinite(ttlMs) || ttlMs <= 0)
      throw invalidInput(`ttlMs must be positive, got ${ttlMs}`);
    return this.#exclusive(async () => {
      const now = this.#clock();
      // Whole seconds, rounded up: the token text carries seconds and both sides must agree.
      const expiresAt = Math.ceil((now + ttlMs) / 1000) * 1000;
      const token = this.#newToken(opts, new Date(expiresAt));
      encodeToken(token); // Refuses bad endpoints or ids before anything is persisted.
      const entry: StoredToken = {
        id: token.id,
        secretSha256: hashSecret(token.secret),
        usesLeft: uses,
        expiresAt,
        createdAt: now,
      };
      await this.#save([...(await readTokenStoreFile(this.path)), entry], now);
      return token;
    });
  }

  /**
   * Spends one use of token `id` if `secret` is right. Checks the secret before anything else so
   * a caller without it learns nothing about the token's state.
   */
  redeem(id: string, secret: string): Promise<void> {
    return this.#exclusive(async () => {
      const now = this.#clock();
      const entries = await readTokenStoreFile(this.path);
      const entry = entries.find((e) => e.id === id);
      if (entry === undefined)
        throw new CausewayError(ErrorCode.TokenUnknown, `no link token with id ${printableId(id)}`);
      if (!secretMatches(secret, entry.secretSha256)) {
        throw new CausewayError(
          ErrorCode.TokenForged,
          `link token ${entry.id} was presented with a wrong secret`,
        );
      }
      if (now >= entry.expiresAt) {
        throw new CausewayError(
          ErrorCode.TokenExpired,
          `link token ${entry.id} expired at ${new Date(entry.expiresAt).toISOString()}`,
        );
      }
      if (entry.usesLeft <= 0)
        throw new CausewayError(
          ErrorCode.TokenUsedUp,
          `link token ${entry.id} has already been used`,
        );
      // Kept at zero uses, not deleted, so a replay is reported as USED_UP until it expires.
      entry.usesLeft -= 1;
      await this.#save(entries, now);
    });
  }

  /** Tokens that have not expired yet, used-up ones included, oldest first. */
  async list(): Promise<TokenSummary[]> {
    const now = this.#clock();
    const entries = await readTokenStoreFile(this.path);
    return entries
      .filter((e) => e.expiresAt > now)
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((e) => ({
        id: e.id,
        usesLeft: e.usesLeft,
        expiresAt: new Date(e.expiresAt),
        createdAt: new Date(e.createdAt),
      }));
  }

  /** Forgets token `id`; true when it was there. */
  revoke(id: string): Promise<boolean> {
    return this.#exclusive(async () => {
      const entries = await readTokenStoreFile(this.path);
      const remaining = entries.filter((e) => e.id !== id);
      if (remaining.length === entries.length) return false;
      await this.#save(remaining, this.#clock());
      return true;
    });
  }

  #newToken(opts: IssueTokenOptions, expiresAt: Date): LinkToken {
    return {
      version: 1,
      trustDomain: opts.trustDomain,
      caFingerprint: opts.caFingerprint,
      id: newTokenId(),
      secret: newTokenSecret(),
      issuerSite: opts.issuerSite,
      endpoints: opts.endpoints.map((e) => ({ host: e.host, port: e.port })),
      expiresAt,
    };
  }

  async #save(entries: StoredToken[], now: number): Promise<void> {
    // Expired entries stay a day as tombstones, so a late redemption is told "expired", not "unknown".
    await writeTokenStoreFile(
      this.path,
      entries.filter((e) => e.expiresAt + expiredTombstoneMs > now),
    );
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    return serializeByKey(this.path, task);
  }
}

function invalidInput(message: string): CausewayError {
  return new CausewayError(ErrorCode.InputInvalid, message);
}

// Ids come off the network; only echo them when they look like ids.
function printableId(id: string): string {
  return typeof id === 'string' && /^[0-9a-f]{32}$/.test(id) ? id : '(malformed id)';
}
