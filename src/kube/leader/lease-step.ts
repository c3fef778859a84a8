import type { Lease } from '../client/kube-objects.js';

export type LeaseStep =
  | { kind: 'create' }
  | { kind: 'renew' }
  | { kind: 'take-over' }
  | { kind: 'wait'; holder: string; expiresInMs: number };

/**
 * Whether `identity` may write the Lease now (client-go leader election semantics, pure): a free
 * or expired Lease is taken over, our own is renewed, a live one held by another is waited for.
 * Expiry is judged by renewTime + leaseDurationSeconds on this clock.
 */
export function leaseStep(lease: Lease | undefined, identity: string, nowMs: number): LeaseStep {
  if (lease === undefined) return { kind: 'create' };
  const spec = lease.spec ?? {};
  const holder = spec.holderIdentity ?? '';
  if (holder === identity) return { kind: 'renew' };
  if (holder === '') return { kind: 'take-over' };
  const renewed = Date.parse(spec.renewTime ?? spec.acquireTime ?? '');
  const durationMs = (spec.leaseDurationSeconds ?? 15) * 1000;
  const expiresInMs = Number.isFinite(renewed) ? renewed + durationMs - nowMs : 0;
  return expiresInMs <= 0 ? { kind: 'take-over' } : { kind: 'wait', holder, expiresInMs };
}

/** Lease times use MicroTime: RFC 3339 with microseconds. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}
