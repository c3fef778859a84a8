import type { LeaseBackend, LeaseRecord } from './lease-backend.js';

export interface LeaseHolderEvents {
  /** A new term began here: the lease was taken with a new fencing token. */
  acquired(lease: LeaseRecord): void;
  /** Another site holds it (reported when that changes). */
  heldElsewhere(lease: LeaseRecord): void;
  /** Renewal stopped because this site is in the minority; the lease lapses at its expiry. */
  standingDown(name: string): void;
  error(name: string, err: unknown): void;
}

export interface LeaseHolderOptions {
  backend: LeaseBackend;
  /** Who holds: this site's id, so routers can send writes here. */
  holder: string;
  names: readonly string[];
  ttlMs: number;
  /** Asked before every acquire or renewal: false on the minority side (safe mode). */
  mayHold: () => boolean;
  events: LeaseHolderEvents;
}

/**
 * Keeps leases held by this site while, and only while, it is on the majority side: acquires
 * or renews every third of the TTL, so two renewals may fail before the lease runs out. On the
 * minority side it does nothing at all — no acquire, no renewal — and the lease lapses at its
 * expiry, after which a majority-side site takes it with a higher fencing token.
 */
export class LeaseHolder {
  readonly #options: LeaseHolderOptions;
  readonly #timers = new Map<string, NodeJS.Timeout>();
  /** Last thing reported per name, so logs tell changes, not every renewal. */
  readonly #reported = new Map<string, string>();
  #stopped = false;

  constructor(options: LeaseHolderOptions) {
    this.#options = options;
  }

  start(): void {
    for (const name of this.#options.names) void this.#round(name);
  }

  stop(): void {
    this.#stopped = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  async #round(name: string): Promise<void> {
    const { backend, holder, ttlMs, mayHold, events } = this.#options;
    const renewEvery = Math.max(50, Math.floor(ttlMs / 3));
    const roundStarted = Date.now();
    let next = renewEvery;
    try {
      if (!mayHold()) {
        this.#report(name, 'standing-down', () => events.standingDown(name));
      } else {
        const result = await backend.acquire(name, holder, ttlMs);
        const lease = result.lease;
        if (result.acquired)
          this.#report(name, `held/${lease.fencingToken}`, () => events.acquired(lease));
        else
          this.#report(name, `elsewhere/${lease.holder}/${lease.fencingToken}`, () =>
            events.heldElsewhere(lease),
          );
        // Held elsewhere: look again right when that term ends, so a takeover is not late by a renewal period.
        if (!result.acquired)
          next = Math.min(renewEvery, Math.max(10, lease.expiresAt - Date.now() + 5));
      }
    } catch (err) {
      this.#report(name, 'error', () => events.error(name, err));
    }
    if (this.#stopped) return;
    // Counted from the round's start: a slow store must not stretch the time between renewals.
    this.#timers.set(
      name,
      setTimeout(() => void this.#round(name), Math.max(0, next - (Date.now() - roundStarted))),
    );
  }

  #report(name: string, state: string, tell: () => void): void {
    if (this.#reported.get(name) === state) return;
    this.#reported.set(name, state);
    tell();
  }
}
