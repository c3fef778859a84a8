/** ingress: from a local client; egress: to a local backend; transit: passing through. */
export type FlowSide = 'ingress' | 'egress' | 'transit';

export interface FlowCounts {
  active: number;
  total: number;
  failed: number;
  bytesIn: number;
  bytesOut: number;
}

/** Per-service flow counts for `causeway status` (metrics carry the same figures for Prometheus). */
export class FlowStats {
  private readonly counts = new Map<string, FlowCounts>();

  started(side: FlowSide, key: string): void {
    this.entry(side, key).active += 1;
  }

  /** A flow that never started (no endpoint, backend refused). */
  refused(side: FlowSide, key: string): void {
    const c = this.entry(side, key);
    c.total += 1;
    c.failed += 1;
  }

  /** A flow that ended; bytes as its socket here saw them, `failed` when it was reset. */
  finished(
    side: FlowSide,
    key: string,
    outcome: { bytesIn: number; bytesOut: number; failed: boolean },
  ): void {
    const c = this.entry(side, key);
    c.active -= 1;
    c.total += 1;
    c.bytesIn += outcome.bytesIn;
    c.bytesOut += outcome.bytesOut;
    if (outcome.failed) c.failed += 1;
  }

  /** Flows in progress on one side, all services together. */
  active(side: FlowSide): number {
    let n = 0;
    for (const [id, c] of this.counts) if (id.startsWith(`${side}/`)) n += c.active;
    return n;
  }

  get(side: FlowSide, key: string): FlowCounts {
    return {
      ...(this.counts.get(`${side}/${key}`) ?? {
        active: 0,
        total: 0,
        failed: 0,
        bytesIn: 0,
        bytesOut: 0,
      }),
    };
  }

  private entry(side: FlowSide, key: string): FlowCounts {
    const id = `${side}/${key}`;
    let c = this.counts.get(id);
    if (c === undefined) {
      c = { active: 0, total: 0, failed: 0, bytesIn: 0, bytesOut: 0 };
      this.counts.set(id, c);
    }
    return c;
  }
}
