import { isUsable } from './effective-weight.js';
import type { Candidate, ClientLocation, TrafficPolicy } from './traffic-policy.js';

/**
 * Orders the usable candidates into preference tiers, most preferred first.
 *
 * The ladder has a fixed shape for a given policy (empty tiers are kept), so a tier index means the
 * same thing whatever the health: with `PreferClose` and no affinity, tier 1 is always "same
 * region". Within a tier the input order is kept.
 *
 * - Base tiering: with `failoverPriority` of N keys, N+1 tiers by how many leading keys match the
 *   client (all N first, none last); otherwise `PreferClose` gives same zone / same region / any,
 *   and `Any` gives one tier.
 * - Affinity wraps the base tiering: `local` puts the client's own site first as one tier, then the
 *   base tiers of the other sites; `remote` puts the other sites' base tiers first and the own site
 *   last; `none` applies the base tiering to everyone.
 */
export function tierCandidates(
  candidates: readonly Candidate[],
  client: ClientLocation,
  policy: TrafficPolicy,
): Candidate[][] {
  const usable = candidates.filter((candidate) => isUsable(candidate, policy));
  switch (policy.affinity) {
    case 'none':
      return baseTiers(usable, client, policy);
    case 'local': {
      const [own, others] = splitBySite(usable, client.site);
      return [own, ...baseTiers(others, client, policy)];
    }
    case 'remote': {
      const [own, others] = splitBySite(usable, client.site);
      return [...baseTiers(others, client, policy), own];
    }
  }
}

function splitBySite(candidates: readonly Candidate[], site: string): [Candidate[], Candidate[]] {
  const own: Candidate[] = [];
  const others: Candidate[] = [];
  for (const candidate of candidates) (candidate.site === site ? own : others).push(candidate);
  return [own, others];
}

function baseTiers(
  candidates: readonly Candidate[],
  client: ClientLocation,
  policy: TrafficPolicy,
): Candidate[][] {
  const keys = policy.failoverPriority;
  if (keys !== undefined)
    return byRank(
      candidates,
      keys.length + 1,
      (candidate) => keys.length - leadingMatches(candidate, client, keys),
    );
  switch (policy.locality) {
    case 'Any':
      return [[...candidates]];
    case 'PreferClose':
      return byRank(candidates, 3, (candidate) => closeness(candidate, client));
  }
}

function byRank(
  candidates: readonly Candidate[],
  tierCount: number,
  rank: (candidate: Candidate) => number,
): Candidate[][] {
  const tiers = Array.from({ length: tierCount }, (): Candidate[] => []);
  for (const candidate of candidates) tiers[rank(candidate)]?.push(candidate);
  return tiers;
}

// Zone names are not unique across regions in every environment ("a", "b", "c"), so the zone tier
// asks for the region too.
function closeness(candidate: Candidate, client: ClientLocation): number {
  if (candidate.region !== client.region) return 2;
  return candidate.zone === client.zone ? 0 : 1;
}

// Istio semantics: only the leading run of matching keys counts; a match after a mismatch does not.
function leadingMatches(
  candidate: Candidate,
  client: ClientLocation,
  keys: readonly string[],
): number {
  let matches = 0;
  for (const key of keys) {
    const theirs = labelValue(candidate, key);
    if (theirs === undefined || theirs !== labelValue(client, key)) break;
    matches++;
  }
  return matches;
}

function labelValue(place: Candidate | ClientLocation, key: string): string | undefined {
  switch (key) {
    case 'site':
      return place.site;
    case 'region':
      return place.region;
    case 'zone':
      return place.zone;
    default:
      return place.labels?.[key];
  }
}
