/** Median and range of one figure over the repetitions of a run. */
export interface RepeatSummary {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /** (max - min) / median, so runs of different sizes compare. */
  readonly spread: number;
}

/** Summarizes `values` (at least one); the median of an even count is the mean of the middle two. */
export function summarizeRepeats(values: readonly number[]): RepeatSummary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] ?? Number.NaN)
      : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
  const min = sorted[0] ?? Number.NaN;
  const max = sorted.at(-1) ?? Number.NaN;
  return { median, min, max, spread: median === 0 ? Number.NaN : (max - min) / median };
}
