import type { GslbConfig } from './gslb-config.js';
import type { CheckReport } from './check-report.js';
import { probeTarget } from './probe-target.js';

interface TargetState {
  healthy: boolean;
  /** Consecutive probes that disagreed with `healthy`. */
  streak: number;
  due: number;
}

/**
 * Probes every target of every record with a health check from this server, each at its own
 * interval, and keeps this checker's verdicts. A verdict changes after `failureThreshold`
 * consecutive disagreeing probes; a target starts healthy (as Route 53's checks do) so a new
 * checker does not fail a site it has not probed yet.
 */
export class HealthChecker {
  private config: GslbConfig;
  private readonly targets = new Map<string, TargetState>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;

  constructor(
    readonly checker: string,
    config: GslbConfig,
    private readonly onChange: (report: CheckReport) => void,
    private readonly probe = probeTarget,
  ) {
    this.config = config;
  }

  reconfigure(config: GslbConfig): void {
    this.config = config;
  }

  start(): void {
    // A quarter of the shortest interval: probes start close to when they are due.
    this.timer = setInterval(() => void this.round(), 250);
    void this.round();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
  }

  report(): CheckReport {
    const results: CheckReport['results'] = [];
    for (const record of this.config.records) {
      if (record.healthCheck === undefined) continue;
      for (const t of record.targets) {
        const state = this.targets.get(`${record.name}\u0000${t.site}\u0000${t.address}`);
        if (state !== undefined)
          results.push({ record: record.name, site: t.site, healthy: state.healthy });
      }
    }
    return { checker: this.checker, results };
  }

  /** Runs the probes that are due, all at once; one round at a time. */
  private async round(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const now = Date.now();
      const probes: Array<Promise<boolean>> = [];
      // A target seen for the first time is news too: the report grows by its (healthy) verdict.
      let added = false;
      for (const record of this.config.records) {
        const check = record.healthCheck;
        if (check === undefined) continue;
        for (const t of record.targets) {
          const key = `${record.name}\u0000${t.site}\u0000${t.address}`;
          const known = this.targets.get(key);
          const state = known ?? { healthy: true, streak: 0, due: now };
          if (known === undefined) {
            this.targets.set(key, state);
            added = true;
          }
          if (state.due > now) continue;
          state.due = now + check.intervalSeconds * 1000;
          probes.push(
            this.probe(check, t.address, this.checker).then((ok) => {
              state.streak = ok === state.healthy ? 0 : state.streak + 1;
              if (state.streak < check.failureThreshold) return false;
              state.healthy = ok;
              state.streak = 0;
              return true;
            }),
          );
        }
      }
      const changed = await Promise.all(probes);
      if (added || changed.some(Boolean)) this.onChange(this.report());
    } finally {
      this.running = false;
    }
  }
}
