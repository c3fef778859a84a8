import type { Candidate, TrafficPolicy } from './traffic-policy.js';

/**
 * The share of flows a candidate may take under `policy`: its own weight times its site's weight,
 * or 0 when it must never be chosen (unhealthy, ejected, or a weight that is zero, negative or not
 * finite — an infinite weight would swallow every cumulative sum).
 */
export function effectiveWeight(candidate: Candidate, policy: TrafficPolicy): number {
  if (!candidate.healthy || candidate.ejected === true) return 0;
  const weight = (candidate.weight ?? 1) * (policy.siteWeights?.[candidate.site] ?? 1);
  return Number.isFinite(weight) && weight > 0 ? weight : 0;
}

/** True when `candidate` may receive flows under `policy`. */
export function isUsable(candidate: Candidate, policy: TrafficPolicy): boolean {
  return effectiveWeight(candidate, policy) > 0;
}
