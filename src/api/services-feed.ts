import type { ServicesSnapshot } from './api-types.js';

/**
 * Change notifications for the merged clusterset, so a controller beside the router need not
 * poll: each subscriber gets the current snapshot at once, then a new one whenever it differs.
 * Snapshots are compared as serialized text, so a refresh with nothing new sends nothing.
 */
export class ServicesFeed {
  private last = '';
  private readonly subscribers = new Set<(line: string) => void>();

  constructor(private readonly build: () => ServicesSnapshot) {}

  /** The current snapshot as one JSON line (without the newline). */
  current(): string {
    return JSON.stringify(this.build());
  }

  /** Recomputes the snapshot and tells every subscriber if it changed. */
  refresh(): void {
    // Nobody listens: skip the work, and forget the last line so the next subscriber starts fresh.
    if (this.subscribers.size === 0) {
      this.last = '';
      return;
    }
    this.publish();
  }

  /** Calls `send` with the current snapshot now and each new one after; returns the unsubscribe function. */
  subscribe(send: (line: string) => void): () => void {
    // Bring earlier subscribers up to date first, so one shared `last` stays true for all of them.
    this.publish();
    this.subscribers.add(send);
    send(this.last);
    return () => this.subscribers.delete(send);
  }

  private publish(): void {
    const line = JSON.stringify(this.build());
    if (line === this.last) return;
    this.last = line;
    for (const send of this.subscribers) send(line);
  }

  get subscriberCount(): number {
    return this.subscribers.size;
  }
}
