/** Default bound on remembered clients: ~100k entries is a few MB, enough for a busy router. */
export const DEFAULT_SESSION_CAPACITY = 100_000;

interface SessionEntry {
  candidateId: string;
  lastUsedMs: number;
}

/**
 * ClientIP session affinity: which candidate each client IP was last sent to. Bounded, evicting the
 * least recently used client when full, and clock-free: every call takes `now` in milliseconds.
 *
 * The timeout is measured from the last use, not the first, as kube-proxy does: a client that keeps
 * opening flows keeps its endpoint.
 */
export class SessionTable {
  readonly capacity: number;
  // A Map iterates in insertion order; re-inserting on use makes the first key the least recent.
  readonly #entries = new Map<string, SessionEntry>();

  constructor(options: { capacity?: number } = {}) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? DEFAULT_SESSION_CAPACITY));
  }

  /** The candidate id remembered for `clientIp` if used within `timeoutMs` of `now`; refreshes it. */
  lookup(clientIp: string, now: number, timeoutMs: number): string | undefined {
    const entry = this.#entries.get(clientIp);
    if (entry === undefined) return undefined;
    this.#entries.delete(clientIp);
    if (now - entry.lastUsedMs > timeoutMs) return undefined;
    entry.lastUsedMs = now;
    this.#entries.set(clientIp, entry);
    return entry.candidateId;
  }

  /** Remembers that `clientIp` was sent to `candidateId` at `now`. */
  record(clientIp: string, candidateId: string, now: number): void {
    this.#entries.delete(clientIp);
    this.#entries.set(clientIp, { candidateId, lastUsedMs: now });
    if (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next();
      if (oldest.done !== true) this.#entries.delete(oldest.value);
    }
  }

  /** Forgets `clientIp`, e.g. when its endpoint went away. */
  forget(clientIp: string): void {
    this.#entries.delete(clientIp);
  }

  get size(): number {
    return this.#entries.size;
  }
}
