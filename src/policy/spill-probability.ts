/**
 * The fraction of new flows a tier passes to the next one when its mean outstanding flows per
 * endpoint is `load`:
 *
 *     spill = clamp((load - threshold) / threshold, 0, 1)
 *
 * 0 up to the threshold, growing linearly to 1 at twice the threshold (1.5× spills half). Gradual
 * on purpose: an all-or-nothing switch moves every flow the moment the threshold is crossed, which
 * overloads the next tier and swings back — flapping instead of sharing.
 */
export function spillProbability(load: number, threshold: number): number {
  const excess = (load - threshold) / threshold;
  if (!(excess > 0)) return 0;
  return excess < 1 ? excess : 1;
}
