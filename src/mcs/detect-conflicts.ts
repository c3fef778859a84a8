import { ConditionReason, type Conflict, type ConflictReason } from './export-condition.js';
import { disagreement } from './disagreement.js';
import type { IpFamily, SiteExport } from './site-export.js';

/** Kubernetes' default `sessionAffinityConfig.clientIP.timeoutSeconds`; an unset timeout means this. */
const defaultAffinityTimeoutSeconds = 10_800;
/**
 * Kubernetes' default `internalTrafficPolicy`, which every cluster's Service carries; an unset one (a
 * plain site's export) means this, so a host and a cluster exporting one service do not conflict.
 */
const defaultInternalTrafficPolicy = 'Cluster';

/** A whole-service property the conflict policy decides: one value wins, every other value is a conflict. */
interface WholeServiceProperty {
  reason: ConflictReason;
  field: string;
  /** The value as compared; JSON-serialisable and canonical, so equal meaning gives equal JSON. */
  valueOf(exp: SiteExport): unknown;
}

/** In the order reasons are reported (ports come first, from mergePorts). */
const properties: readonly WholeServiceProperty[] = [
  { reason: ConditionReason.TypeConflict, field: 'type', valueOf: (e) => e.type },
  {
    reason: ConditionReason.SessionAffinityConflict,
    field: 'sessionAffinity',
    valueOf: (e) => e.sessionAffinity,
  },
  {
    reason: ConditionReason.SessionAffinityConfigConflict,
    field: 'sessionAffinityConfig',
    valueOf: affinityTimeout,
  },
  {
    reason: ConditionReason.AnnotationsConflict,
    field: 'exportedAnnotations',
    valueOf: (e) => sortedRecord(e.exportedAnnotations),
  },
  {
    reason: ConditionReason.LabelsConflict,
    field: 'exportedLabels',
    valueOf: (e) => sortedRecord(e.exportedLabels),
  },
  {
    reason: ConditionReason.InternalTrafficPolicyConflict,
    field: 'internalTrafficPolicy',
    valueOf: (e) => e.internalTrafficPolicy ?? defaultInternalTrafficPolicy,
  },
  {
    reason: ConditionReason.TrafficDistributionConflict,
    field: 'trafficDistribution',
    valueOf: (e) => e.trafficDistribution ?? null,
  },
  // Order is only which family is primary; a different *set* means some clients reach only a subset of backends.
  {
    reason: ConditionReason.IPFamilyConflict,
    field: 'ipFamilies',
    valueOf: (e) => [...new Set(ipFamiliesOf(e))].sort(),
  },
];

/**
 * Conflicts on whole-service properties, `ordered` oldest first. The oldest export wins (KEP §Conflict
 * Resolution: majority voting and local truth were rejected), so the message names it and counts dissenters.
 */
export function detectConflicts(ordered: readonly SiteExport[]): Conflict[] {
  const [winner] = ordered;
  if (winner === undefined) return [];
  const conflicts: Conflict[] = [];
  for (const property of properties) {
    const winning = JSON.stringify(property.valueOf(winner));
    const disagreeing = ordered.filter(
      (exp) => JSON.stringify(property.valueOf(exp)) !== winning,
    ).length;
    if (disagreeing === 0) continue;
    conflicts.push({
      reason: property.reason,
      message:
        `Conflicting ${property.field}. Using ${winning === 'null' ? 'unset' : winning} from oldest service export in ` +
        `"${winner.site}". ${disagreement(disagreeing, ordered.length)}`,
    });
  }
  return conflicts;
}

/** The families an export serves; unset means IPv4, the only family every site is assumed to have. */
export function ipFamiliesOf(exp: SiteExport): IpFamily[] {
  return exp.ipFamilies === undefined || exp.ipFamilies.length === 0
    ? ['IPv4']
    : [...new Set(exp.ipFamilies)];
}

/** The config only means something with ClientIP affinity; there an unset timeout is Kubernetes' default. */
function affinityTimeout(exp: SiteExport): number | null {
  return exp.sessionAffinity === 'ClientIP'
    ? (exp.sessionAffinityTimeoutSeconds ?? defaultAffinityTimeoutSeconds)
    : null;
}

function sortedRecord(record: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(record ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}
