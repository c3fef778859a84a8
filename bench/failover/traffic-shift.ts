import { answered, type FlowRecord } from './flow-record.js';

/** What to judge a load run against: the moment a site was lost and what counts as held up. */
export interface ShiftWindow {
  /** When the failure was injected (epoch ms). */
  readonly eventAt: number;
  /** The site that was lost; flows it still answered after `eventAt` count as not moved. */
  readonly lost: string;
  /** Flows starting at or after this (the lost site coming back) are left out. */
  readonly until?: number;
  /** A flow slower than this was held up by an attempt on the lost site. */
  readonly slowMs: number;
}

/** How the flows that ended after a site was lost fared. */
export interface TrafficShift {
  /** Flows that ended after the event and started before `until`. */
  readonly flows: number;
  readonly failed: number;
  /** Failed flows that started at or after the event (new flows, not ones in flight). */
  readonly failedNew: number;
  /** Flows started before the event and still open at it. */
  readonly inFlightAtEvent: number;
  readonly servedByLost: number;
  readonly slow: number;
  /**
   * From the event to the end of the last disturbed flow (failed, answered by the lost site, or
   * slow): after this, every new flow went straight to a surviving site. 0 when none was disturbed.
   */
  readonly movedMs: number;
  /** From the event to the start of the last disturbed flow: when new flows stopped being sent to the lost site. */
  readonly lastSentMs: number;
  readonly maxLatencyMs: number;
  readonly errors: Readonly<Record<string, number>>;
}

/** Summarizes the flows that ended after `window.eventAt`. Pure: records in, figures out. */
export function summarizeShift(records: readonly FlowRecord[], window: ShiftWindow): TrafficShift {
  const judged = records.filter(
    (r) => r.end >= window.eventAt && (window.until === undefined || r.start < window.until),
  );
  const failed = judged.filter((r) => !answered(r));
  const disturbed = judged.filter(
    (r) => !answered(r) || r.backend === window.lost || r.end - r.start > window.slowMs,
  );
  const errors: Record<string, number> = {};
  for (const r of failed) errors[r.error ?? 'unknown'] = (errors[r.error ?? 'unknown'] ?? 0) + 1;
  return {
    flows: judged.length,
    failed: failed.length,
    failedNew: failed.filter((r) => r.start >= window.eventAt).length,
    inFlightAtEvent: judged.filter((r) => r.start < window.eventAt).length,
    servedByLost: judged.filter((r) => r.backend === window.lost).length,
    slow: judged.filter((r) => answered(r) && r.end - r.start > window.slowMs).length,
    movedMs: Math.max(0, ...disturbed.map((r) => r.end - window.eventAt)),
    lastSentMs: Math.max(0, ...disturbed.map((r) => r.start - window.eventAt)),
    maxLatencyMs: Math.max(0, ...judged.map((r) => r.end - r.start)),
    errors,
  };
}

/** Latency percentile (nearest rank) of the answered flows that ended before `before`. */
export function baselineLatency(
  records: readonly FlowRecord[],
  before: number,
  percentile: number,
): number {
  const sorted = records
    .filter((r) => r.end < before && answered(r))
    .map((r) => r.end - r.start)
    .sort((a, b) => a - b);
  return (
    sorted[
      Math.min(sorted.length - 1, Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1))
    ] ?? 0
  );
}
