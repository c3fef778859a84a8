export interface OutlierOptions {
  /** Failures in a row (connect refused, reset before answering) that eject an endpoint. */
  consecutiveFailures: number;
  /** First ejection lasts this long; each repeated ejection doubles it, up to `maxEjectionMs`. */
  baseEjectionMs: number;
  maxEjectionMs: number;
  /** Never eject more than this share of a service's endpoints, so an outage cannot empty it. */
  maxEjectionPercent: number;
}

export const DEFAULT_OUTLIER_OPTIONS: OutlierOptions = {
  consecutiveFailures: 3,
  baseEjectionMs: 5_000,
  maxEjectionMs: 120_000,
  maxEjectionPercent: 50,
};

interface EndpointRecord {
  failures: number;
  ejections: number;
  ejectedUntil: number;
  /** Last time the ejection multiplier was stepped back down. */
  decayedAt: number;
}

/**
 * Passive outlier detection (as Envoy's): endpoints that keep failing new flows are ejected for a
 * time that grows with each repeat ejection. Pure: the caller passes the clock.
 */
export class OutlierDetector {
  private readonly records = new Map<string, EndpointRecord>();

  constructor(private readonly options: OutlierOptions = DEFAULT_OUTLIER_OPTIONS) {}

  /**
   * A flow succeeded. Once an endpoint has been back for a base ejection time, each further such
   * period steps its multiplier down (as Envoy does), so old ejections stop lengthening new ones.
   */
  recordSuccess(id: string, now: number): void {
    const record = this.records.get(id);
    if (record === undefined) return;
    record.failures = 0;
    const since = Math.max(record.ejectedUntil, record.decayedAt);
    if (
      record.ejections > 0 &&
      now >= record.ejectedUntil &&
      now - since >= this.options.baseEjectionMs
    ) {
      record.ejections -= 1;
      record.decayedAt = now;
    }
  }

  /**
   * Counts a failure; returns the ejection length when this failure ejected the endpoint.
   * `peers` are the ids of the endpoints of the same service, for the max-ejection bound.
   */
  recordFailure(id: string, now: number, peers: readonly string[]): number | undefined {
    const record = this.records.get(id) ?? {
      failures: 0,
      ejections: 0,
      ejectedUntil: 0,
      decayedAt: 0,
    };
    this.records.set(id, record);
    record.failures += 1;
    if (record.failures < this.options.consecutiveFailures || this.isEjected(id, now))
      return undefined;
    const ejectedPeers = peers.filter((p) => p !== id && this.isEjected(p, now)).length;
    if (((ejectedPeers + 1) / Math.max(peers.length, 1)) * 100 > this.options.maxEjectionPercent)
      return undefined;
    const duration = Math.min(
      this.options.maxEjectionMs,
      this.options.baseEjectionMs * 2 ** record.ejections,
    );
    record.ejections += 1;
    record.failures = 0;
    record.ejectedUntil = now + duration;
    return duration;
  }

  /** When the current ejection ends (0 when never ejected). */
  ejectedUntil(id: string): number {
    return this.records.get(id)?.ejectedUntil ?? 0;
  }

  isEjected(id: string, now: number): boolean {
    return (this.records.get(id)?.ejectedUntil ?? 0) > now;
  }
}
