import { z } from 'zod';

/** What one checker publishes at `/v1/checks`: its latest verdict per record and site. */
export const CheckReport = z.strictObject({
  checker: z.string().min(1).max(300),
  results: z
    .array(
      z.strictObject({
        record: z.string().min(1).max(253),
        site: z.string().min(1).max(63),
        healthy: z.boolean(),
      }),
    )
    .max(100_000),
  /** What the server counted from every checker (its own included): informative, not counted again. */
  votes: z
    .array(
      z.strictObject({
        record: z.string().max(253),
        site: z.string().max(63),
        healthy: z.number().int().min(0),
        total: z.number().int().min(0),
      }),
    )
    .max(100_000)
    .optional(),
});
export type CheckReport = z.infer<typeof CheckReport>;

/** A peer's `/v1/checks` body, or undefined when it is not one (never throws: it faces the network). */
export function parseCheckReport(text: string): CheckReport | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = CheckReport.safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/** The votes about one record's site: how many checkers report it, and how many say healthy. */
export interface CheckVotes {
  healthy: number;
  total: number;
}

/** Counts the votes of `reports` per `record\0site`. */
export function countVotes(reports: Iterable<CheckReport>): Map<string, CheckVotes> {
  const votes = new Map<string, CheckVotes>();
  for (const report of reports)
    for (const r of report.results) {
      const key = voteKey(r.record, r.site);
      const v = votes.get(key) ?? { healthy: 0, total: 0 };
      v.total += 1;
      if (r.healthy) v.healthy += 1;
      votes.set(key, v);
    }
  return votes;
}

export function voteKey(record: string, site: string): string {
  return `${record}\u0000${site}`;
}

/**
 * Healthy when at least `share` of the reporting checkers say so; with no report at all there is
 * no verdict (undefined) and readiness alone decides, so a record whose checkers are all gone
 * does not fail every site at once.
 */
export function checkVerdict(votes: CheckVotes | undefined, share: number): boolean | undefined {
  if (votes === undefined || votes.total === 0) return undefined;
  return votes.healthy / votes.total >= share && votes.healthy > 0;
}
