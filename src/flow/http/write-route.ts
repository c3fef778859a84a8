import type { LeaseRecord, LeaseState } from '../../lease/index.js';

/** Why a write was refused; each is a label of `causeway_writes_refused_total`. */
export type WriteRefusalReason =
  /** The lease store has not answered since the router started (etcd down, file unreadable). */
  | 'lease-unknown'
  /** Nobody holds the lease. */
  | 'lease-unheld'
  /** The holder stopped renewing (cut off, minority side, stopped) and its term has run out. */
  | 'lease-expired'
  /** No route to the holder's site: the partition view counts it unreachable. */
  | 'holder-unreachable'
  /** The holder's site is reachable but has no ready endpoint of the service. */
  | 'holder-not-serving';

export type WriteRoute =
  | { type: 'route'; site: string; lease: LeaseRecord }
  | {
      type: 'refuse';
      reason: WriteRefusalReason;
      lease: string;
      holder: string | null;
      retryAfterSeconds: number;
    };

export interface WriteRouteInput {
  lease: string;
  state: LeaseState;
  now: number;
  /** The partition view's verdict on a site (this site is always reachable). */
  reachable(site: string): boolean;
  /** True when the site has a ready endpoint of the service for this port. */
  serving(site: string): boolean;
}

/** Longest Retry-After advised: a stuck holder's term is normally seconds, not minutes. */
const MAX_RETRY_AFTER_SECONDS = 60;

/**
 * Where a write goes: to the site holding a live lease, and nowhere else. Pure, so the one rule
 * that keeps writes on one side of a partition is tested without sockets or clocks.
 */
export function decideWriteRoute(input: WriteRouteInput): WriteRoute {
  const { lease: name, state, now } = input;
  const refuse = (
    reason: WriteRefusalReason,
    holder: string | null,
    retryAfterSeconds = 1,
  ): WriteRoute => ({ type: 'refuse', reason, lease: name, holder, retryAfterSeconds });
  if (!state.known) return refuse('lease-unknown', null);
  const lease = state.lease;
  if (lease === undefined) return refuse('lease-unheld', null);
  if (lease.expiresAt <= now) return refuse('lease-expired', lease.holder);
  if (!input.reachable(lease.holder)) {
    // A majority-side site can take the lease once this term ends: retry after that.
    const untilExpiry = Math.ceil((lease.expiresAt - now) / 1000);
    return refuse(
      'holder-unreachable',
      lease.holder,
      Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, untilExpiry)),
    );
  }
  if (!input.serving(lease.holder)) return refuse('holder-not-serving', lease.holder);
  return { type: 'route', site: lease.holder, lease };
}
