import type { FlowCloseEvent, HttpRequestEvent, SitePlace } from '../observability/index.js';

/** One access-log record: a flow or an HTTP request, as one JSON line. */
export interface AccessLogLine {
  time: string;
  kind: 'flow' | 'http';
  /** The site whose router wrote the line. */
  site: string;
  /** ingress (client here), egress (backend here) or transit; HTTP requests are ingress. */
  side: string;
  service: string;
  namespace: string;
  protocol: string;
  source: string | null;
  destination: string | null;
  bytesToBackend: number;
  bytesToClient: number;
  durationMs: number;
  /** Flows: closed, a reset code name or the refusal; HTTP: answered, refused or failed. */
  outcome: string;
  method?: string;
  status?: number;
  traceId: string | null;
}

const siteOf = (p: SitePlace | null): string | null => p?.site ?? null;

/** The line of a finished (or refused) flow. */
export function flowLine(e: FlowCloseEvent): AccessLogLine {
  return {
    time: new Date(e.startedAt + e.durationMs).toISOString(),
    kind: 'flow',
    site: e.site,
    side: e.side,
    service: e.service,
    namespace: e.namespace,
    protocol: e.protocol,
    source: siteOf(e.source) ?? e.previousHop,
    destination: siteOf(e.destination) ?? e.nextHop,
    bytesToBackend: e.bytesToBackend,
    bytesToClient: e.bytesToClient,
    durationMs: e.durationMs,
    outcome: e.opened ? e.outcome : `refused:${e.outcome}`,
    // A TCP flow's bytes are not parsed, so it carries no trace id of its own.
    traceId: null,
  };
}

/** The line of one HTTP request. */
export function requestLine(e: HttpRequestEvent): AccessLogLine {
  return {
    time: new Date(e.startedAt + e.durationMs).toISOString(),
    kind: 'http',
    site: e.site,
    side: 'ingress',
    service: e.service,
    namespace: e.namespace,
    protocol: 'http',
    source: siteOf(e.source),
    destination: siteOf(e.destination),
    bytesToBackend: e.bytesToBackend,
    bytesToClient: e.bytesToClient,
    durationMs: e.durationMs,
    outcome: e.outcome,
    method: e.method,
    status: e.status,
    traceId: e.traceId,
  };
}

/** Refusals are logged whatever the sampling: they are what someone reading the log looks for. */
export function alwaysLogged(line: AccessLogLine): boolean {
  return line.outcome.startsWith('refused') || line.outcome === 'failed';
}
