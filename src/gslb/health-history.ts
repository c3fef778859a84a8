/** A site's health for one service changed; what the metrics and the log report. */
export interface HealthTransition {
  service: string;
  site: string;
  healthy: boolean;
  at: number;
}

/**
 * When each (service, site) became healthy, so failover can hold traffic off a site that only just
 * recovered. Time is passed in, never read, so tests drive it with a manual clock.
 */
export class HealthHistory {
  private readonly since = new Map<string, number>();
  private readonly seen = new Set<string>();

  /**
   * Records the ready sites among `sites` for `service` at `now` and returns what changed. A site
   * healthy at the first look is healthy since forever (-Infinity): no hold-down is owed to a site
   * nobody saw fail, so a restarted server answers as its peers do.
   */
  observe(
    service: string,
    sites: readonly string[],
    ready: ReadonlySet<string>,
    now: number,
  ): HealthTransition[] {
    const first = !this.seen.has(service);
    this.seen.add(service);
    const changes: HealthTransition[] = [];
    for (const site of sites) {
      const key = `${service}\u0000${site}`;
      const was = this.since.has(key);
      const is = ready.has(site);
      if (was === is) continue;
      if (is) this.since.set(key, first ? Number.NEGATIVE_INFINITY : now);
      else this.since.delete(key);
      changes.push({ service, site, healthy: is, at: now });
    }
    return changes;
  }

  /**
   * Back from a gap in what we could see (the minority side of a partition): whatever happened
   * meanwhile is unknown, so every healthy site counts as healthy only from `now`.
   */
  restartFrom(now: number): void {
    for (const key of this.since.keys()) this.since.set(key, now);
  }

  /** Since when `site` has been healthy for `service`, or undefined when it is not. */
  healthySince(service: string, site: string): number | undefined {
    return this.since.get(`${service}\u0000${site}`);
  }
}
