import type { GslbRecordInput } from '../../gslb/index.js';

/** The Kubernetes object a GSLB record comes from. */
export interface RecordOwner {
  kind: 'GlobalRecord' | 'Gslb';
  namespace: string;
  name: string;
  /** The older object keeps a name two of them claim; RFC 3339, compared as text. */
  createdAt: string;
}

/** One site of a candidate record: its address, or why it has none. */
export interface CandidateSite {
  site: string;
  address?: string;
  /** Why no address: what to publish or set. */
  missing?: string;
}

/** The problem that keeps a candidate from being served (the Accepted=False condition). */
export interface CandidateProblem {
  reason: 'InvalidSpec' | 'ZoneMismatch' | 'NameConflict' | 'UnknownService' | 'NoAddress';
  message: string;
}

/** What one object asks to be served, before conflicts and health are looked at (pure data). */
export interface RecordCandidate {
  owner: RecordOwner;
  name?: string;
  /** `namespace/name` of the clusterset service whose readiness decides health. */
  service?: string;
  sites: CandidateSite[];
  /** The record as `gslb set` would write it (targets without an address left out). */
  record?: GslbRecordInput;
  problem?: CandidateProblem;
}

/** `kube:GlobalRecord/shop/api`: the record's `source` in the GSLB file. */
export function ownerSource(owner: RecordOwner): string {
  return `kube:${owner.kind}/${owner.namespace}/${owner.name}`;
}

/**
 * The fully qualified name in `zone`: a single label is placed in the zone, a name already in it is
 * kept, anything else is outside the zone (undefined).
 */
export function nameInZone(name: string, zone: string): string | undefined {
  const lower = name.replace(/\.$/, '').toLowerCase();
  if (lower === zone || lower.endsWith(`.${zone}`)) return lower;
  return lower.includes('.') || lower === '' ? undefined : `${lower}.${zone}`;
}
