import type { Counter, Gauge } from 'prom-client';
import { subscribeEvent, type FlowCloseEvent, type FlowOpenEvent } from './causeway-events.js';
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
 * Feeds one router's Prometheus metrics and `status` counts from the event catalogue (its own
 * site's events only). Label children are cached per service, so a flow costs map lookups, not
 * label hashing (it runs on every new flow). Returns the function that stops it.
 */
export function subscribeRouterMetrics(
  site: string,
  metrics: RouterMetrics,
  stats: FlowStats,
): () => void {
  const series = new Map<string, ServiceSeries>();
  const seriesFor = (side: FlowSide, service: string, namespace: string): ServiceSeries => {
    const id = `${side}/${service}.${namespace}`;
    let s = series.get(id);
    if (s === undefined) {
      const labels = { service, namespace, side };
      s = {
        key: `${service}.${namespace}`,
        labels,
        active: metrics.flowsActive.labels(labels),
        toBackend: metrics.flowBytes.labels({ ...labels, direction: 'client-to-backend' }),
        toClient: metrics.flowBytes.labels({ ...labels, direction: 'backend-to-client' }),
        results: new Map(),
      };
      series.set(id, s);
    }
    return s;
  };
  const result = (s: ServiceSeries, name: string): Counter.Internal => {
    let child = s.results.get(name);
    if (child === undefined) {
      child = metrics.flows.labels({ ...s.labels, result: name });
      s.results.set(name, child);
    }
    return child;
  };
  const opened = (e: FlowOpenEvent): void => {
    if (e.site !== site) return;
    const s = seriesFor(e.side, e.service, e.namespace);
    stats.started(e.side, s.key);
    s.active.inc();
  };
  const closed = (e: FlowCloseEvent): void => {
    if (e.site !== site) return;
    const s = seriesFor(e.side, e.service, e.namespace);
    result(s, e.outcome).inc();
    if (!e.opened) {
      stats.refused(e.side, s.key);
      if (e.outcome.startsWith('denied:'))
        metrics.flowsDenied.inc({
          service: s.key,
          source_site: e.source?.site ?? 'unknown',
          reason: e.outcome.slice('denied:'.length),
        });
      return;
    }
    // status counts bytes as the socket saw them: on egress the socket is the backend.
    const [bytesIn, bytesOut] =
      e.side === 'egress'
        ? [e.bytesToClient, e.bytesToBackend]
        : [e.bytesToBackend, e.bytesToClient];
    stats.finished(e.side, s.key, { bytesIn, bytesOut, failed: e.outcome !== 'closed' });
    s.active.dec();
    s.toBackend.inc(e.bytesToBackend);
    s.toClient.inc(e.bytesToClient);
  };
  const stops = [
    subscribeEvent('flowOpen', opened),
    subscribeEvent('flowClose', closed),
    subscribeEvent('flowRetry', (e) => {
      if (e.site === site)
        metrics.flowRetries.inc({ service: e.service, namespace: e.namespace, reason: e.reason });
    }),
    subscribeEvent('udpDrop', (e) => {
      if (e.site === site)
        metrics.udpDropped.inc(
          { service: e.service, namespace: e.namespace, side: e.side, reason: e.reason },
          e.datagrams,
        );
    }),
    subscribeEvent('linkUp', (e) => {
      if (e.site !== site) return;
      metrics.linkUp.set({ peer: e.peer.site }, 1);
      metrics.linkTransitions.inc({ peer: e.peer.site, state: 'up' });
    }),
    subscribeEvent('linkDown', (e) => {
      if (e.site !== site) return;
      metrics.linkUp.set({ peer: e.peer.site }, 0);
      metrics.linkTransitions.inc({ peer: e.peer.site, state: 'down' });
    }),
    subscribeEvent('leaseChange', (e) => {
      if (e.site !== site) return;
      if (e.kind === 'changed') metrics.leaseChanges.inc({ lease: e.lease });
      else metrics.leaseHeld.set({ lease: e.lease }, e.kind === 'acquired' ? 1 : 0);
    }),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
