import type { CompiledTier } from './compile-policy.js';
import type { Candidate } from './traffic-policy.js';

/**
 * Weighted power of two choices: draws two distinct members in proportion to their weights and
 * keeps the one with fewer outstanding flows per unit of weight. On a tie the first draw wins, so
 * with equal load the choice is exactly weight-proportional. `tier` must not be empty.
 */
export function pickInTier(tier: CompiledTier, random: () => number): Candidate {
  const { members, weights, cumulative, total } = tier;
  const count = members.length;
  const first = searchCumulative(cumulative, random() * total);
  if (count === 1) return members[0] as Candidate;
  const second = drawOther(tier, first, random());
  const a = members[first] as Candidate;
  const b = members[second] as Candidate;
  // a.outstanding / wa <= b.outstanding / wb, without dividing.
  return a.outstanding * (weights[second] as number) <= b.outstanding * (weights[first] as number)
    ? a
    : b;
}

// Samples by weight among every member but `excluded` with a single draw: the draw ranges over the
// total minus the excluded weight and jumps over the excluded member's interval.
function drawOther(tier: CompiledTier, excluded: number, u: number): number {
  const { cumulative, weights, total } = tier;
  const excludedWeight = weights[excluded] as number;
  const excludedStart = (cumulative[excluded] as number) - excludedWeight;
  let point = u * (total - excludedWeight);
  if (point >= excludedStart) point += excludedWeight;
  const index = searchCumulative(cumulative, point);
  // Rounding can leave the point a hair inside the excluded interval; a neighbour is as good.
  if (index !== excluded) return index;
  return excluded + 1 < cumulative.length ? excluded + 1 : excluded - 1;
}

/** Smallest index whose running sum exceeds `point`; clamps to the last index. */
function searchCumulative(cumulative: Float64Array, point: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((cumulative[middle] as number) > point) high = middle;
    else low = middle + 1;
  }
  return low;
}
