import { probeFailure, type HealthCheck } from './health-probe.js';

export interface HealthTarget {
  /** Stable id of what is checked (an export entry). */
  id: string;
  host: string;
  port: number;
  check: HealthCheck;
  intervalMs: number;
  timeoutMs: number;
  /** Consecutive failures that mark it unhealthy, and successes that bring it back. */
  unhealthyThreshold: number;
  healthyThreshold: number;
}

interface TargetState {
  target: HealthTarget;
  healthy: boolean;
  streak: number;
  timer: NodeJS.Timeout;
  probing: boolean;
  /** Why the last probe failed; undefined after a success. */
  failure: string | undefined;
}

/**
 * Active health checks run by the site that owns the backends. A target starts healthy (so a
 * fresh export takes traffic at once) and flips after `unhealthyThreshold` failed probes in a
 * row; `onChange` fires on every flip so the router can re-advertise readiness.
 */
export class HealthChecker {
  private readonly targets = new Map<string, TargetState>();

  constructor(private readonly onChange: (id: string, healthy: boolean) => void) {}

  /** Starts checks for new targets, stops removed ones, restarts changed ones. */
  reconcile(targets: readonly HealthTarget[]): void {
    const wanted = new Map(targets.map((t) => [t.id, t]));
    for (const [id, state] of this.targets) {
      const next = wanted.get(id);
      if (next === undefined || JSON.stringify(next) !== JSON.stringify(state.target)) {
        clearInterval(state.timer);
        this.targets.delete(id);
      }
    }
    for (const [id, target] of wanted) {
      if (this.targets.has(id) || target.check.type === 'none') continue;
      const state: TargetState = {
        target,
        healthy: true,
        streak: 0,
        probing: false,
        failure: undefined,
        timer: setInterval(() => void this.probe(state), target.intervalMs),
      };
      state.timer.unref();
      this.targets.set(id, state);
    }
  }

  /** Unknown targets (not checked) count as healthy. */
  isHealthy(id: string): boolean {
    return this.targets.get(id)?.healthy ?? true;
  }

  /** Why an unhealthy target fails its checks; undefined while it is healthy. */
  failureOf(id: string): string | undefined {
    const state = this.targets.get(id);
    return state === undefined || state.healthy ? undefined : state.failure;
  }

  stop(): void {
    for (const state of this.targets.values()) clearInterval(state.timer);
    this.targets.clear();
  }

  private async probe(state: TargetState): Promise<void> {
    if (state.probing) return; // a slow probe never stacks up behind itself
    state.probing = true;
    const { host, port, check, timeoutMs, unhealthyThreshold, healthyThreshold } = state.target;
    const failure = await probeFailure(host, port, check, timeoutMs);
    const ok = failure === undefined;
    state.probing = false;
    state.failure = failure;
    if (this.targets.get(state.target.id) !== state) return; // removed meanwhile
    state.streak = ok === state.healthy ? 0 : state.streak + 1;
    const threshold = state.healthy ? unhealthyThreshold : healthyThreshold;
    if (state.streak < threshold) return;
    state.healthy = !state.healthy;
    state.streak = 0;
    this.onChange(state.target.id, state.healthy);
  }
}
