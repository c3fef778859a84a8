import { CausewayError, ErrorCode } from '../errors/index.js';
import { LEASE_NAME_PATTERN } from '../config/index.js';
import type { AcquireResult, LeaseRecord } from './lease-backend.js';

/** What an acquire does to the stored state; `write` is what to store, absent when nothing changes. */
export type AcquireDecision =
  | { type: 'refused'; result: AcquireResult }
  | { type: 'renewed'; result: AcquireResult; write: LeaseRecord }
  | { type: 'taken'; result: AcquireResult; write: LeaseRecord; lastToken: number };

/** True while `lease` is valid at `now`; a lease is expired from the millisecond `expiresAt` on. */
export function isLive(lease: LeaseRecord | undefined, now: number): lease is LeaseRecord {
  return lease !== undefined && lease.expiresAt > now;
}

/**
 * Pure acquire policy shared by every backend. `lastToken` is the highest token ever issued for
 * the name (kept after release and expiry), so a new holder always gets a strictly higher one.
 */
export function decideAcquire(
  current: LeaseRecord | undefined,
  lastToken: number,
  request: { name: string; holder: string; ttlMs: number; now: number },
): AcquireDecision {
  const expiresAt = request.now + request.ttlMs;
  const previousToken = current?.fencingToken ?? 0;
  if (isLive(current, request.now)) {
    if (current.holder !== request.holder)
      return { type: 'refused', result: { acquired: false, lease: current } };
    const renewed = { ...current, expiresAt };
    return { type: 'renewed', result: { acquired: true, lease: renewed }, write: renewed };
  }
  const fencingToken = Math.max(lastToken, previousToken) + 1;
  if (!Number.isSafeInteger(fencingToken)) {
    throw new CausewayError(
      ErrorCode.LeaseStoreInvalid,
      `fencing token of lease ${request.name} overflowed`,
    );
  }
  const taken = { name: request.name, holder: request.holder, fencingToken, expiresAt };
  return {
    type: 'taken',
    result: { acquired: true, lease: taken },
    write: taken,
    lastToken: fencingToken,
  };
}

/** Rejects names that would escape a key prefix or a file, empty holders and non-positive TTLs. */
export function checkAcquireInput(name: string, holder: string, ttlMs: number): void {
  checkLeaseName(name);
  if (holder.length === 0)
    throw new CausewayError(ErrorCode.InputInvalid, 'lease holder must not be empty');
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `lease TTL must be a positive integer of milliseconds, got ${ttlMs}`,
    );
  }
}

/** Lease names become etcd keys and JSON keys, so they are kept to a safe alphabet. */
export function checkLeaseName(name: string): void {
  if (!LEASE_NAME_PATTERN.test(name)) {
    throw new CausewayError(ErrorCode.InputInvalid, `invalid lease name ${JSON.stringify(name)}`, {
      hint: 'use letters, digits, ".", "_" and "-" (at most 128 characters)',
    });
  }
}
