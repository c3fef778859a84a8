import { resetCodeName, type FlowOutcome } from '../transport/index.js';
import {
  publishEvent,
  type FlowCloseEvent,
  type FlowOpenEvent,
  type FlowProtocol,
  type HttpRequestEvent,
  type SitePlace,
} from './causeway-events.js';
import type { FlowSide } from './flow-stats.js';

/** What a publisher knows of a flow's way through the clusterset; sites are ids, resolved to places here. */
export interface FlowRoute {
  protocol?: FlowProtocol;
  source?: string;
  destination?: string;
  nextHop?: string;
  previousHop?: string;
}

/** One flow between its open and its close. */
export interface FlowTicket {
  readonly id: number;
  readonly service: string;
  readonly namespace: string;
  readonly startedAt: number;
  route: FlowRoute;
}

let lastFlowId = 0;

/**
 * Tells one side's flows as `causeway:flow:*` events: the metrics, `status` counts and anything
 * else subscribe to them. Holds no counters itself, so a new observer never changes a caller.
 */
export class FlowRecorder {
  constructor(
    private readonly side: FlowSide,
    private readonly site: string,
    private readonly placeOf: (site: string) => SitePlace | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  started(service: string, namespace: string, route: FlowRoute = {}): FlowTicket {
    lastFlowId += 1;
    const ticket: FlowTicket = { id: lastFlowId, service, namespace, startedAt: this.now(), route };
    publishEvent('flowOpen', () => this.openEvent(ticket));
    return ticket;
  }

  /** A flow that never got going: no endpoint, bad OPEN, backend refused. */
  refused(service: string, namespace: string, result: string, route: FlowRoute = {}): void {
    publishEvent('flowClose', () => {
      lastFlowId += 1;
      const ticket: FlowTicket = {
        id: lastFlowId,
        service,
        namespace,
        startedAt: this.now(),
        route,
      };
      return {
        ...this.openEvent(ticket),
        opened: false,
        outcome: result,
        bytesToBackend: 0,
        bytesToClient: 0,
        durationMs: 0,
      };
    });
  }

  /** A flow refused before its first answer byte was reopened at another site. */
  retried(service: string, namespace: string, reason: string): void {
    publishEvent('flowRetry', () => ({
      site: this.site,
      side: this.side,
      service,
      namespace,
      reason,
    }));
  }

  /** One HTTP request of an import answered or refused; sites are ids, resolved to places here. */
  requested(
    request: Omit<HttpRequestEvent, 'site' | 'source' | 'destination' | 'durationMs'> & {
      destination: string | null;
    },
  ): void {
    publishEvent('httpRequest', () => ({
      ...request,
      site: this.site,
      source: this.place(this.site),
      destination: this.place(request.destination ?? undefined),
      durationMs: this.now() - request.startedAt,
    }));
  }

  /** When a request or flow started, on this recorder's clock. */
  time(): number {
    return this.now();
  }

  finished(ticket: FlowTicket, outcome: FlowOutcome): void {
    publishEvent('flowClose', () => this.closeEvent(ticket, outcome));
  }

  private closeEvent(ticket: FlowTicket, outcome: FlowOutcome): FlowCloseEvent {
    // On ingress the socket is the client; on egress it is the backend.
    const [toBackend, toClient] =
      this.side === 'egress'
        ? [outcome.bytesOut, outcome.bytesIn]
        : [outcome.bytesIn, outcome.bytesOut];
    return {
      ...this.openEvent(ticket),
      opened: true,
      outcome: outcome.kind === 'closed' ? 'closed' : resetCodeName(outcome.code),
      bytesToBackend: toBackend,
      bytesToClient: toClient,
      durationMs: this.now() - ticket.startedAt,
    };
  }

  private openEvent(ticket: FlowTicket): FlowOpenEvent {
    const { route } = ticket;
    return {
      id: ticket.id,
      site: this.site,
      side: this.side,
      service: ticket.service,
      namespace: ticket.namespace,
      protocol: route.protocol ?? 'tcp',
      source: this.place(route.source),
      destination: this.place(route.destination),
      nextHop: route.nextHop ?? null,
      previousHop: route.previousHop ?? null,
      startedAt: ticket.startedAt,
    };
  }

  private place(site: string | undefined): SitePlace | null {
    if (site === undefined) return null;
    return this.placeOf(site) ?? { site, zone: '', region: '' };
  }
}
