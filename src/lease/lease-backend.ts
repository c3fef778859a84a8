/** A named lease as seen by callers: who holds it, with which fencing token, until when. */
export interface LeaseRecord {
  name: string;
  holder: string;
  /** Strictly increases on every change of holder; a safe integer, never reused for this name. */
  fencingToken: number;
  /** Milliseconds since the epoch, on the backend's clock. */
  expiresAt: number;
}

/** Outcome of an acquire: the lease now held by the caller, or the record of whoever holds it. */
export type AcquireResult =
  { acquired: true; lease: LeaseRecord } | { acquired: false; lease: LeaseRecord };

/** Storage of leases; every implementation runs `runLeaseContract` from lease-backend.case.test.ts. */
export interface LeaseBackend {
  /** Acquire or renew: succeeds if free, expired, or already held by `holder` (renewal keeps the token). */
  acquire(name: string, holder: string, ttlMs: number): Promise<AcquireResult>;
  /** Releases a lease the holder still holds; false if it does not hold it (any more). */
  release(name: string, holder: string): Promise<boolean>;
  /** The current lease, or undefined when free or expired. */
  get(name: string): Promise<LeaseRecord | undefined>;
  /** Every unexpired lease, sorted by name. */
  list(): Promise<LeaseRecord[]>;
  /**
   * Pushes the stored record of one lease (undefined while none is stored) at once and after every
   * acquire, renewal, takeover and release, without polling. Records are delivered as stored, an
   * expired one included: expiry happens without a write, so the watcher judges it on its clock.
   */
  watch(name: string, listener: LeaseListener): Promise<LeaseWatch>;
  close(): Promise<void>;
}

/** What a watcher is told: each change, and failures to read the store (the last record stands). */
export interface LeaseListener {
  change(lease: LeaseRecord | undefined): void;
  error(err: unknown): void;
}

/** A running `watch`; `close` stops the notifications. */
export interface LeaseWatch {
  close(): Promise<void>;
}

/** Time source for expiry; injected so tests can move time without sleeping. */
export interface LeaseClock {
  now(): number;
}

export const systemClock: LeaseClock = { now: () => Date.now() };
