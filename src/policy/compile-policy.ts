import { CausewayError, ErrorCode } from '../errors/index.js';
import { effectiveWeight } from './effective-weight.js';
import { tierCandidates } from './tier-candidates.js';
import type { Candidate, ClientLocation, TrafficPolicy } from './traffic-policy.js';

/** One tier ready for weighted sampling: members with their weights and running sums. */
export interface CompiledTier {
  readonly members: readonly Candidate[];
  readonly weights: Float64Array;
  /** `cumulative[i]` is the sum of `weights[0..i]`; the last entry is `total`. */
  readonly cumulative: Float64Array;
  readonly total: number;
}

/**
 * The policy's tier ladder for one client location, precomputed. Reusable until the candidates'
 * health, weights or membership change; `outstanding` is read live from the candidate objects, so
 * load changes need no recompile.
 */
export interface CompiledTiers {
  readonly client: ClientLocation;
  readonly policy: TrafficPolicy;
  /** Every tier of the ladder, empty ones included, so indices keep their meaning. */
  readonly tiers: readonly CompiledTier[];
  /** Indices of the non-empty tiers, in order: the walk for spill-over skips straight along these. */
  readonly nonEmpty: readonly number[];
  /** Usable candidates by id (unique among them), with their tier, for session reuse. */
  readonly byId: ReadonlyMap<string, { readonly candidate: Candidate; readonly tier: number }>;
}

/** Tiers the candidates for `client` under `policy` and precomputes the sampling arrays. */
export function compilePolicy(
  candidates: readonly Candidate[],
  client: ClientLocation,
  policy: TrafficPolicy,
): CompiledTiers {
  validatePolicy(policy);
  const tiers = tierCandidates(candidates, client, policy).map((members) =>
    compileTier(members, policy),
  );
  const nonEmpty: number[] = [];
  const byId = new Map<string, { candidate: Candidate; tier: number }>();
  tiers.forEach((tier, index) => {
    if (tier.members.length > 0) nonEmpty.push(index);
    for (const candidate of tier.members) {
      // Sessions and selections name candidates by id; two usable candidates sharing one would make
      // a session land on whichever came last. Unusable duplicates are never chosen, so they pass.
      if (byId.has(candidate.id))
        throw new CausewayError(
          ErrorCode.InputInvalid,
          `candidate id ${candidate.id} appears twice`,
        );
      byId.set(candidate.id, { candidate, tier: index });
    }
  });
  return { client, policy, tiers, nonEmpty, byId };
}

function compileTier(members: readonly Candidate[], policy: TrafficPolicy): CompiledTier {
  const weights = new Float64Array(members.length);
  const cumulative = new Float64Array(members.length);
  let total = 0;
  members.forEach((candidate, index) => {
    const weight = effectiveWeight(candidate, policy);
    weights[index] = weight;
    total += weight;
    cumulative[index] = total;
  });
  return { members, weights, cumulative, total };
}

function validatePolicy(policy: TrafficPolicy): void {
  const threshold = policy.overloadThreshold;
  if (threshold !== undefined && !(Number.isFinite(threshold) && threshold > 0)) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `overloadThreshold must be a positive number, got ${threshold}`,
    );
  }
  const timeout = policy.sessionAffinity?.timeoutSeconds;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
    throw new CausewayError(
      ErrorCode.InputInvalid,
      `sessionAffinity.timeoutSeconds must be a positive number, got ${timeout}`,
    );
  }
}
