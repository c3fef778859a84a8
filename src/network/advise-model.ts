import type { Overlap } from './find-overlaps.js';
import type { SiteNetworks } from './site-networks.js';

/** Flat: pods reach the other site's pods by their own addresses. Island: through the routers. */
export type NetworkModel = 'flat' | 'island';

/** The advice for one pair of sites, with the reasons that decided it. */
export interface PairAdvice {
  sites: [string, string];
  model: NetworkModel;
  /** True when island is not a preference but the only model that works (overlap, no route). */
  forced: boolean;
  reasons: string[];
}

/** CNIs that give pods addresses of the underlay (VPC) network, so pod CIDRs route natively. */
const UNDERLAY_CNIS = new Set(['aws-vpc-cni', 'azure-cni', 'gke-vpc-native', 'cilium-native']);
/** CNIs in overlay mode: pod addresses exist only inside the cluster unless something routes them. */
const OVERLAY_CNIS = new Set(['calico', 'cilium', 'flannel', 'weave', 'kindnet', 'canal']);
/** From the decision table: flat networking scales poorly from this many clusters. */
export const FLAT_CLUSTER_LIMIT = 10;

interface Vote {
  model: NetworkModel;
  reason: string;
}

/**
 * Flat or island for one pair, after the decision table of multi-cluster networking practice
 * (clusters, clouds, CNI, compliance) with two hard rules first: overlapping blocks, or a side
 * whose pods are not routable in a shared domain, leave island as the only model that works.
 * Otherwise each known factor votes and flat needs the majority: a tie stays island, which works
 * everywhere, while flat works only where the underlay really routes.
 */
export function adviseModel(
  a: SiteNetworks,
  b: SiteNetworks,
  overlaps: readonly Overlap[],
  clusterCount: number,
): PairAdvice {
  const sites: [string, string] = a.site < b.site ? [a.site, b.site] : [b.site, a.site];
  const hard = hardReasons(a, b, overlaps);
  if (hard.length > 0) return { sites, model: 'island', forced: true, reasons: hard };
  const votes = softVotes(a, b, clusterCount);
  const flat = votes.filter((v) => v.model === 'flat').length;
  const model: NetworkModel = flat * 2 > votes.length ? 'flat' : 'island';
  const reasons = [
    'pod CIDRs do not overlap and both sides route pods in domain ' + a.domain,
    ...votes.map((v) => `${v.model}: ${v.reason}`),
  ];
  return { sites, model, forced: false, reasons };
}

function hardReasons(a: SiteNetworks, b: SiteNetworks, overlaps: readonly Overlap[]): string[] {
  const out: string[] = [];
  // Only an overlap with a pod block breaks direct paths: two equal Service CIDRs never meet on
  // the wire, since an import is reached at a ClusterIP of the importing cluster's own range.
  for (const o of overlaps.filter(touchesPods))
    if (
      (o.a.site === a.site && o.b.site === b.site) ||
      (o.a.site === b.site && o.b.site === a.site)
    )
      out.push(`${o.a.site} ${o.a.kind} ${o.a.cidr} overlaps ${o.b.site} ${o.b.kind} ${o.b.cidr}`);
  for (const s of [a, b]) {
    if (!s.routable) out.push(`${s.site} does not declare its pod network routable`);
    if (s.pods.length === 0) out.push(`${s.site} has no known pod CIDR`);
  }
  if (a.routable && b.routable && a.domain !== b.domain)
    out.push(
      `${a.site} routes in domain ${a.domain}, ${b.site} in ${b.domain}: no route between them`,
    );
  return out;
}

function softVotes(a: SiteNetworks, b: SiteNetworks, clusterCount: number): Vote[] {
  const votes: Vote[] = [
    clusterCount < FLAT_CLUSTER_LIMIT
      ? { model: 'flat', reason: `${clusterCount} clusters (< ${FLAT_CLUSTER_LIMIT})` }
      : { model: 'island', reason: `${clusterCount} clusters (${FLAT_CLUSTER_LIMIT} or more)` },
  ];
  if (a.cloud !== undefined && b.cloud !== undefined)
    votes.push(
      a.cloud === b.cloud
        ? { model: 'flat', reason: `one cloud (${a.cloud})` }
        : { model: 'island', reason: `two clouds (${a.cloud}, ${b.cloud})` },
    );
  for (const s of [a, b]) {
    if (s.cni !== undefined && UNDERLAY_CNIS.has(s.cni))
      votes.push({ model: 'flat', reason: `${s.site} CNI ${s.cni} gives pods underlay addresses` });
    else if (s.cni !== undefined && OVERLAY_CNIS.has(s.cni))
      votes.push({ model: 'island', reason: `${s.site} CNI ${s.cni} runs an overlay` });
    if (s.compliance === 'high')
      votes.push({
        model: 'island',
        reason: `${s.site} requires network isolation (compliance high)`,
      });
  }
  return votes;
}

/** True when one side of the overlap is a pod CIDR. */
export function touchesPods(o: Overlap): boolean {
  return o.a.kind === 'pods' || o.b.kind === 'pods';
}
