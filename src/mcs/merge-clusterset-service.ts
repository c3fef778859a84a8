import { CausewayError, ErrorCode } from '../errors/index.js';
import { detectConflicts, ipFamiliesOf } from './detect-conflicts.js';
import {
  conflictCondition,
  exportedCondition,
  validCondition,
  type ExportConditions,
} from './export-condition.js';
import { mergePorts, type PortKey } from './merge-ports.js';
import type { IpFamily, ServicePort, ServiceType, SiteExport } from './site-export.js';

/** One service as the whole clusterset sees it: what a ServiceImport carries, plus who exports what. */
export interface ClustersetService {
  name: string;
  namespace: string;
  type: ServiceType;
  ports: ServicePort[];
  sessionAffinity: 'None' | 'ClientIP';
  sessionAffinityTimeoutSeconds?: number;
  internalTrafficPolicy?: string;
  trafficDistribution?: string;
  /** Never empty: ServiceImport consumers (and the conformance suite) wait for at least one family. */
  ipFamilies: IpFamily[];
  /** From the winner's `exportedLabels` only. */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** The site whose export decides every conflicting property (oldest `exportedAt`, then lowest site id). */
  winnerSite: string;
  /** Exporting sites, sorted. */
  sites: string[];
  /** Which sites expose each merged port: traffic to a port goes only to them (strict port conflict). */
  portSites: Record<PortKey, string[]>;
  /** Status conditions for each exporting site's ServiceExport; a conflict is raised on all of them. */
  conditions: Record<string, ExportConditions>;
}

/** Merges every site's export of ONE name+namespace into the clusterset service (KEP §Constraints and Conflict Resolution). */
export function mergeClustersetService(exports: readonly SiteExport[]): ClustersetService {
  const ordered = byPrecedence(exports);
  const winner = checkedWinner(ordered);
  const merged = mergePorts(ordered);
  const conflicts = [
    ...(merged.conflict === undefined ? [] : [merged.conflict]),
    ...detectConflicts(ordered),
  ];
  const sites = ordered.map((e) => e.site).sort();
  const conditions: ExportConditions = {
    valid: validCondition,
    ready: exportedCondition,
    conflict: conflictCondition(conflicts),
  };
  return {
    name: winner.name,
    namespace: winner.namespace,
    type: winner.type,
    ports: merged.ports,
    sessionAffinity: winner.sessionAffinity,
    ...optional('sessionAffinityTimeoutSeconds', winner.sessionAffinityTimeoutSeconds),
    ...optional('internalTrafficPolicy', winner.internalTrafficPolicy),
    ...optional('trafficDistribution', winner.trafficDistribution),
    ipFamilies: ipFamiliesOf(winner),
    labels: { ...winner.exportedLabels },
    annotations: { ...winner.exportedAnnotations },
    winnerSite: winner.site,
    sites,
    portSites: merged.portSites,
    conditions: Object.fromEntries(sites.map((site) => [site, conditions])),
  };
}

/** Oldest export first, ties broken by site id, so the order never depends on arrival order. */
export function byPrecedence(exports: readonly SiteExport[]): SiteExport[] {
  return [...exports].sort(
    (a, b) => a.exportedAt - b.exportedAt || (a.site < b.site ? -1 : a.site > b.site ? 1 : 0),
  );
}

function checkedWinner(ordered: readonly SiteExport[]): SiteExport {
  const [winner] = ordered;
  if (winner === undefined)
    throw new CausewayError(
      ErrorCode.InputInvalid,
      'cannot merge a clusterset service from no exports',
    );
  const seen = new Set<string>();
  for (const exp of ordered) {
    if (exp.name !== winner.name || exp.namespace !== winner.namespace) {
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `exports of different services cannot be merged: ${winner.namespace}/${winner.name} and ${exp.namespace}/${exp.name}`,
      );
    }
    if (seen.has(exp.site))
      throw new CausewayError(
        ErrorCode.InputInvalid,
        `site ${exp.site} exports ${exp.namespace}/${exp.name} twice`,
      );
    seen.add(exp.site);
  }
  return winner;
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
