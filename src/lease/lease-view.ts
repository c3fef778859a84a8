import type { LeaseBackend, LeaseRecord, LeaseWatch } from './lease-backend.js';

/** What a site knows of one lease: nothing yet (`known: false`), or the last record its store pushed. */
export interface LeaseState {
  known: boolean;
  lease: LeaseRecord | undefined;
}

export interface LeaseViewEvents {
  changed(name: string, lease: LeaseRecord | undefined): void;
  error(name: string, err: unknown): void;
}

/** A store that cannot be watched yet (etcd still down) is tried again after this long. */
const RETRY_MS = 1_000;

const UNKNOWN: LeaseState = { known: false, lease: undefined };

/**
 * The leases one site routes by, kept current by the store's watch (no polling). Expiry needs no
 * timer: callers judge `expiresAt` against their clock at the moment they route, so a holder that
 * stopped renewing (cut off, minority) stops receiving writes on time even though its store, on
 * the other side of the partition, can no longer tell us anything.
 */
export class LeaseView {
  readonly #backend: LeaseBackend;
  readonly #events: LeaseViewEvents;
  readonly #states = new Map<string, LeaseState>();
  readonly #watches = new Map<string, Promise<LeaseWatch | undefined>>();
  readonly #retries = new Map<string, NodeJS.Timeout>();
  #closed = false;

  constructor(backend: LeaseBackend, events: LeaseViewEvents) {
    this.#backend = backend;
    this.#events = events;
  }

  /** Watches exactly `names` from now on: new ones start, dropped ones stop. */
  track(names: Iterable<string>): void {
    const wanted = new Set(names);
    // A stopping watch settles on its own (its errors go to the error event); nothing here waits for it.
    for (const name of [...this.#watches.keys()]) if (!wanted.has(name)) void this.#stop(name);
    for (const name of wanted) if (!this.#watches.has(name)) this.#start(name);
  }

  state(name: string): LeaseState {
    return this.#states.get(name) ?? UNKNOWN;
  }

  /** Every watched lease and what is known of it, sorted by name. */
  all(): Array<{ name: string } & LeaseState> {
    return [...this.#watches.keys()].sort().map((name) => ({ name, ...this.state(name) }));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const names = [...this.#watches.keys()];
    await Promise.all(names.map((name) => this.#stop(name)));
    await this.#backend.close();
  }

  #start(name: string): void {
    const listener = {
      change: (lease: LeaseRecord | undefined) => {
        if (!this.#watches.has(name)) return;
        this.#states.set(name, { known: true, lease });
        this.#events.changed(name, lease);
      },
      error: (err: unknown) => this.#events.error(name, err),
    };
    const started = this.#backend.watch(name, listener).catch((err: unknown) => {
      this.#events.error(name, err);
      if (!this.#closed && this.#watches.get(name) === started) {
        this.#retries.set(
          name,
          setTimeout(() => {
            this.#retries.delete(name);
            if (this.#watches.get(name) !== started) return;
            this.#watches.delete(name);
            this.#start(name);
          }, RETRY_MS),
        );
      }
      return undefined;
    });
    this.#watches.set(name, started);
  }

  async #stop(name: string): Promise<void> {
    const watch = this.#watches.get(name);
    this.#watches.delete(name);
    this.#states.delete(name);
    clearTimeout(this.#retries.get(name));
    this.#retries.delete(name);
    await (await watch)?.close();
  }
}
