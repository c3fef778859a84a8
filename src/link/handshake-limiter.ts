/** How many new connections one source address may open on the link port. */
export interface HandshakeLimit {
  /** Sustained connections per second per source address. */
  perSecond: number;
  /** Connections a source may open at once before the rate applies. */
  burst: number;
}

/** Sources tracked at once; beyond it the longest-idle are dropped, so a spoofed spread cannot grow the table. */
const MAX_SOURCES = 10_000;

/**
 * A token bucket per source address, checked before the TLS handshake: a handshake costs the
 * listener an ECDSA signature and a certificate check (~1–3 ms of CPU), so a flood from one place
 * must be cut before it starts, not after. Pure apart from the clock it is given.
 */
export class HandshakeLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly limit: () => HandshakeLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `source`; false when the source is over its rate. */
  admit(source: string): boolean {
    const { perSecond, burst } = this.limit();
    const now = this.now();
    const bucket = this.buckets.get(source) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    // Re-inserted, so the map's order is least recently seen first.
    this.buckets.delete(source);
    this.buckets.set(source, bucket);
    if (this.buckets.size > MAX_SOURCES) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
