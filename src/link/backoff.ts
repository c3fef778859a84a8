/** Exponential back-off with full jitter (AWS architecture blog's "full jitter"): spreads reconnect storms. */
export function backoffDelay(
  attempt: number,
  baseMs = 100,
  maxMs = 5_000,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 20));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
