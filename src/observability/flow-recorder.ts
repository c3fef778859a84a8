import type { Counter, Gauge } from 'prom-client';
import { resetCodeName, type FlowOutcome } from '../transport/index.js';
import type { FlowSide, FlowStats } from './flow-stats.js';
import type { RouterMetrics } from './router-metrics.js';

interface ServiceSeries {
  key: string;
  active: Gauge.Internal<string>;
  toBackend: Counter.Internal;
  toClient: Counter.Internal;
  results: Map<string, Counter.Internal>;
  labels: { service: string; namespace: string; side: FlowSide };
}

/**
 * Counts one side's flows in both `status` and Prometheus. Label children are cached per
 * service, so recording a flow costs map lookups, not label hashing (it runs on every new flow).
 */
export class FlowRecorder {
  private readonly series = new Map<string, ServiceSeries>();

  constructor(
    private readonly side: FlowSide,
    private readonly stats: FlowStats,
    private readonly metrics: RouterMetrics,
  ) {}

  started(service: string, namespace: string): void {
    const s = this.seriesFor(service, namespace);
    this.stats.started(this.side, s.key);
    s.active.inc();
  }

  /** A flow that never got going: no endpoint, bad OPEN, backend refused. */
  refused(service: string, namespace: string, result: string): void {
    const s = this.seriesFor(service, namespace);
    this.stats.refused(this.side, s.key);
    this.result(s, result).inc();
  }

  /** A flow refused before its first answer byte was reopened at another site. */
  retried(service: string, namespace: string, reason: string): void {
    this.metrics.flowRetries.inc({ service, namespace, reason });
  }

  finished(service: string, namespace: string, outcome: FlowOutcome): void {
    const s = this.seriesFor(service, namespace);
    this.stats.finished(this.side, s.key, outcome);
    s.active.dec();
    this.result(s, outcome.kind === 'closed' ? 'closed' : resetCodeName(outcome.code)).inc();
    // On ingress the socket is the client; on egress it is the backend.
    const [fromClient, fromBackend] = this.side === 'egress' ? [outcome.bytesOut, outcome.bytesIn] : [outcome.bytesIn, outcome.bytesOut];
    s.toBackend.inc(fromClient);
    s.toClient.inc(fromBackend);
  }

  private result(s: ServiceSeries, result: string): Counter.Internal {
    let child = s.results.get(result);
    if (child === undefined) {
      child = this.metrics.flows.labels({ ...s.labels, result });
      s.results.set(result, child);
    }
    return child;
  }

  private seriesFor(service: string, namespace: string): ServiceSeries {
    const key = `${service}.${namespace}`;
    let s = this.series.get(key);
    if (s === undefined) {
      const labels = { service, namespace, side: this.side };
      s = {
        key,
        labels,
        active: this.metrics.flowsActive.labels(labels),
        toBackend: this.metrics.flowBytes.labels({ ...labels, direction: 'client-to-backend' }),
        toClient: this.metrics.flowBytes.labels({ ...labels, direction: 'backend-to-client' }),
        results: new Map(),
      };
      this.series.set(key, s);
    }
    return s;
  }
}
