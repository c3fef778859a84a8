import { createHash } from 'node:crypto';
import type { V1Lease } from '@kubernetes/client-node';
import { CausewayError, ErrorCode } from '../errors/index.js';
import type { LeaseRecord } from './lease-backend.js';

/**
 * Where a Causeway lease keeps what `coordination.k8s.io/v1` has no exact field for: the lease's
 * own name (object names are lowercase DNS names, lease names are not), the fencing token (a
 * safe integer, where `spec.leaseTransitions` is an int32) and the expiry in milliseconds (where
 * `leaseDurationSeconds` counts whole seconds).
 */
export const LeaseAnnotation = {
  name: 'causeway.io/lease-name',
  fencingToken: 'causeway.io/fencing-token',
  expiresAt: 'causeway.io/expires-at',
} as const;

/** Every Lease this backend writes carries it, so `list` and `kubectl get lease -l` find them. */
export const leaseSelector = 'causeway.io/lease=fencing';
const labels = { 'app.kubernetes.io/managed-by': 'causeway', 'causeway.io/lease': 'fencing' };

/** A Lease object as read, decoded: the live-or-expired record (none once released) and its token. */
export interface DecodedLease {
  record: LeaseRecord | undefined;
  fencingToken: number;
}

/**
 * The object name of a lease: a readable lowercase slug plus a hash of the exact name, so
 * `Payments_Writer` and `payments-writer` never share an object.
 */
export function leaseObjectName(name: string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 40);
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `causeway-${slug}-${hash}`;
}

/**
 * A `MicroTime` (RFC 3339 with microseconds) as the API server parses it; the client library
 * serializes a Date through toISOString, which has milliseconds only.
 */
class MicroTime extends Date {
  override toISOString(): string {
    return `${super.toISOString().slice(0, -1)}000Z`;
  }
}

/** The lease name a Lease object says it stores ('' when it says none). */
export function leaseNameOf(lease: V1Lease): string {
  return lease.metadata?.annotations?.[LeaseAnnotation.name] ?? '';
}

/** Reads back what encodeLease wrote; anything else under our label is reported, not guessed at. */
export function decodeLease(name: string, lease: V1Lease): DecodedLease {
  const annotations = lease.metadata?.annotations ?? {};
  // Both ways round: a copied or renamed object must not pass for another lease.
  if (
    annotations[LeaseAnnotation.name] !== name ||
    lease.metadata?.name !== leaseObjectName(name)
  ) {
    throw invalid(
      name,
      lease,
      `annotation ${LeaseAnnotation.name} is ${JSON.stringify(annotations[LeaseAnnotation.name])}`,
    );
  }
  const fencingToken = parseInteger(annotations[LeaseAnnotation.fencingToken]);
  if (fencingToken === undefined || fencingToken < 1)
    throw invalid(
      name,
      lease,
      `annotation ${LeaseAnnotation.fencingToken} is not a positive integer`,
    );
  const holder = lease.spec?.holderIdentity;
  if (holder === undefined || holder === '') return { record: undefined, fencingToken };
  const expiresAt = parseInteger(annotations[LeaseAnnotation.expiresAt]);
  if (expiresAt === undefined)
    throw invalid(name, lease, `annotation ${LeaseAnnotation.expiresAt} is not an integer`);
  return { record: { name, holder, fencingToken, expiresAt }, fencingToken };
}

/**
 * The Lease object for `record`, on top of `current` (whose resourceVersion makes the write a
 * compare-and-swap) or new. The spec fields are filled for Kubernetes tools; `now` is the writer's
 * clock, as for expiry.
 */
export function encodeLease(
  record: LeaseRecord,
  current: V1Lease | undefined,
  now: number,
  taken: boolean,
): V1Lease {
  const nowTime = new MicroTime(now);
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      ...current?.metadata,
      // Written back as read they would claim every field for the first writer's manager.
      managedFields: undefined,
      name: leaseObjectName(record.name),
      labels: { ...current?.metadata?.labels, ...labels },
      annotations: {
        ...current?.metadata?.annotations,
        [LeaseAnnotation.name]: record.name,
        [LeaseAnnotation.fencingToken]: String(record.fencingToken),
        [LeaseAnnotation.expiresAt]: String(record.expiresAt),
      },
    },
    spec: {
      holderIdentity: record.holder,
      leaseDurationSeconds: Math.max(1, Math.ceil((record.expiresAt - now) / 1_000)),
      acquireTime: taken ? nowTime : (current?.spec?.acquireTime ?? nowTime),
      renewTime: nowTime,
    },
  };
}

/** `current` without a holder; the token annotation stays, so the object still records it. */
export function encodeReleased(current: V1Lease): V1Lease {
  const annotations = { ...current.metadata?.annotations };
  delete annotations[LeaseAnnotation.expiresAt];
  return {
    ...current,
    metadata: { ...current.metadata, managedFields: undefined, annotations },
    spec: {},
  };
}

/**
 * The cluster's storage revision behind a list's resourceVersion. With etcd (the only storage
 * kube-apiserver has) it is etcd's revision, which only grows, across deletes and re-creates too.
 */
export function storageRevision(resourceVersion: string | undefined): number {
  const revision = parseInteger(resourceVersion);
  if (revision === undefined || revision < 1) {
    throw new CausewayError(
      ErrorCode.LeaseStoreInvalid,
      `resourceVersion ${JSON.stringify(resourceVersion)} is not a storage revision`,
      {
        hint: 'the Kubernetes lease backend needs an API server backed by etcd, whose resourceVersions are revision numbers',
      },
    );
  }
  return revision;
}

function parseInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^-?\d{1,16}$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

function invalid(name: string, lease: V1Lease, problem: string): CausewayError {
  return new CausewayError(
    ErrorCode.LeaseStoreInvalid,
    `Lease ${lease.metadata?.namespace ?? ''}/${lease.metadata?.name ?? ''} of lease ${name} is malformed: ${problem}`,
    {
      hint: 'delete that Lease object; fencing tokens stay monotonic without it',
    },
  );
}
