import { parseHostPort, type ExportConfig } from '../config/index.js';
import { HealthChecker, type HealthCheck } from '../health/index.js';

/**
 * Whether each local export entry is advertised ready: the platform's word (`ready: false`), the
 * active health checks of its backend, and a drain that takes every entry out at once.
 */
export class ExportReadiness {
  private readonly health: HealthChecker;
  /** Set by a drain: every endpoint is advertised not ready, so peers stop sending new flows. */
  private draining = false;

  /** `changed` runs when a backend's health flips (the site re-advertises). */
  constructor(changed: () => void) {
    this.health = new HealthChecker(changed);
  }

  /** Checks exactly these entries' backends from now on. */
  reconcile(exports: readonly ExportConfig[]): void {
    this.health.reconcile(
      exports.map((e) => {
        const { host, port } = parseHostPort(e.to, 'exports.to');
        const check: HealthCheck =
          e.health.type === 'http'
            ? { type: 'http', path: e.health.path, expectStatus: e.health.expectStatus }
            : // A UDP backend has no handshake to probe: the platform's word and the importers'
              // failover (ICMP port unreachable resets the session) stand in for the check.
              { type: e.protocol === 'UDP' ? 'none' : e.health.type };
        return { id: exportId(e), host, port, check, ...e.health };
      }),
    );
  }

  drain(): void {
    this.draining = true;
  }

  /** What the directory counts as ready: not marked unready and its backend healthy (a drain aside). */
  isServing(e: ExportEntry): boolean {
    return e.ready !== false && this.health.isHealthy(exportId(e));
  }

  /** What the advert says: serving and not draining. */
  isReady(e: ExportEntry): boolean {
    return !this.draining && this.isServing(e);
  }

  /** Why an entry is advertised not ready; undefined when it is ready. */
  failureOf(e: ExportEntry): string | undefined {
    if (this.draining) return 'draining';
    if (e.ready === false) return 'the platform reports the backend not ready';
    return this.health.failureOf(exportId(e));
  }

  stop(): void {
    this.health.stop();
  }
}

type ExportEntry = {
  name: string;
  namespace: string;
  port: number;
  hostname?: string | undefined;
  to: string;
  ready?: boolean | undefined;
};

/** Identity of one export entry for health checks: service port, headless endpoint and backend. */
function exportId(e: ExportEntry): string {
  return `${e.name}.${e.namespace}:${e.port}/${e.hostname ?? ''}@${e.to}`;
}
