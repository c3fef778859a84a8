import type { LeaseListener, LeaseRecord } from './lease-backend.js';

/**
 * Tells a lease watcher each stored record in the order of the store revisions they reflect. A
 * watch reads the lease again when its stream (re)starts, and that read can be answered after a
 * newer event was told already: a record no newer than the last one told is dropped, so a watcher
 * never steps back to an older holder. A record that does not decode is told as an error.
 */
export class RevisionOrderedWatch {
  readonly #listener: LeaseListener;
  #told = -1;
  #closed = false;

  constructor(listener: LeaseListener) {
    this.#listener = listener;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Tells the record stored at `revision` unless a newer one was told; `decode` runs only then. */
  deliver(revision: number, decode: () => LeaseRecord | undefined): void {
    if (this.#closed || revision <= this.#told) return;
    let lease: LeaseRecord | undefined;
    try {
      lease = decode();
    } catch (err) {
      this.error(err);
      return;
    }
    this.#told = revision;
    this.#listener.change(lease);
  }

  /** A failure to read or watch the store; the last record told stands. */
  error(err: unknown): void {
    if (!this.#closed) this.#listener.error(err);
  }

  /** Nothing is told from now on. */
  close(): void {
    this.#closed = true;
  }
}
